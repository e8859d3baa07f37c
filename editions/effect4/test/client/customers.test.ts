import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Customers } from "../../src/index.js"
import { clientLayer, empty, json, rawJson, recordedRequests } from "../support/scripted.js"
import { assertHeaders, at, BASE, readable } from "./expectations.js"
import { customerDetails, listedCustomer, page, referenceCustomer } from "./fixtures.js"

/** The reference's example customer, as the client must decode it. */
const decodedReferenceCustomer = {
  id: "cus_a1b2c3",
  email: "ama@example.com",
  name: "Ama Owusu",
  phone: null,
  currency: "GHS",
  metadata: {},
  created_at: at("2026-05-24T10:00:00Z")
}

describe("Customers.create", () => {
  it.effect("POSTs the JSON body to /customers with auth, JSON, User-Agent and a generated Idempotency-Key", () =>
    Effect.gen(function*() {
      const customer = yield* Customers.create({
        email: "ama@example.com",
        name: "Ama Owusu",
        phone: "+233244000000",
        currency: "GHS",
        metadata: { plan: "basic" }
      })
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "POST")
      assert.strictEqual(request!.url, `${BASE}/customers`)
      assert.deepStrictEqual(request!.query, {})
      assertHeaders(request!, { body: true, idempotencyKey: "generated" })
      assert.deepStrictEqual(request!.body, {
        email: "ama@example.com",
        name: "Ama Owusu",
        phone: "+233244000000",
        currency: "GHS",
        metadata: { plan: "basic" }
      })
      assert.deepStrictEqual(readable(customer), decodedReferenceCustomer)
    }).pipe(Effect.provide(clientLayer([rawJson(201, referenceCustomer)]))))

  it.effect("sends only the fields given", () =>
    Effect.gen(function*() {
      yield* Customers.create({ email: "ama@example.com" })
      const [request] = yield* recordedRequests
      assert.deepStrictEqual(request!.body, { email: "ama@example.com" })
    }).pipe(Effect.provide(clientLayer([rawJson(201, referenceCustomer)]))))

  it.effect("sends the caller's idempotencyKey instead of a generated one", () =>
    Effect.gen(function*() {
      yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-42/create-customer" })
      const [request] = yield* recordedRequests
      assertHeaders(request!, { body: true, idempotencyKey: "order-42/create-customer" })
    }).pipe(Effect.provide(clientLayer([rawJson(201, referenceCustomer)]))))

  it.effect("generates a different Idempotency-Key for each call", () =>
    Effect.gen(function*() {
      yield* Customers.create({ email: "ama@example.com" })
      yield* Customers.create({ email: "ama@example.com" })
      const [first, second] = yield* recordedRequests
      const a = assertHeaders(first!, { body: true, idempotencyKey: "generated" })
      const b = assertHeaders(second!, { body: true, idempotencyKey: "generated" })
      assert.notStrictEqual(a, b)
    }).pipe(Effect.provide(clientLayer([rawJson(201, referenceCustomer), rawJson(201, referenceCustomer)]))))

  it.effect("decodes a replayed create (200 with Idempotency-Replayed: true) like the original 201", () =>
    Effect.gen(function*() {
      const original = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "k1" })
      const replayed = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "k1" })
      assert.deepStrictEqual(readable(replayed), readable(original))
      assert.deepStrictEqual(readable(replayed), decodedReferenceCustomer)
    }).pipe(Effect.provide(clientLayer([
      rawJson(201, referenceCustomer),
      rawJson(200, referenceCustomer, { "idempotency-replayed": "true" })
    ]))))

  it.effect("ignores fields it does not know", () =>
    Effect.gen(function*() {
      const customer = yield* Customers.create({ email: "ama@example.com" })
      assert.deepStrictEqual(readable(customer), decodedReferenceCustomer)
    }).pipe(Effect.provide(clientLayer([
      json(201, { ...JSON.parse(referenceCustomer), livemode: false, loyalty: { tier: "gold" }, tags: [1, 2] })
    ]))))
})

describe("Customers.retrieve", () => {
  it.effect("GETs /customers/:id with no body and no Idempotency-Key, and decodes subscriptions and payment methods", () =>
    Effect.gen(function*() {
      const customer = yield* Customers.retrieve("cus_a1b2c3")
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "GET")
      assert.strictEqual(request!.url, `${BASE}/customers/cus_a1b2c3`)
      assertHeaders(request!, { body: false, idempotencyKey: undefined })
      assert.deepStrictEqual(readable(customer), {
        ...decodedReferenceCustomer,
        metadata: { plan: "basic" },
        subscriptions: [
          {
            id: "sub_1",
            status: "active",
            plan_id: "plan_basic",
            current_period_end: at("2026-06-24T10:00:00Z"),
            cancel_at_period_end: false,
            created_at: at("2026-05-24T10:00:00Z")
          },
          {
            // an unknown status is kept as a value
            id: "sub_2",
            status: "incomplete_expired",
            plan_id: "plan_pro",
            current_period_end: null,
            cancel_at_period_end: true,
            created_at: at("2026-05-24T10:01:00Z")
          }
        ],
        payment_methods: [
          {
            id: "pm_card1",
            customer_id: "cus_a1b2c3",
            type: "card",
            card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
            mobile_money: null,
            created_at: at("2026-05-24T10:05:00Z")
          },
          {
            id: "pm_momo1",
            customer_id: "cus_a1b2c3",
            type: "mobile_money",
            card: null,
            mobile_money: { network: "mtn", phone: "+233244000000" },
            created_at: at("2026-05-24T10:06:00Z")
          },
          {
            // an unknown type is kept as a value; its unknown fields are dropped
            id: "pm_bank1",
            customer_id: "cus_a1b2c3",
            type: "bank_account",
            card: null,
            mobile_money: null,
            created_at: at("2026-05-24T10:07:00Z")
          }
        ]
      })
    }).pipe(Effect.provide(clientLayer([json(200, customerDetails)]))))

  it.effect("percent-encodes the id in the path", () =>
    Effect.gen(function*() {
      yield* Customers.retrieve("cus_50%off")
      yield* Customers.retrieve("cus_ñandú")
      yield* Customers.retrieve("cus:a+b&c=d")
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.url), [
        `${BASE}/customers/cus_50%25off`,
        `${BASE}/customers/cus_%C3%B1and%C3%BA`,
        `${BASE}/customers/cus%3Aa%2Bb%26c%3Dd`
      ])
    }).pipe(Effect.provide(clientLayer(() => json(200, customerDetails)))))
})

describe("Customers.update", () => {
  it.effect("PATCHes only the given fields, null clearing and metadata keys removed with null", () =>
    Effect.gen(function*() {
      const customer = yield* Customers.update("cus_a1b2c3", {
        name: null,
        phone: "+233201234567",
        metadata: { plan: "pro", legacy: null }
      })
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "PATCH")
      assert.strictEqual(request!.url, `${BASE}/customers/cus_a1b2c3`)
      assertHeaders(request!, { body: true, idempotencyKey: "generated" })
      assert.deepStrictEqual(request!.body, { name: null, phone: "+233201234567", metadata: { plan: "pro", legacy: null } })
      assert.deepStrictEqual(readable(customer), decodedReferenceCustomer)
    }).pipe(Effect.provide(clientLayer([rawJson(200, referenceCustomer)]))))

  it.effect("sends the caller's idempotencyKey and percent-encodes the id", () =>
    Effect.gen(function*() {
      yield* Customers.update("cus_ü%1", { currency: "NGN" }, { idempotencyKey: "update-1" })
      const [request] = yield* recordedRequests
      assert.strictEqual(request!.url, `${BASE}/customers/cus_%C3%BC%251`)
      assertHeaders(request!, { body: true, idempotencyKey: "update-1" })
      assert.deepStrictEqual(request!.body, { currency: "NGN" })
    }).pipe(Effect.provide(clientLayer([rawJson(200, referenceCustomer)]))))
})

describe("Customers.delete", () => {
  it.effect("DELETEs /customers/:id with no body and no Idempotency-Key, decoding the documented 200", () =>
    Effect.gen(function*() {
      const deleted = yield* Customers.delete("cus_a1b2c3")
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "DELETE")
      assert.strictEqual(request!.url, `${BASE}/customers/cus_a1b2c3`)
      assertHeaders(request!, { body: false, idempotencyKey: undefined })
      assert.deepStrictEqual(deleted, { id: "cus_a1b2c3", deleted: true })
    }).pipe(Effect.provide(clientLayer([json(200, { id: "cus_a1b2c3", deleted: true })]))))

  it.effect("accepts 204 No Content as the deletion of the id asked for", () =>
    Effect.gen(function*() {
      const deleted = yield* Customers.delete("cus_50%off")
      const [request] = yield* recordedRequests
      assert.strictEqual(request!.url, `${BASE}/customers/cus_50%25off`)
      assert.deepStrictEqual(deleted, { id: "cus_50%off", deleted: true })
    }).pipe(Effect.provide(clientLayer([empty(204)]))))
})

describe("Customers.listPage", () => {
  it.effect("GETs /customers with email, limit and after in the query, and returns the page with its pagination", () =>
    Effect.gen(function*() {
      const result = yield* Customers.listPage({ email: "ama+1@example.com", limit: 2, after: "cur_abc" })
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "GET")
      assert.strictEqual(request!.urlWithoutQuery, `${BASE}/customers`)
      assert.deepStrictEqual(request!.query, { email: "ama+1@example.com", limit: "2", after: "cur_abc" })
      assertHeaders(request!, { body: false, idempotencyKey: undefined })
      assert.deepStrictEqual(readable(result), {
        data: [
          { ...listedCustomer(1), created_at: at("2026-05-24T10:00:00Z") },
          { ...listedCustomer(2), created_at: at("2026-05-24T10:00:00Z") }
        ],
        pagination: { has_more: true, next_cursor: "cur_2", previous_cursor: null, total_count: 247 }
      })
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_2" }))
    ]))))

  it.effect("sends no query without parameters", () =>
    Effect.gen(function*() {
      yield* Customers.listPage()
      const [request] = yield* recordedRequests
      assert.strictEqual(request!.url, `${BASE}/customers`)
    }).pipe(Effect.provide(clientLayer([json(200, page([], { has_more: false, next_cursor: null }))]))))

  it.effect("decodes a pagination without previous_cursor and total_count", () =>
    Effect.gen(function*() {
      const result = yield* Customers.listPage()
      assert.deepStrictEqual(result.pagination, {
        has_more: true,
        next_cursor: "cur_1",
        previous_cursor: null,
        total_count: null
      })
      assert.strictEqual(result.data.length, 1)
    }).pipe(Effect.provide(clientLayer([
      json(200, { data: [listedCustomer(1)], pagination: { has_more: true, next_cursor: "cur_1" } })
    ]))))
})

describe("Customers.list", () => {
  it.effect("GETs /customers page after page and streams every customer", () =>
    Effect.gen(function*() {
      const customers = yield* Stream.runCollect(Customers.list({ email: "ama@example.com", limit: 1 }))
      assert.deepStrictEqual(Array.from(customers).map((c) => c.id), ["cus_1", "cus_2"])
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => [r.method, r.urlWithoutQuery, r.query]), [
        ["GET", `${BASE}/customers`, { email: "ama@example.com", limit: "1" }],
        ["GET", `${BASE}/customers`, { email: "ama@example.com", limit: "1", after: "cur_1" }]
      ])
      for (const request of requests) assertHeaders(request, { body: false, idempotencyKey: undefined })
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1)], { has_more: true, next_cursor: "cur_1" })),
      json(200, page([listedCustomer(2)], { has_more: false, next_cursor: null }))
    ]))))
})

describe("timestamps", () => {
  it.effect("decode to the instant they name: an offset is applied, a time without one is UTC", () =>
    Effect.gen(function*() {
      const stamps = [
        ["2026-05-24T10:00:00Z", "2026-05-24T10:00:00Z"],
        ["2026-05-24T10:00:00.250Z", "2026-05-24T10:00:00.250Z"],
        ["2026-05-24T12:00:00+02:00", "2026-05-24T10:00:00Z"],
        ["2026-05-24T10:00:00", "2026-05-24T10:00:00Z"]
      ] as const
      for (const [wire, instant] of stamps) {
        const customer = yield* Customers.create({ email: "ama@example.com" }).pipe(
          Effect.provide(clientLayer([json(201, { ...JSON.parse(referenceCustomer), created_at: wire })]))
        )
        assert.strictEqual(readable(customer.created_at), at(instant), wire)
      }
    }))

  it.effect("a created_at that is not an ISO 8601 timestamp is an UnexpectedResponse", () =>
    Effect.gen(function*() {
      for (const wire of ["1", "May 24, 2026", "2026-05-24T10:00:00 GMT", "1779616800000"]) {
        const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" })).pipe(
          Effect.provide(clientLayer([json(201, { ...JSON.parse(referenceCustomer), created_at: wire })]))
        )
        assert.strictEqual(error._tag, "UnexpectedResponse", wire)
      }
    }))
})
