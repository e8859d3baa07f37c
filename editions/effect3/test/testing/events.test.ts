import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { createHmac } from "node:crypto"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, DateTime, Effect, Ref, Stream, TestClock } from "effect"
import {
  Customers,
  Events,
  PaymentMethods,
  SetupIntents,
  WebhookEndpoints,
  Webhooks,
  XtopayControl,
  type XtopayEvent,
  XtopayTest,
  XtopayTestWith
} from "../../src/index.js"

describe("in-memory Xtopay: events", () => {
  it.effect("each mutation records the reference's events, newest first; GET /events/:id answers each", () =>
    Effect.gen(function*() {
      const ama = yield* Customers.create({ email: "ama@example.com" })
      yield* Customers.update(ama.id, { name: "Ama" })
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      const card = yield* (yield* XtopayControl).completeSetupIntent(intent.id, { type: "card" })
      yield* (yield* XtopayControl).seedPaymentMethod(ama.id, { type: "mobile_money" })
      yield* PaymentMethods.detach(card.id)
      yield* Customers.delete(ama.id)
      const events = Chunk.toReadonlyArray(yield* Stream.runCollect(Events.list({ limit: 2 })))
      assert.deepStrictEqual(events.map((event) => event.type), [
        "customer.deleted",
        "customer.payment_method_removed",
        "customer.payment_method_removed",
        "customer.payment_method_added",
        "customer.updated",
        "customer.created"
      ])
      assert.match(events[0]!.id, /^evt_/)
      assert.deepStrictEqual(yield* Events.retrieve(events[3]!.id), events[3])
      assert.deepStrictEqual((events[3]!.data as { id: string }).id, card.id)
      assert.deepStrictEqual((yield* (yield* XtopayControl).events).map((event) => event.id), events.map((event) => event.id))
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("lists filter by type and time window; events older than 30 days are gone", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(Date.parse("2026-05-01T00:00:00Z"))
      const first = yield* Customers.create({ email: "a@example.com" })
      yield* TestClock.adjust("1 hour")
      yield* Customers.create({ email: "b@example.com" })
      yield* Customers.update(first.id, { name: "A" })
      const created = yield* Events.listPage({ type: "customer.created" })
      assert.deepStrictEqual(created.data.map((event) => event.type), ["customer.created", "customer.created"])
      const late = yield* Events.listPage({ created_after: DateTime.unsafeMake("2026-05-01T00:30:00Z") })
      assert.strictEqual(late.data.length, 2)
      const early = yield* Events.listPage({ created_before: DateTime.unsafeMake("2026-05-01T00:30:00Z") })
      assert.deepStrictEqual(early.data.map((event) => event.type), ["customer.created"])
      yield* TestClock.adjust("30 days")
      assert.deepStrictEqual((yield* Events.listPage()).data.map((event) => event.type), ["customer.updated", "customer.created"])
      const gone = yield* Effect.flip(Events.retrieve(early.data[0]!.id))
      assert.strictEqual(gone._tag, "NotFound")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a cursor walk neither skips nor repeats events while new ones are added", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 5; i++) yield* Customers.create({ email: `c${i}@example.com` })
      const page1 = yield* Events.listPage({ limit: 2 })
      for (let i = 0; i < 3; i++) yield* Customers.create({ email: `n${i}@example.com` })
      const page2 = yield* Events.listPage({ limit: 2, after: page1.pagination.next_cursor! })
      const page3 = yield* Events.listPage({ limit: 2, after: page2.pagination.next_cursor! })
      const emails = [...page1.data, ...page2.data, ...page3.data].map((event) => (event.data as { email: string }).email)
      assert.deepStrictEqual(emails, ["c4@example.com", "c3@example.com", "c2@example.com", "c1@example.com", "c0@example.com"])
      assert.isNull(page3.pagination.next_cursor)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("webhook endpoints: create, retrieve, update, list, delete; each account sees its own", () =>
    Effect.gen(function*() {
      const endpoint = yield* WebhookEndpoints.create({ url: "https://shop.example/hooks", events: ["customer.created"] })
      assert.match(endpoint.id, /^we_/)
      assert.strictEqual(endpoint.status, "active")
      assert.deepStrictEqual(yield* WebhookEndpoints.retrieve(endpoint.id), endpoint)
      const updated = yield* WebhookEndpoints.update(endpoint.id, { status: "disabled", description: "old" })
      assert.deepStrictEqual([updated.status, updated.description, updated.url], ["disabled", "old", endpoint.url])
      assert.deepStrictEqual(Chunk.toReadonlyArray(yield* Stream.runCollect(WebhookEndpoints.list())).map((e) => e.id), [endpoint.id])
      assert.deepStrictEqual(yield* WebhookEndpoints.delete(endpoint.id), { id: endpoint.id, deleted: true })
      assert.strictEqual((yield* Effect.flip(WebhookEndpoints.retrieve(endpoint.id)))._tag, "NotFound")
    }).pipe(Effect.provide(XtopayTest)))
})

/** The user's own router, its handler failing the first `failures` deliveries. */
const receiver = (received: Ref.Ref<ReadonlyArray<XtopayEvent>>, failures: number) => {
  let calls = 0
  return HttpRouter.empty.pipe(
    HttpRouter.post(
      "/webhooks/xtopay",
      Webhooks.handler((event) =>
        ++calls <= failures ? Effect.fail("not yet") : Ref.update(received, (events) => [...events, event])
      )
    )
  )
}

describe("XtopayTestWith({ webhookApp })", () => {
  it.effect("the user's router with Webhooks.handler receives customer.payment_method_added after completeSetupIntent", () =>
    Effect.gen(function*() {
      const received = yield* Ref.make<ReadonlyArray<XtopayEvent>>([])
      yield* Effect.gen(function*() {
        yield* WebhookEndpoints.create({ url: "https://shop.example/webhooks/xtopay", events: ["customer.payment_method_added"] })
        const ama = yield* Customers.create({ email: "ama@example.com" })
        const intent = yield* SetupIntents.create({ customer_id: ama.id })
        const card = yield* (yield* XtopayControl).completeSetupIntent(intent.id, { type: "card" })
        yield* (yield* XtopayControl).settleDeliveries
        const events = yield* Ref.get(received)
        assert.deepStrictEqual(events.map((event) => event.type), ["customer.payment_method_added"])
        assert.strictEqual((events[0]!.data as { id: string }).id, card.id)
        const [attempt] = yield* (yield* XtopayControl).deliveryAttempts(events[0]!.id)
        assert.deepStrictEqual([attempt!.status, attempt!.response_status, attempt!.next_retry_at], ["succeeded", 200, null])
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: receiver(received, 0) })))
    }))

  it.effect("a handler that fails twice gets its third attempt once the TestClock has moved 35 minutes", () =>
    Effect.gen(function*() {
      const received = yield* Ref.make<ReadonlyArray<XtopayEvent>>([])
      yield* Effect.gen(function*() {
        yield* WebhookEndpoints.create({ url: "https://shop.example/webhooks/xtopay" })
        yield* Customers.create({ email: "ama@example.com" })
        const [event] = yield* (yield* XtopayControl).events
        const control = yield* XtopayControl
        yield* control.settleDeliveries
        yield* TestClock.adjust("5 minutes")
        yield* control.settleDeliveries
        yield* TestClock.adjust("29 minutes")
        yield* control.settleDeliveries
        assert.strictEqual((yield* Ref.get(received)).length, 0)
        assert.deepStrictEqual((yield* (yield* XtopayControl).deliveryAttempts(event!.id)).map((a) => a.status), ["failed", "failed"])
        yield* TestClock.adjust("1 minutes")
        yield* control.settleDeliveries
        assert.deepStrictEqual((yield* Ref.get(received)).map((e) => e.id), [event!.id])
        const attempts = Chunk.toReadonlyArray(yield* Stream.runCollect(Events.deliveryAttempts(event!.id)))
        assert.deepStrictEqual(attempts.map((a) => [a.status, a.response_status]), [["failed", 500], ["failed", 500], ["succeeded", 200]])
        assert.strictEqual(
          DateTime.toEpochMillis(attempts[0]!.next_retry_at!) - DateTime.toEpochMillis(attempts[0]!.attempted_at),
          5 * 60_000
        )
        assert.isNull(attempts[2]!.next_retry_at)
        // A replay delivers once more.
        yield* Events.replay(event!.id)
        yield* control.settleDeliveries
        assert.strictEqual((yield* Ref.get(received)).length, 2)
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: receiver(received, 2) })))
    }))

  it.effect("each attempt has a fresh timestamp and signature over the same body, keyed with the creating credential's secret", () =>
    Effect.gen(function*() {
      const seen: Array<{ readonly timestamp: string; readonly signature: string; readonly body: string }> = []
      // A bare app (no Webhooks.handler): the test checks the signature with node:crypto itself.
      const app = Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const body = yield* Effect.orDie(request.text)
        seen.push({
          timestamp: request.headers["x-xtopay-timestamp"]!,
          signature: request.headers["x-xtopay-signature"]!,
          body
        })
        return HttpServerResponse.empty({ status: seen.length === 1 ? 503 : 204 })
      })
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* TestClock.setTime(Date.parse("2026-05-24T10:00:00Z"))
        yield* WebhookEndpoints.create({ url: "https://shop.example/hooks" })
        yield* Customers.create({ email: "ama@example.com" })
        yield* control.settleDeliveries
        yield* TestClock.adjust("5 minutes")
        yield* control.settleDeliveries
        assert.strictEqual(seen.length, 2)
        assert.deepStrictEqual(seen.map((s) => s.timestamp), ["1779616800", "1779617100"])
        assert.strictEqual(seen[0]!.body, seen[1]!.body)
        for (const { body, signature, timestamp } of seen) {
          const expected = createHmac("sha256", "csk_test_default").update(`${timestamp}.${body}`).digest("hex")
          assert.strictEqual(signature, `sha256=${expected}`)
        }
        assert.notStrictEqual(seen[0]!.signature, seen[1]!.signature)
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: app })))
    }))

  it.effect("a disabled endpoint, or one whose events list lacks the type, gets nothing", () =>
    Effect.gen(function*() {
      let calls = 0
      const app = Effect.sync(() => {
        calls++
        return HttpServerResponse.empty({ status: 200 })
      })
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        const off = yield* WebhookEndpoints.create({ url: "https://shop.example/off" })
        yield* WebhookEndpoints.update(off.id, { status: "disabled" })
        yield* WebhookEndpoints.create({ url: "https://shop.example/deleted-only", events: ["customer.deleted"] })
        yield* Customers.create({ email: "ama@example.com" })
        yield* control.settleDeliveries
        assert.strictEqual(calls, 0)
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: app })))
    }))
})
