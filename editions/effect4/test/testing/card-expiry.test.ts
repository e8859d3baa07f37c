/**
 * A card seeded without an expiry must look valid by the calendar too: under the TestClock (which
 * starts at 1970) the default expiry is three years after the later of the clock's year and the
 * calendar's, in December.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { Customers, SetupIntents, XtopayControl, XtopayTest } from "../../src/index.js"
import type { PaymentMethod } from "../../src/index.js"

/** What a shop's checkout would do: a card is expired once its expiry month is over. */
const expiredByCalendar = (method: PaymentMethod): boolean => {
  const card = method.card!
  return Date.UTC(card.exp_year, card.exp_month, 1) <= Date.now()
}

/** Every way a card gets into the in-memory Xtopay without an expiry. */
const cardsWithoutExpiry = Effect.gen(function*() {
  const control = yield* XtopayControl
  const [seeded] = yield* control.seed({ customers: [{ email: "ama@example.com", payment_methods: [{ type: "card" }] }] })
  const bySeedPaymentMethod = yield* control.seedPaymentMethod(seeded!.id, { type: "card", card: { last4: "1881" } })
  const kofi = yield* Customers.create({ email: "kofi@example.com" })
  const intent = yield* SetupIntents.create({ customer_id: kofi.id })
  const bySetupIntent = yield* control.completeSetupIntent(intent.id, { type: "card" })
  return [seeded!.payment_methods[0]!, bySeedPaymentMethod, bySetupIntent]
})

describe("in-memory Xtopay: default card expiry", () => {
  it.effect("under the TestClock at its 1970 start, seeded cards are not expired by the calendar", () =>
    Effect.gen(function*() {
      const calendarYear = new Date().getUTCFullYear()
      for (const method of yield* cardsWithoutExpiry) {
        assert.strictEqual(method.card!.exp_month, 12)
        assert.strictEqual(method.card!.exp_year, calendarYear + 3)
        assert.isFalse(expiredByCalendar(method), JSON.stringify(method.card))
      }
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("with the clock in the future, the expiry follows the clock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2100-03-01T00:00:00Z"))
      for (const method of yield* cardsWithoutExpiry) assert.strictEqual(method.card!.exp_year, 2103)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a given expiry is kept as given, even a past one", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const [ama] = yield* control.seed({
        customers: [{ email: "ama@example.com", payment_methods: [{ type: "card", card: { exp_month: 3, exp_year: 2020 } }] }]
      })
      assert.deepStrictEqual(
        { month: ama!.payment_methods[0]!.card!.exp_month, year: ama!.payment_methods[0]!.card!.exp_year },
        { month: 3, year: 2020 }
      )
    }).pipe(Effect.provide(XtopayTest)))
})
