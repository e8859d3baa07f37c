import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Stream } from "effect"
import { TestClock } from "effect/testing"
import { CustomerPortal, Customers, PaymentMethods, SetupIntents, XtopayControl, XtopayTest } from "../../src/index.js"
import { send } from "./support.js"

const T0 = Date.parse("2026-05-24T10:00:00Z")

describe("in-memory Xtopay: setup intents and payment methods", () => {
  it.effect("a setup intent is si_…, with a checkout setup_url, expiring 30 minutes after creation", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const answer = yield* send("POST", "/setup-intents", { body: JSON.stringify({ customer_id: ama.id }) })
      assert.strictEqual(answer.status, 201)
      assert.match(answer.json.id, /^si_/)
      assert.strictEqual(answer.json.customer_id, ama.id)
      assert.match(answer.json.setup_url, /^https:\/\/checkout\.xtopay\.co\/setup\/tok_[a-z0-9]+$/)
      assert.strictEqual(answer.json.expires_at, "2026-05-24T10:30:00Z")
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      assert.strictEqual(DateTime.toEpochMillis(intent.expires_at), T0 + 30 * 60_000)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a setup intent for a missing customer is NotFound customer_not_found naming customer_id", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(SetupIntents.create({ customer_id: "cus_missing" }))
      assert.strictEqual(error._tag, "NotFound")
      assert.strictEqual(error.code, "customer_not_found")
      assert.strictEqual(error.param, "customer_id")
      const missing = yield* send("POST", "/setup-intents", { body: "{}" })
      assert.strictEqual(missing.status, 400)
      assert.strictEqual(missing.json.error.code, "parameter_missing")
      assert.strictEqual(missing.json.error.param, "customer_id")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("completing a setup intent attaches a card; retrieve, list and the customer show it", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      const card = yield* control.completeSetupIntent(intent.id, {
        type: "card",
        card: { brand: "mastercard", last4: "5100" }
      })
      assert.match(card.id, /^pm_/)
      assert.strictEqual(card.customer_id, ama.id)
      // December, three years after the later of the clock's year and the calendar's.
      const expYear = Math.max(2026, new Date().getUTCFullYear()) + 3
      assert.deepStrictEqual(card.card, { brand: "mastercard", last4: "5100", exp_month: 12, exp_year: expYear })
      assert.strictEqual(card.mobile_money, null)
      assert.deepStrictEqual(yield* PaymentMethods.retrieve(card.id), card)
      assert.deepStrictEqual((yield* Customers.retrieve(ama.id)).payment_methods, [card])
      const page = yield* PaymentMethods.listPage({ customer_id: ama.id })
      assert.deepStrictEqual(page.data, [card])
      assert.strictEqual(page.pagination.total_count, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("completing a setup intent with mobile money uses the customer's phone by default", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com", phone: "+233201234567" })
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      const momo = yield* control.completeSetupIntent(intent.id, { type: "mobile_money" })
      assert.strictEqual(momo.type, "mobile_money")
      assert.deepStrictEqual(momo.mobile_money, { network: "mtn", phone: "+233201234567" })
      assert.strictEqual(momo.card, null)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a setup intent completes once, not after 30 minutes, and not for a deleted customer", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const once = yield* SetupIntents.create({ customer_id: ama.id })
      yield* control.completeSetupIntent(once.id, { type: "card" })
      const twice = yield* Effect.flip(control.completeSetupIntent(once.id, { type: "card" }))
      assert.strictEqual(twice._tag, "XtopayControlError")

      const late = yield* SetupIntents.create({ customer_id: ama.id })
      yield* TestClock.adjust("29 minutes")
      const stillOpen = yield* SetupIntents.create({ customer_id: ama.id })
      yield* TestClock.adjust("1 minutes")
      assert.match((yield* Effect.flip(control.completeSetupIntent(late.id, { type: "card" }))).message, /expired/)
      yield* control.completeSetupIntent(stillOpen.id, { type: "card" })

      const orphan = yield* SetupIntents.create({ customer_id: ama.id })
      yield* Customers.delete(ama.id)
      assert.match((yield* Effect.flip(control.completeSetupIntent(orphan.id, { type: "card" }))).message, /deleted/)
      assert.match((yield* Effect.flip(control.completeSetupIntent("si_nope", { type: "card" }))).message, /No such/)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("GET /payment-methods needs customer_id (400 parameter_missing) and 404s for an unknown customer", () =>
    Effect.gen(function*() {
      const missing = yield* send("GET", "/payment-methods")
      assert.strictEqual(missing.status, 400)
      assert.strictEqual(missing.json.error.code, "parameter_missing")
      assert.strictEqual(missing.json.error.param, "customer_id")
      const unknown = yield* Effect.flip(PaymentMethods.listPage({ customer_id: "cus_missing" }))
      assert.strictEqual(unknown._tag, "NotFound")
      assert.strictEqual(unknown.code, "customer_not_found")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("payment methods list newest first and page with cursors", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const made: Array<string> = []
      for (let i = 0; i < 7; i++) {
        const intent = yield* SetupIntents.create({ customer_id: ama.id })
        made.push((yield* control.completeSetupIntent(intent.id, { type: i % 2 === 0 ? "card" : "mobile_money" })).id)
        yield* TestClock.adjust("1 seconds")
      }
      const first = yield* PaymentMethods.listPage({ customer_id: ama.id, limit: 3 })
      assert.deepStrictEqual(first.data.map((m) => m.id), made.slice(4).reverse())
      assert.strictEqual(first.pagination.has_more, true)
      const all = yield* Stream.runCollect(PaymentMethods.list({ customer_id: ama.id, limit: 3 }))
      assert.deepStrictEqual(Array.from(all).map((m) => m.id), [...made].reverse())
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("detach answers the method with customer_id null; afterwards it is gone", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const card = yield* control.seedPaymentMethod(ama.id, { type: "card" })
      const detached = yield* PaymentMethods.detach(card.id)
      assert.deepStrictEqual(detached, { ...card, customer_id: null })
      assert.strictEqual((yield* Effect.flip(PaymentMethods.retrieve(card.id))).code, "payment_method_not_found")
      assert.strictEqual((yield* Effect.flip(PaymentMethods.detach(card.id)))._tag, "NotFound")
      assert.deepStrictEqual((yield* Customers.retrieve(ama.id)).payment_methods, [])
      assert.deepStrictEqual((yield* PaymentMethods.listPage({ customer_id: ama.id })).data, [])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("an unknown payment type keeps its type, with neither card nor mobile_money", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const bank = yield* control.seedPaymentMethod(ama.id, { type: "bank_account" })
      assert.deepStrictEqual([bank.type, bank.card, bank.mobile_money], ["bank_account", null, null])
      assert.deepStrictEqual(yield* PaymentMethods.retrieve(bank.id), bank)
    }).pipe(Effect.provide(XtopayTest)))
})

describe("in-memory Xtopay: customer portal sessions", () => {
  it.effect("a portal session is cps_…, with a billing url, expiring 30 minutes after creation", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(T0)
      const ama = yield* Customers.create({ email: "ama@example.com" })
      yield* TestClock.adjust("5 minutes")
      const answer = yield* send("POST", "/customer-portal/sessions", {
        body: JSON.stringify({ customer_id: ama.id, return_url: "https://shop.example.com/account" })
      })
      assert.strictEqual(answer.status, 201)
      assert.match(answer.json.id, /^cps_/)
      assert.match(answer.json.url, /^https:\/\/billing\.xtopay\.co\/portal\/sess_[a-z0-9]+$/)
      assert.strictEqual(answer.json.expires_at, "2026-05-24T10:35:00Z")
      const session = yield* CustomerPortal.createSession({ customer_id: ama.id, return_url: "http://localhost:3000/" })
      assert.strictEqual(DateTime.toEpochMillis(session.expires_at), T0 + 35 * 60_000)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a portal session needs an existing customer and an absolute http(s) return_url", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        CustomerPortal.createSession({ customer_id: "cus_missing", return_url: "https://x.example.com" })
      )
      assert.strictEqual(error._tag, "NotFound")
      assert.strictEqual(error.code, "customer_not_found")
      const ama = yield* Customers.create({ email: "ama@example.com" })
      for (const return_url of ["/account", "ftp://x.example.com", "javascript:alert(1)"]) {
        const answer = yield* send("POST", "/customer-portal/sessions", {
          body: JSON.stringify({ customer_id: ama.id, return_url })
        })
        assert.strictEqual(answer.status, 400)
        assert.strictEqual(answer.json.error.code, "parameter_invalid")
        assert.strictEqual(answer.json.error.param, "return_url")
      }
      const missing = yield* send("POST", "/customer-portal/sessions", { body: JSON.stringify({ customer_id: ama.id }) })
      assert.strictEqual(missing.json.error.code, "parameter_missing")
      assert.strictEqual(missing.json.error.param, "return_url")
    }).pipe(Effect.provide(XtopayTest)))
})
