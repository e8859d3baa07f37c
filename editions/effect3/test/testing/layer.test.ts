import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { Customers, XtopayClient } from "effect-xtopay"
import { XtopayControl, XtopayTest, XtopayTestWith } from "effect-xtopay/testing"
import { makeRecordingTracer } from "../support/recording.js"

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
      assert.strictEqual(sub.current_period_end?.epochMillis, 30 * 24 * 60 * 60 * 1000)
      assert.strictEqual(sub.cancel_at_period_end, false)
      assert.deepStrictEqual((yield* Customers.retrieve(ama.id)).subscriptions, [sub])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("spans: the call's client span only; with attemptSpans, also the platform's http.client span under it", () =>
    Effect.gen(function*() {
      const traced = (layer: typeof XtopayTest) =>
        Effect.gen(function*() {
          const { spans, tracer } = makeRecordingTracer()
          yield* Customers.listPage().pipe(Effect.provide(layer), Effect.withTracer(tracer))
          return spans
        })
      const plain = yield* traced(XtopayTest)
      assert.deepStrictEqual(plain.map((span) => span.name), ["Xtopay.customers.listPage"])
      const withAttempts = yield* traced(XtopayTestWith({ attemptSpans: true }))
      const call = withAttempts.find((span) => span.name === "Xtopay.customers.listPage")!
      const attempt = withAttempts.filter((span) => span.name.startsWith("http.client"))
      assert.strictEqual(attempt.length, 1)
      assert.strictEqual(Option.getOrUndefined(attempt[0]!.parent)?.spanId, call.spanId)
    }))
})
