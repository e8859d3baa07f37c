import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Customers, PaymentMethods, SetupIntents } from "../../src/index.js"
import { makeBackend } from "../../src/testing/Backend.js"
import { basic, clientOver, raw } from "./support.js"

describe("in-memory Xtopay: authentication", () => {
  it.effect("no Authorization header is a 401 credentials_missing", () =>
    Effect.gen(function*() {
      const backend = yield* makeBackend()
      const answer = yield* raw(backend, "GET", "/customers", { authorization: null })
      assert.strictEqual(answer.status, 401)
      assert.strictEqual(answer.json.error.code, "credentials_missing")
      assert.match(answer.headers["x-request-id"] ?? "", /^req_/)
    }))

  for (
    const [what, header] of [
      ["a Bearer token", "Bearer csk_test_x"],
      ["base64 that is not", "Basic !!!"],
      ["no colon", `Basic ${btoa("cid_test_a")}`],
      ["an id that is not cid_test_", basic("acct_1", "csk_test_a")],
      ["a secret that is not csk_test_", basic("cid_test_a", "secret")],
      ["a bare prefix", basic("cid_test_", "csk_test_")]
    ] as const
  ) {
    it.effect(`${what} is a 401 invalid_credentials`, () =>
      Effect.gen(function*() {
        const backend = yield* makeBackend()
        const answer = yield* raw(backend, "GET", "/customers", { authorization: header })
        assert.strictEqual(answer.status, 401)
        assert.strictEqual(answer.json.error.code, "invalid_credentials")
      }))
  }

  it.effect("live credentials are a 403 environment_mismatch, through the client a Forbidden", () =>
    Effect.gen(function*() {
      const backend = yield* makeBackend()
      const answer = yield* raw(backend, "GET", "/customers", { authorization: basic("cid_live_abc", "csk_live_abc") })
      assert.strictEqual(answer.status, 403)
      assert.strictEqual(answer.json.error.code, "environment_mismatch")
      const error = yield* Effect.flip(
        Customers.create({ email: "a@b.co" }).pipe(Effect.provide(clientOver(backend, "cid_live_abc", "csk_live_abc")))
      )
      assert.strictEqual(error._tag, "Forbidden")
      assert.strictEqual(error.code, "environment_mismatch")
      const mixed = yield* raw(backend, "GET", "/customers", { authorization: basic("cid_test_abc", "csk_live_abc") })
      assert.strictEqual(mixed.status, 403)
    }))

  it.effect("the first secret seen binds to a client id; another secret for it is Unauthorized", () =>
    Effect.gen(function*() {
      const backend = yield* makeBackend()
      const first = yield* Customers.create({ email: "a@b.co" }).pipe(
        Effect.provide(clientOver(backend, "cid_test_shop", "csk_test_one"))
      )
      const error = yield* Effect.flip(
        Customers.retrieve(first.id).pipe(Effect.provide(clientOver(backend, "cid_test_shop", "csk_test_two")))
      )
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual(error.code, "invalid_credentials")
      const again = yield* Customers.retrieve(first.id).pipe(
        Effect.provide(clientOver(backend, "cid_test_shop", "csk_test_one"))
      )
      assert.strictEqual(again.id, first.id)
    }))
})

describe("in-memory Xtopay: faults and the request log belong to authenticated requests", () => {
  it.effect("a wrong secret for a real client id meets none of its faults and lands in none of its logs", () =>
    Effect.gen(function*() {
      const backend = yield* makeBackend()
      const shop = backend.control.account("cid_test_shop")
      const good = basic("cid_test_shop", "csk_test_one")
      assert.strictEqual((yield* raw(backend, "GET", "/customers", { authorization: good })).status, 200)
      yield* shop.clearRequests
      yield* shop.injectFaults({ times: 1, route: "GET /customers", fault: { _tag: "Status", status: 503 } })

      const intruder = yield* raw(backend, "POST", "/customers", {
        authorization: basic("cid_test_shop", "csk_test_guess"),
        body: JSON.stringify({ email: "secret@example.com" })
      })
      assert.strictEqual(intruder.status, 401)
      const probe = yield* raw(backend, "GET", "/customers", { authorization: basic("cid_test_shop", "csk_test_guess") })
      assert.strictEqual(probe.status, 401)
      assert.deepStrictEqual(yield* shop.requests, [])
      // Recorded under no account, without its body.
      const unowned = yield* backend.control.requests
      assert.deepStrictEqual(unowned.map((r) => [r.route, r.account, r.body]), [["POST /customers", undefined, ""], ["GET /customers", undefined, ""]])

      // The account's own request still meets its fault.
      assert.strictEqual((yield* raw(backend, "GET", "/customers", { authorization: good })).status, 503)
      assert.strictEqual((yield* shop.requests).length, 1)
    }))
})

describe("in-memory Xtopay: each account sees only its own objects", () => {
  it.effect("another account's customer is NotFound, and absent from its lists", () =>
    Effect.gen(function*() {
      const backend = yield* makeBackend()
      const shopA = clientOver(backend, "cid_test_a", "csk_test_a")
      const shopB = clientOver(backend, "cid_test_b", "csk_test_b")
      const ama = yield* Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(shopA))
      yield* Customers.create({ email: "kofi@example.com" }).pipe(Effect.provide(shopB))

      const asB = <A, E>(effect: Effect.Effect<A, E, any>) => Effect.flip(Effect.provide(effect, shopB))
      assert.strictEqual((yield* asB(Customers.retrieve(ama.id)))._tag, "NotFound")
      assert.strictEqual((yield* asB(Customers.update(ama.id, { name: "x" })))._tag, "NotFound")
      assert.strictEqual((yield* asB(Customers.delete(ama.id)))._tag, "NotFound")
      assert.strictEqual((yield* asB(SetupIntents.create({ customer_id: ama.id })))._tag, "NotFound")
      assert.strictEqual((yield* asB(PaymentMethods.listPage({ customer_id: ama.id })))._tag, "NotFound")

      const listA = yield* Customers.listPage().pipe(Effect.provide(shopA))
      const listB = yield* Customers.listPage().pipe(Effect.provide(shopB))
      assert.deepStrictEqual(listA.data.map((c) => c.email), ["ama@example.com"])
      assert.deepStrictEqual(listB.data.map((c) => c.email), ["kofi@example.com"])
      assert.strictEqual(listB.pagination.total_count, 1)
      const filtered = yield* Customers.listPage({ email: "ama@example.com" }).pipe(Effect.provide(shopB))
      assert.deepStrictEqual(filtered.data, [])
      // A's customer is untouched by B's attempts.
      assert.strictEqual((yield* Customers.retrieve(ama.id).pipe(Effect.provide(shopA))).name, null)
    }))

  it.effect("another account's payment method is NotFound", () =>
    Effect.gen(function*() {
      const backend = yield* makeBackend()
      const ama = yield* Customers.create({ email: "ama@example.com" }).pipe(
        Effect.provide(clientOver(backend, "cid_test_a", "csk_test_a"))
      )
      const card = yield* backend.control.seedPaymentMethod(ama.id, { type: "card" })
      const shopB = clientOver(backend, "cid_test_b", "csk_test_b")
      assert.strictEqual((yield* Effect.flip(PaymentMethods.retrieve(card.id).pipe(Effect.provide(shopB))))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(PaymentMethods.detach(card.id).pipe(Effect.provide(shopB))))._tag, "NotFound")
    }))
})
