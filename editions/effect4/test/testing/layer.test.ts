import { assert, describe, it } from "@effect/vitest"
import { Cause, DateTime, Effect, Exit, Fiber, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { Customers, SetupIntents, WebhookEndpoints, XtopayClient } from "../../src/index.js"
import { XtopayControl, XtopayTest, XtopayTestWith } from "../../src/testing/index.js"

describe("XtopayTest and XtopayTestWith", () => {
  it.effect("XtopayTest is a fresh, empty Xtopay each time it is built", () =>
    Effect.gen(function*() {
      const first = yield* Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(XtopayTest))
      const page = yield* Customers.listPage().pipe(Effect.provide(XtopayTest))
      assert.deepStrictEqual(page.data, [])
      assert.strictEqual((yield* Effect.flip(Customers.retrieve(first.id).pipe(Effect.provide(XtopayTest))))._tag, "NotFound")
    }))

  it.effect("XtopayTest's client is the real XtopayClient, as cid_test_default", () =>
    Effect.gen(function*() {
      const client = yield* XtopayClient
      assert.strictEqual(client.clientId, "cid_test_default")
      assert.strictEqual(client.baseUrl, "https://api.xtopay.co/v1")
      yield* Customers.listPage()
      const [request] = yield* Effect.flatMap(XtopayControl, (control) => control.requests)
      assert.strictEqual(request!.account, "cid_test_default")
      assert.match(request!.headers["user-agent"] ?? "", /^effect-xtopay\//)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("ids are deterministic: the same idSeed gives the same ids, another seed others", () =>
    Effect.gen(function*() {
      const run = (idSeed: number) =>
        Effect.gen(function*() {
          const a = yield* Customers.create({ email: "a@b.co" })
          const b = yield* Customers.create({ email: "b@b.co" })
          return [a.id, b.id]
        }).pipe(Effect.provide(XtopayTestWith({ idSeed })))
      const once = yield* run(42)
      assert.deepStrictEqual(yield* run(42), once)
      assert.notDeepEqual(yield* run(43), once)
      for (const id of once) assert.match(id, /^cus_[a-z0-9]{14}$/)
    }))

  it.effect("seed data: customers with subscriptions and payment methods, plus synthetic ones", () =>
    Effect.gen(function*() {
      const ama = yield* Customers.retrieve("cus_ama")
      assert.strictEqual(ama.name, "Ama Owusu")
      assert.deepStrictEqual(ama.subscriptions.map((s) => [s.plan_id, s.status]), [["plan_gold", "past_due"]])
      assert.deepStrictEqual(ama.payment_methods.map((m) => m.id), ["pm_ama_card"])
      const page = yield* Customers.listPage({ limit: 100 })
      assert.strictEqual(page.pagination.total_count, 51)
    }).pipe(Effect.provide(XtopayTestWith({
      seed: {
        customers: [{
          id: "cus_ama",
          email: "ama@example.com",
          name: "Ama Owusu",
          created_at: "2026-01-01T00:00:00Z",
          subscriptions: [{ plan_id: "plan_gold", status: "past_due" }],
          payment_methods: [{ id: "pm_ama_card", type: "card" }]
        }],
        syntheticCustomers: 50
      }
    }))))

  it.effect("client options pass through: maxRetries 0 means one attempt; credentials name the account", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Status", status: 503 } })
      assert.strictEqual((yield* Effect.flip(Customers.listPage()))._tag, "ServerError")
      const requests = yield* control.requests
      assert.strictEqual(requests.length, 1)
      assert.strictEqual(requests[0]!.account, "cid_test_mine")
    }).pipe(Effect.provide(XtopayTestWith({
      maxRetries: 0,
      clientId: "cid_test_mine",
      clientSecret: Redacted.make("csk_test_mine")
    }))))

  it.effect("seedCustomers seeds any account; each account counts its own", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      assert.strictEqual(yield* control.seedCustomers("cid_test_other", 30), 30)
      assert.strictEqual(yield* control.seedCustomers(5), 5)
      assert.strictEqual(yield* control.seedCustomers(5), 10)
      const page = yield* Customers.listPage({ limit: 100 })
      assert.strictEqual(page.pagination.total_count, 10)
      assert.strictEqual(page.data[0]!.email, "customer10@example.com")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("seed data is validated: a bad email, a duplicate id or an unknown customer is an XtopayControlError", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const bad = yield* Effect.flip(control.seed({ customers: [{ email: "nope" }] }))
      assert.strictEqual(bad._tag, "XtopayControlError")
      yield* control.seed({ customers: [{ id: "cus_1", email: "a@b.co" }] })
      assert.match((yield* Effect.flip(control.seed({ customers: [{ id: "cus_1", email: "a@b.co" }] }))).message, /in use/)
      assert.match((yield* Effect.flip(control.seedSubscription("cus_nope", { plan_id: "p" }))).message, /No such customer/)
      assert.match((yield* Effect.flip(control.seed({ customers: [{ email: "a@b.co", phone: "123" }] }))).message, /phone/)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("seedSubscription adds to an existing customer; current_period_end defaults to 30 days on", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const sub = yield* control.seedSubscription(ama.id, { plan_id: "plan_basic", created_at: 0 })
      assert.match(sub.id, /^sub_/)
      assert.strictEqual(sub.current_period_end?.epochMilliseconds, 30 * 24 * 60 * 60 * 1000)
      assert.strictEqual(sub.cancel_at_period_end, false)
      assert.deepStrictEqual((yield* Customers.retrieve(ama.id)).subscriptions, [sub])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("seed times may be Effect 4 DateTimes, epoch milliseconds or ISO text", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const [seeded] = yield* control.seed({
        customers: [{
          email: "ama@example.com",
          created_at: DateTime.makeUnsafe("2026-02-03T04:05:06Z"),
          subscriptions: [{ plan_id: "plan_gold", created_at: 0, current_period_end: DateTime.makeUnsafe(86_400_000) }],
          payment_methods: [{ type: "card", created_at: "2026-01-01T00:00:00Z" }]
        }]
      })
      assert.strictEqual(DateTime.formatIso(seeded!.created_at), "2026-02-03T04:05:06.000Z")
      assert.strictEqual(seeded!.subscriptions[0]!.current_period_end?.epochMilliseconds, 86_400_000)
      assert.strictEqual(DateTime.formatIso(seeded!.payment_methods[0]!.created_at), "2026-01-01T00:00:00.000Z")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("the fake's time is the Clock's: created_at follows the TestClock", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-24T10:00:00Z"))
      const first = yield* Customers.create({ email: "ama@example.com" })
      yield* TestClock.adjust("1 hour")
      const second = yield* Customers.create({ email: "kofi@example.com" })
      assert.strictEqual(DateTime.formatIso(first.created_at), "2026-05-24T10:00:00.000Z")
      assert.strictEqual(DateTime.formatIso(second.created_at), "2026-05-24T11:00:00.000Z")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("faults given to XtopayTestWith fire from the first request", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Customers.listPage())
      assert.strictEqual(error._tag, "Forbidden")
      assert.lengthOf((yield* Customers.listPage()).data, 0)
    }).pipe(Effect.provide(XtopayTestWith({ maxRetries: 0, faults: [{ times: 1, fault: { _tag: "Status", status: 403 } }] }))))

  it.effect("a rate limit: beyond it, 429 with Retry-After; the client waits it out on the TestClock and gets through", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* Customers.listPage()
      yield* Customers.listPage()
      const refused = yield* Effect.flip(Customers.listPage({}, { maxRetries: 0 }))
      assert.strictEqual(refused._tag, "RateLimited")
      assert.isDefined(refused.retryAfter)
      const fiber = yield* Effect.forkChild(Customers.listPage())
      for (let i = 0; i < 3; i++) {
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 0)))
        yield* TestClock.adjust("10 seconds")
      }
      const page = yield* Fiber.join(fiber)
      assert.lengthOf(page.data, 0)
      const answered = (yield* control.requests).filter((request) => request.route === "GET /customers")
      assert.isAtLeast(answered.length, 4, "two let through, one refused, then the retried call's attempts")
    }).pipe(Effect.provide(XtopayTestWith({ rateLimit: { requests: 2, window: "10 seconds" } }))))

  it.effect("completeSetupIntent saves the payment method on the intent's customer, and the events record it", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      const method = yield* control.completeSetupIntent(intent.id, { type: "card", card: { brand: "visa", last4: "4242" } })
      assert.strictEqual(method.customer_id, ama.id)
      assert.deepStrictEqual((yield* Customers.retrieve(ama.id)).payment_methods.map((m) => m.id), [method.id])
      const types = (yield* control.events).map((event) => event.type)
      assert.include(types, "customer.payment_method_added")
      const again = yield* Effect.flip(control.completeSetupIntent(intent.id, { type: "card" }))
      assert.strictEqual(again._tag, "XtopayControlError")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("deliveries without a webhookApp are attempted, recorded unanswered and retried on the schedule's Clock", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* WebhookEndpoints.create({ url: "https://shop.example/hooks" })
      yield* Customers.create({ email: "ama@example.com" })
      yield* control.settleDeliveries
      const created = (yield* control.events).find((event) => event.type === "customer.created")!
      const first = yield* control.deliveryAttempts(created.id)
      assert.lengthOf(first, 1)
      assert.strictEqual(first[0]!.status, "failed")
      assert.isNull(first[0]!.response_status)
      yield* TestClock.adjust("1 minute")
      yield* control.settleDeliveries
      assert.lengthOf(yield* control.deliveryAttempts(created.id), 2)
    }).pipe(Effect.provide(XtopayTestWith({ webhookRetryDelays: ["1 minute"] }))))

  it.effect("a fault plan whose route names no operation is a defect listing the routes, not a plan that never fires", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const exit = yield* Effect.exit(control.injectFaults({ times: 1, route: "POST /customer", fault: { _tag: "Status", status: 500 } }))
      assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause))
      assert.include(String(Exit.isFailure(exit) ? Cause.squash(exit.cause) : ""), "POST /customers")
      const account = yield* Effect.exit(control.account("cid_test_default").injectFaults({ times: 1, route: "GET /nowhere", fault: { _tag: "Stall" } }))
      assert.isTrue(Exit.isFailure(account))
    }).pipe(Effect.provide(XtopayTest)))
})
