import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { TestClock } from "effect/testing"
import { PaymentMethods } from "../../src/index.js"
import { clientLayer, empty, json, recordedRequests } from "../support/scripted.js"
import { assertHeaders, at, BASE, readable } from "./expectations.js"
import { cardPaymentMethod, futurePaymentMethod, momoPaymentMethod, page } from "./fixtures.js"

const decodedCard = {
  id: "pm_card1",
  customer_id: "cus_a1b2c3",
  type: "card",
  card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
  mobile_money: null,
  created_at: at("2026-05-24T10:05:00Z")
}

describe("PaymentMethods.retrieve", () => {
  it.effect("GETs /payment-methods/:id with no body and no Idempotency-Key, and decodes it", () =>
    Effect.gen(function*() {
      const method = yield* PaymentMethods.retrieve("pm_card1")
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "GET")
      assert.strictEqual(request!.url, `${BASE}/payment-methods/pm_card1`)
      assertHeaders(request!, { body: false, idempotencyKey: undefined })
      assert.deepStrictEqual(readable(method), decodedCard)
    }).pipe(Effect.provide(clientLayer([json(200, cardPaymentMethod)]))))

  it.effect("keeps a type it does not know as a value and ignores unknown fields", () =>
    Effect.gen(function*() {
      const method = yield* PaymentMethods.retrieve("pm_bank1")
      assert.deepStrictEqual(readable(method), {
        id: "pm_bank1",
        customer_id: "cus_a1b2c3",
        type: "bank_account",
        card: null,
        mobile_money: null,
        created_at: at("2026-05-24T10:07:00Z")
      })
    }).pipe(Effect.provide(clientLayer([json(200, futurePaymentMethod)]))))

  it.effect("keeps a mobile-money network it does not know as a value", () =>
    Effect.gen(function*() {
      const method = yield* PaymentMethods.retrieve("pm_momo1")
      assert.strictEqual(method.mobile_money?.network, "vodafone_cash")
    }).pipe(Effect.provide(clientLayer([
      json(200, { ...momoPaymentMethod, mobile_money: { network: "vodafone_cash", phone: "+233201234567" } })
    ]))))

  it.effect("percent-encodes the id in the path", () =>
    Effect.gen(function*() {
      yield* PaymentMethods.retrieve("pm_100%")
      yield* PaymentMethods.retrieve("pm_日本")
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.url), [
        `${BASE}/payment-methods/pm_100%25`,
        `${BASE}/payment-methods/pm_%E6%97%A5%E6%9C%AC`
      ])
    }).pipe(Effect.provide(clientLayer(() => json(200, cardPaymentMethod)))))
})

describe("PaymentMethods.detach", () => {
  it.effect("DELETEs /payment-methods/:id and decodes the detached method (customer_id null)", () =>
    Effect.gen(function*() {
      const method = yield* PaymentMethods.detach("pm_card1")
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "DELETE")
      assert.strictEqual(request!.url, `${BASE}/payment-methods/pm_card1`)
      assertHeaders(request!, { body: false, idempotencyKey: undefined })
      assert.deepStrictEqual(readable(method), { ...decodedCard, customer_id: null })
    }).pipe(Effect.provide(clientLayer([json(200, { ...cardPaymentMethod, customer_id: null })]))))

  it.effect("treats a 204 with no body as a successful detach, keeping the id and customer_id null", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-06-01T09:00:00Z"))
      const method = yield* PaymentMethods.detach("pm_card1")
      assert.deepStrictEqual(readable(method), {
        id: "pm_card1",
        customer_id: null,
        type: "unknown",
        card: null,
        mobile_money: null,
        created_at: at("2026-06-01T09:00:00Z")
      })
    }).pipe(Effect.provide(clientLayer([empty(204)]))))

  it.effect("percent-encodes the id in the path", () =>
    Effect.gen(function*() {
      yield* PaymentMethods.detach("pm_a%bé")
      const [request] = yield* recordedRequests
      assert.strictEqual(request!.url, `${BASE}/payment-methods/pm_a%25b%C3%A9`)
    }).pipe(Effect.provide(clientLayer([json(200, { ...cardPaymentMethod, customer_id: null })]))))
})

describe("PaymentMethods.listPage", () => {
  it.effect("GETs /payment-methods with customer_id, limit and after, and returns the page with its pagination", () =>
    Effect.gen(function*() {
      const result = yield* PaymentMethods.listPage({ customer_id: "cus_a1b2c3", limit: 50, after: "cur_x" })
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "GET")
      assert.strictEqual(request!.urlWithoutQuery, `${BASE}/payment-methods`)
      assert.deepStrictEqual(request!.query, { customer_id: "cus_a1b2c3", limit: "50", after: "cur_x" })
      assertHeaders(request!, { body: false, idempotencyKey: undefined })
      assert.deepStrictEqual(readable(result), {
        data: [decodedCard, {
          id: "pm_bank1",
          customer_id: "cus_a1b2c3",
          type: "bank_account",
          card: null,
          mobile_money: null,
          created_at: at("2026-05-24T10:07:00Z")
        }],
        pagination: { has_more: false, next_cursor: null, previous_cursor: null, total_count: 247 }
      })
    }).pipe(Effect.provide(clientLayer([
      json(200, page([cardPaymentMethod, futurePaymentMethod], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("decodes a pagination without previous_cursor and total_count", () =>
    Effect.gen(function*() {
      const result = yield* PaymentMethods.listPage({ customer_id: "cus_a1b2c3" })
      assert.deepStrictEqual(result.pagination, {
        has_more: false,
        next_cursor: null,
        previous_cursor: null,
        total_count: null
      })
    }).pipe(Effect.provide(clientLayer([
      json(200, { data: [cardPaymentMethod], pagination: { has_more: false, next_cursor: null } })
    ]))))
})

describe("PaymentMethods.list", () => {
  it.effect("walks /payment-methods for the customer, page after page", () =>
    Effect.gen(function*() {
      const methods = yield* Stream.runCollect(PaymentMethods.list({ customer_id: "cus_a1b2c3", limit: 1 }))
      assert.deepStrictEqual(Array.from(methods).map((m) => m.id), ["pm_card1", "pm_momo1"])
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => [r.method, r.urlWithoutQuery, r.query]), [
        ["GET", `${BASE}/payment-methods`, { customer_id: "cus_a1b2c3", limit: "1" }],
        ["GET", `${BASE}/payment-methods`, { customer_id: "cus_a1b2c3", limit: "1", after: "cur_1" }]
      ])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([cardPaymentMethod], { has_more: true, next_cursor: "cur_1" })),
      json(200, page([momoPaymentMethod], { has_more: false, next_cursor: null }))
    ]))))
})
