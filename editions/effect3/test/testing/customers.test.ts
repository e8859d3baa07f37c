import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, TestClock } from "effect"
import { Customers, PaymentMethods, XtopayControl, XtopayTest } from "../../src/index.js"
import { send } from "./support.js"

describe("in-memory Xtopay: customers", () => {
  it.effect("create answers 201 with a cus_ id, the reference's defaults and the Clock's time", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-24T10:00:00Z"))
      const answer = yield* send("POST", "/customers", { body: JSON.stringify({ email: "ama@example.com" }) })
      assert.strictEqual(answer.status, 201)
      assert.match(answer.headers["x-request-id"] ?? "", /^req_/)
      assert.match(answer.json.id, /^cus_/)
      assert.deepStrictEqual({ ...answer.json, id: "x" }, {
        id: "x",
        email: "ama@example.com",
        name: null,
        phone: null,
        currency: "GHS",
        metadata: {},
        created_at: "2026-05-24T10:00:00Z"
      })
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("create keeps every field given; retrieve answers it with empty subscriptions and payment_methods", () =>
    Effect.gen(function*() {
      const ama = yield* Customers.create({
        email: "ama@example.com",
        name: "Ama Owusu",
        phone: "+233244000000",
        currency: "USD",
        metadata: { plan: "gold" }
      })
      const full = yield* Customers.retrieve(ama.id)
      assert.deepStrictEqual(full, { ...ama, subscriptions: [], payment_methods: [] })
      assert.strictEqual(full.name, "Ama Owusu")
      assert.strictEqual(full.currency, "USD")
      assert.deepStrictEqual(full.metadata, { plan: "gold" })
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("retrieve includes the customer's subscriptions and payment methods, newest first", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const [seeded] = yield* control.seed({
        customers: [{
          email: "kofi@example.com",
          subscriptions: [{ plan_id: "plan_basic", created_at: 1_000 }, { plan_id: "plan_pro", created_at: 2_000 }],
          payment_methods: [
            { type: "card", created_at: 1_000 },
            { type: "mobile_money", mobile_money: { network: "telecel", phone: "+233200000000" }, created_at: 2_000 }
          ]
        }]
      })
      const full = yield* Customers.retrieve(seeded!.id)
      assert.deepStrictEqual(full.subscriptions.map((s) => [s.plan_id, s.status]), [["plan_pro", "active"], ["plan_basic", "active"]])
      assert.deepStrictEqual(full.payment_methods.map((m) => m.type), ["mobile_money", "card"])
      assert.deepStrictEqual(full.payment_methods[0]!.mobile_money, { network: "telecel", phone: "+233200000000" })
      assert.strictEqual(full.payment_methods[1]!.card?.last4, "4242")
      assert.isTrue(full.payment_methods.every((m) => m.customer_id === seeded!.id))
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("update changes only the fields sent; metadata keys merge and a null removes one", () =>
    Effect.gen(function*() {
      const ama = yield* Customers.create({
        email: "ama@example.com",
        name: "Ama",
        phone: "+233244000000",
        metadata: { plan: "gold", region: "accra" }
      })
      const updated = yield* Customers.update(ama.id, { metadata: { region: null, tier: "1" }, currency: "EUR" })
      assert.deepStrictEqual(updated, { ...ama, currency: "EUR", metadata: { plan: "gold", tier: "1" } })
      const cleared = yield* Customers.update(ama.id, { name: null, phone: null })
      assert.deepStrictEqual(cleared, { ...updated, name: null, phone: null })
      const retrieved = yield* Customers.retrieve(ama.id)
      assert.deepStrictEqual(retrieved, { ...cleared, subscriptions: [], payment_methods: [] })
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("an update with an empty body changes nothing", () =>
    Effect.gen(function*() {
      const ama = yield* Customers.create({ email: "ama@example.com", metadata: { a: "1" } })
      assert.deepStrictEqual(yield* Customers.update(ama.id, {}), ama)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("delete answers { id, deleted: true }, removes payment methods, and later requests are 404", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const [kofi] = yield* control.seed({
        customers: [{ email: "kofi@example.com", subscriptions: [{ plan_id: "p" }], payment_methods: [{ type: "card" }] }]
      })
      const methodId = kofi!.payment_methods[0]!.id
      assert.deepStrictEqual(yield* Customers.delete(kofi!.id), { id: kofi!.id, deleted: true })

      const retrieve = yield* Effect.flip(Customers.retrieve(kofi!.id))
      assert.strictEqual(retrieve._tag, "NotFound")
      assert.strictEqual(retrieve.code, "customer_not_found")
      assert.strictEqual((yield* Effect.flip(Customers.update(kofi!.id, { name: "x" })))._tag, "NotFound")
      assert.strictEqual((yield* Effect.flip(Customers.delete(kofi!.id)))._tag, "NotFound")
      const method = yield* Effect.flip(PaymentMethods.retrieve(methodId))
      assert.strictEqual(method.code, "payment_method_not_found")
      const page = yield* Customers.listPage()
      assert.deepStrictEqual(page.data, [])
      assert.strictEqual(page.pagination.total_count, 0)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a customer that never existed is NotFound customer_not_found", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Customers.retrieve("cus_missing"))
      assert.strictEqual(error._tag, "NotFound")
      assert.strictEqual(error.status, 404)
      assert.strictEqual(error.code, "customer_not_found")
      assert.match(error.requestId ?? "", /^req_/)
      assert.strictEqual(error.docUrl, "https://docs.xtopay.co/api/errors#customer_not_found")
    }).pipe(Effect.provide(XtopayTest)))
})

describe("in-memory Xtopay: server-side validation (the same schemas as the client)", () => {
  const cases: ReadonlyArray<readonly [string, "POST" | "PATCH", string, string, string | null]> = [
    ["a missing email", "POST", "{}", "parameter_missing", "email"],
    ["an empty body", "POST", "", "parameter_missing", "email"],
    ["a malformed email", "POST", `{"email":"not-an-email"}`, "parameter_invalid", "email"],
    ["a phone that is not E.164", "POST", `{"email":"a@b.co","phone":"0244000000"}`, "invalid_phone", "phone"],
    ["a bad currency", "POST", `{"email":"a@b.co","currency":"cedi"}`, "parameter_invalid", "currency"],
    ["metadata with a number", "POST", `{"email":"a@b.co","metadata":{"n":1}}`, "parameter_invalid", "metadata"],
    ["a __proto__ metadata key", "POST", `{"email":"a@b.co","metadata":{"__proto__":"x"}}`, "parameter_invalid", "metadata"],
    ["a __proto__ metadata key on update", "PATCH", `{"metadata":{"__proto__":null}}`, "parameter_invalid", "metadata"],
    ["malformed JSON", "POST", `{"email":`, "invalid_request", null],
    ["a JSON array", "POST", `[1]`, "invalid_request", null],
    ["a null email on update", "PATCH", `{"email":null}`, "parameter_invalid", "email"],
    ["a bad phone on update", "PATCH", `{"phone":"+1"}`, "invalid_phone", "phone"],
    ["a null currency on update", "PATCH", `{"currency":null}`, "parameter_invalid", "currency"]
  ]
  for (const [what, method, body, code, param] of cases) {
    it.effect(`${method} with ${what} is a 400 ${code}${param === null ? "" : ` naming ${param}`}`, () =>
      Effect.gen(function*() {
        const ama = yield* Customers.create({ email: "ama@example.com" })
        const path = method === "POST" ? "/customers" : `/customers/${ama.id}`
        const answer = yield* send(method, path, { body })
        assert.strictEqual(answer.status, 400)
        assert.strictEqual(answer.json.error.code, code)
        assert.strictEqual(answer.json.error.param, param)
        assert.isString(answer.json.error.message)
        assert.strictEqual(answer.json.error.doc_url, `https://docs.xtopay.co/api/errors#${code}`)
        assert.match(answer.headers["x-request-id"] ?? "", /^req_/)
        // Nothing was created or changed.
        assert.deepStrictEqual(yield* Customers.retrieve(ama.id), { ...ama, subscriptions: [], payment_methods: [] })
        assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
      }).pipe(Effect.provide(XtopayTest)))
  }

  // Issue 25.8: refused, never silently dropped; the message names the key.
  it.effect("a __proto__ metadata key is refused naming metadata.__proto__, and a seed with one is an XtopayControlError", () =>
    Effect.gen(function*() {
      const refused = yield* send("POST", "/customers", { body: `{"email":"a@b.co","metadata":{"a":"b","__proto__":"x"}}` })
      assert.strictEqual(refused.status, 400)
      assert.include(refused.json.error.message, "metadata.__proto__")
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 0)
      const control = yield* XtopayControl
      const seeded = yield* Effect.flip(control.seed({ customers: [{ email: "a@b.co", metadata: JSON.parse(`{"__proto__":"x"}`) }] }))
      assert.strictEqual(seeded._tag, "XtopayControlError")
      assert.include(seeded.message, "__proto__")
    }).pipe(Effect.provide(XtopayTest)))

  // Issue 26.3 reversed the old rule (unknown fields ignored): a typo must not pass unseen.
  it.effect("an unknown field is 400 parameter_unknown naming it, and an id in an update body changes nothing", () =>
    Effect.gen(function*() {
      const refused = yield* send("POST", "/customers", { body: `{"email":"a@b.co","colour":"blue"}` })
      assert.strictEqual(refused.status, 400)
      assert.deepStrictEqual([refused.json.error.code, refused.json.error.param], ["parameter_unknown", "colour"])
      const created = yield* send("POST", "/customers", { body: `{"email":"a@b.co"}` })
      assert.strictEqual(created.status, 201)
      const updated = yield* send("PATCH", `/customers/${created.json.id}`, { body: `{"id":"cus_other","name":"A"}` })
      assert.deepStrictEqual([updated.status, updated.json.error.param], [400, "id"])
      const after = yield* send("GET", `/customers/${created.json.id}`)
      assert.deepStrictEqual([after.json.id, after.json.name], [created.json.id, null])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("an unknown URL is a 404 resource_not_found", () =>
    Effect.gen(function*() {
      const answer = yield* send("GET", "/invoices")
      assert.strictEqual(answer.status, 404)
      assert.strictEqual(answer.json.error.code, "resource_not_found")
      const wrongMethod = yield* send("PATCH", "/payment-methods/pm_1", { body: "{}" })
      assert.strictEqual(wrongMethod.status, 404)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("created_at follows the TestClock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2030-01-02T03:04:05.678Z"))
      const c = yield* Customers.create({ email: "a@b.co" })
      assert.strictEqual(DateTime.formatIso(c.created_at), "2030-01-02T03:04:05.678Z")
    }).pipe(Effect.provide(XtopayTest)))
})
