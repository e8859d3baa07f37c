import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { Customers, XtopayControl, XtopayTest, XtopayTestWith } from "../../src/index.js"
import { makeBackend } from "../../src/testing/Backend.js"
import { clientOver, send } from "./support.js"

const body = JSON.stringify({ email: "ama@example.com" })

describe("in-memory Xtopay: idempotency keys", () => {
  it.effect("the same key and body replays the original answer with 200 and Idempotency-Replayed: true", () =>
    Effect.gen(function*() {
      const first = yield* send("POST", "/customers", { body, headers: { "idempotency-key": "k1" } })
      assert.strictEqual(first.status, 201)
      assert.isUndefined(first.headers["idempotency-replayed"])
      const again = yield* send("POST", "/customers", { body, headers: { "idempotency-key": "k1" } })
      assert.strictEqual(again.status, 200)
      assert.strictEqual(again.headers["idempotency-replayed"], "true")
      assert.deepStrictEqual(again.json, first.json)
      assert.notStrictEqual(again.headers["x-request-id"], first.headers["x-request-id"])
      // Key order does not make a body different.
      const reordered = yield* send("POST", "/customers", {
        body: `{ "email" : "ama@example.com" }`,
        headers: { "idempotency-key": "k1" }
      })
      assert.strictEqual(reordered.status, 200)
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("through the client, a repeated create with the same key gives the same customer, made once", () =>
    Effect.gen(function*() {
      const a = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-42" })
      const b = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-42" })
      assert.deepStrictEqual(b, a)
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("the same key with another body is 422 idempotency_key_mismatch: IdempotencyConflict, not retried", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "k" })
      yield* control.clearRequests
      const error = yield* Effect.flip(Customers.create({ email: "kofi@example.com" }, { idempotencyKey: "k" }))
      assert.strictEqual(error._tag, "IdempotencyConflict")
      assert.strictEqual(error.status, 422)
      assert.strictEqual(error.code, "idempotency_key_mismatch")
      assert.strictEqual((yield* control.requests).length, 1)
      // The same key on another endpoint is another request too.
      const other = yield* send("POST", "/setup-intents", { body, headers: { "idempotency-key": "k" } })
      assert.strictEqual(other.status, 422)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("while the first request runs, the same key is 409 idempotency_key_in_use; afterwards it replays", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis: 5_000 } })
      const first = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }, { idempotencyKey: "slow" }))
      yield* TestClock.adjust("1 seconds")

      const inUse = yield* Effect.flip(
        Customers.create({ email: "ama@example.com" }, { idempotencyKey: "slow", maxRetries: 0 })
      )
      assert.strictEqual(inUse._tag, "IdempotencyConflict")
      assert.strictEqual(inUse.status, 409)
      assert.strictEqual(inUse.code, "idempotency_key_in_use")
      // Another body with the key is a mismatch, whether or not the first still runs.
      const mismatch = yield* Effect.flip(
        Customers.create({ email: "kofi@example.com" }, { idempotencyKey: "slow", maxRetries: 0 })
      )
      assert.strictEqual(mismatch.code, "idempotency_key_mismatch")

      yield* TestClock.adjust("4 seconds")
      const created = yield* Fiber.join(first)
      const replayed = yield* send("POST", "/customers", { body, headers: { "idempotency-key": "slow" } })
      assert.strictEqual(replayed.status, 200)
      assert.strictEqual(replayed.headers["idempotency-replayed"], "true")
      assert.strictEqual(replayed.json.id, created.id)
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("the client retries a 409 in use until the first finishes, then gets its answer", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis: 400 } })
      const first = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }, { idempotencyKey: "k" }))
      yield* TestClock.adjust("1 millis")
      // Enough retries that scheduling order on a busy machine cannot exhaust them before the first ends.
      const second = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }, { idempotencyKey: "k", maxRetries: 10 }))
      for (let i = 0; i < 200; i++) {
        const done = Option.isSome(Option.fromNullishOr(first.pollUnsafe())) && Option.isSome(Option.fromNullishOr(second.pollUnsafe()))
        if (done) break
        yield* TestClock.adjust("1 seconds")
        yield* Effect.yieldNow
      }
      const [a, b] = [yield* Fiber.join(first), yield* Fiber.join(second)]
      assert.deepStrictEqual(b, a)
      const statuses = (yield* control.requests).filter((r) => r.route === "POST /customers").length
      assert.isAtLeast(statuses, 3)
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("keys are kept 24 hours on the Clock, then forgotten", () =>
    Effect.gen(function*() {
      const first = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "daily" })
      yield* TestClock.adjust("23 hours")
      yield* TestClock.adjust("59 minutes")
      const replay = yield* send("POST", "/customers", { body, headers: { "idempotency-key": "daily" } })
      assert.strictEqual(replay.status, 200)
      assert.strictEqual(replay.json.id, first.id)
      yield* TestClock.adjust("1 minutes")
      const fresh = yield* Customers.create({ email: "kofi@example.com" }, { idempotencyKey: "daily" })
      assert.notStrictEqual(fresh.id, first.id)
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 2)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("keys are scoped per account", () =>
    Effect.gen(function*() {
      const backend = yield* makeBackend()
      const a = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "same" }).pipe(
        Effect.provide(clientOver(backend, "cid_test_a", "csk_test_a"))
      )
      const b = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "same" }).pipe(
        Effect.provide(clientOver(backend, "cid_test_b", "csk_test_b"))
      )
      assert.notStrictEqual(a.id, b.id)
    }))

  it.effect("PATCH honours keys: a replay answers the first update and does not apply it again", () =>
    Effect.gen(function*() {
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const first = yield* Customers.update(ama.id, { metadata: { step: "1" } }, { idempotencyKey: "u1" })
      yield* Customers.update(ama.id, { metadata: { step: "2" } }, { idempotencyKey: "u2" })
      const replay = yield* send("PATCH", `/customers/${ama.id}`, {
        body: JSON.stringify({ metadata: { step: "1" } }),
        headers: { "idempotency-key": "u1" }
      })
      assert.strictEqual(replay.status, 200)
      assert.strictEqual(replay.headers["idempotency-replayed"], "true")
      assert.deepStrictEqual(replay.json.metadata, { step: "1" })
      assert.deepStrictEqual(first.metadata, { step: "1" })
      assert.deepStrictEqual((yield* Customers.retrieve(ama.id)).metadata, { step: "2" })
      const mismatch = yield* Effect.flip(Customers.update(ama.id, { name: "x" }, { idempotencyKey: "u1" }))
      assert.strictEqual(mismatch.code, "idempotency_key_mismatch")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a replayed error keeps its status: a 404 stays a 404", () =>
    Effect.gen(function*() {
      const headers = { "idempotency-key": "missing" }
      const setup = JSON.stringify({ customer_id: "cus_missing" })
      const first = yield* send("POST", "/setup-intents", { body: setup, headers })
      const again = yield* send("POST", "/setup-intents", { body: setup, headers })
      assert.deepStrictEqual([first.status, again.status], [404, 404])
      assert.strictEqual(again.headers["idempotency-replayed"], "true")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a refused (400) request does not use up its key", () =>
    Effect.gen(function*() {
      const headers = { "idempotency-key": "fix-me" }
      const bad = yield* send("POST", "/customers", { body: `{"email":"nope"}`, headers })
      assert.strictEqual(bad.status, 400)
      const good = yield* send("POST", "/customers", { body, headers })
      assert.strictEqual(good.status, 201)
    }).pipe(Effect.provide(XtopayTest)))

  for (
    const [what, key] of [
      ["longer than 255 characters", "k".repeat(256)],
      ["with a control character", "abc\u0001def"],
      ["with a non-ASCII character", "clé"]
    ] as const
  ) {
    it.effect(`an Idempotency-Key ${what} is a 400 parameter_invalid`, () =>
      Effect.gen(function*() {
        const answer = yield* send("POST", "/customers", { body, headers: { "idempotency-key": key } })
        assert.strictEqual(answer.status, 400)
        assert.strictEqual(answer.json.error.code, "parameter_invalid")
        assert.strictEqual(answer.json.error.param, "Idempotency-Key")
        assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 0)
      }).pipe(Effect.provide(XtopayTest)))
  }

  it.effect("a key of exactly 255 printable characters is accepted", () =>
    Effect.gen(function*() {
      const answer = yield* send("POST", "/customers", { body, headers: { "idempotency-key": "k".repeat(255) } })
      assert.strictEqual(answer.status, 201)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a dropped answer is retried with the same key and replayed: one customer, not two", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Drop", when: "mid-body" } })
      const fiber = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }))
      yield* TestClock.adjust("10 seconds")
      const customer = yield* Fiber.join(fiber)
      const posts = (yield* control.requests).filter((r) => r.route === "POST /customers")
      assert.strictEqual(posts.length, 2)
      assert.strictEqual(posts[0]!.headers["idempotency-key"], posts[1]!.headers["idempotency-key"])
      const page = yield* Customers.listPage()
      assert.deepStrictEqual(page.data.map((c) => c.id), [customer.id])
    }).pipe(Effect.provide(XtopayTestWith({ idSeed: 7 }))))
})
