/**
 * `XtopayTestWith({ webhookApp })`: the in-memory Xtopay delivers each event to the user's own
 * effect/http app, in process, as a real `HttpServerRequest` for the endpoint's URL, signed with
 * the credential's secret; retries wait on the `Clock`, so `TestClock.adjust` runs them. The app
 * may be a router layer (`HttpRouter.add`) or a handler effect.
 */
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Redacted, Ref, Stream } from "effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import { TestClock } from "effect/testing"
import { createHmac } from "node:crypto"
import {
  Customers,
  Events,
  SetupIntents,
  WebhookEndpoints,
  Webhooks,
  XtopayControl,
  type XtopayEvent,
  XtopayTestWith
} from "../../src/index.js"

/** The user's own routes, the handler failing the first `failures` deliveries. */
const receiver = (received: Ref.Ref<ReadonlyArray<XtopayEvent>>, failures: number) => {
  let calls = 0
  return HttpRouter.add(
    "POST",
    "/webhooks/xtopay",
    Webhooks.handler((event) =>
      ++calls <= failures ? Effect.fail("not yet") : Ref.update(received, (events) => [...events, event])
    )
  )
}

describe("XtopayTestWith({ webhookApp })", () => {
  it.effect("the user's router with Webhooks.handler receives customer.payment_method_added after completeSetupIntent", () =>
    Effect.gen(function*() {
      const received = yield* Ref.make<ReadonlyArray<XtopayEvent>>([])
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* WebhookEndpoints.create({ url: "https://shop.example/webhooks/xtopay", events: ["customer.payment_method_added"] })
        const ama = yield* Customers.create({ email: "ama@example.com" })
        const intent = yield* SetupIntents.create({ customer_id: ama.id })
        const card = yield* control.completeSetupIntent(intent.id, { type: "card" })
        yield* control.settleDeliveries
        const events = yield* Ref.get(received)
        assert.deepStrictEqual(events.map((event) => event.type), ["customer.payment_method_added"])
        assert.strictEqual((events[0]!.data as { id: string }).id, card.id)
        const [attempt] = yield* control.deliveryAttempts(events[0]!.id)
        assert.deepStrictEqual([attempt!.status, attempt!.response_status, attempt!.next_retry_at], ["succeeded", 200, null])
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: receiver(received, 0) })))
    }))

  it.effect("a handler that fails twice gets its third attempt once the TestClock has moved 35 minutes", () =>
    Effect.gen(function*() {
      const received = yield* Ref.make<ReadonlyArray<XtopayEvent>>([])
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* WebhookEndpoints.create({ url: "https://shop.example/webhooks/xtopay" })
        yield* Customers.create({ email: "ama@example.com" })
        const [event] = yield* control.events
        yield* control.settleDeliveries
        yield* TestClock.adjust("5 minutes")
        yield* control.settleDeliveries
        yield* TestClock.adjust("29 minutes")
        yield* control.settleDeliveries
        assert.strictEqual((yield* Ref.get(received)).length, 0)
        assert.deepStrictEqual((yield* control.deliveryAttempts(event!.id)).map((a) => a.status), ["failed", "failed"])
        yield* TestClock.adjust("1 minute")
        yield* control.settleDeliveries
        assert.deepStrictEqual((yield* Ref.get(received)).map((e) => e.id), [event!.id])
        const attempts = yield* Stream.runCollect(Events.deliveryAttempts(event!.id))
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
      const seen: Array<{ readonly url: string; readonly timestamp: string; readonly signature: string; readonly body: string }> = []
      // A bare app (no Webhooks.handler): the test checks the signature with node:crypto itself.
      const app = Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        const body = yield* Effect.orDie(request.text)
        seen.push({
          url: request.url,
          timestamp: request.headers["x-xtopay-timestamp"]!,
          signature: request.headers["x-xtopay-signature"]!,
          body
        })
        return HttpServerResponse.empty({ status: seen.length === 1 ? 503 : 204 })
      })
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* TestClock.setTime(Date.parse("2026-05-24T10:00:00Z"))
        yield* WebhookEndpoints.create({ url: "https://shop.example/hooks?tenant=7" })
        yield* Customers.create({ email: "ama@example.com" })
        yield* control.settleDeliveries
        yield* TestClock.adjust("5 minutes")
        yield* control.settleDeliveries
        assert.strictEqual(seen.length, 2)
        assert.deepStrictEqual(seen.map((s) => s.timestamp), ["1779616800", "1779617100"])
        assert.strictEqual(seen[0]!.body, seen[1]!.body)
        assert.strictEqual((JSON.parse(seen[0]!.body) as { type: string }).type, "customer.created")
        assert.include(seen[0]!.url, "/hooks?tenant=7")
        for (const { body, signature, timestamp } of seen) {
          const expected = createHmac("sha256", "csk_test_default").update(`${timestamp}.${body}`).digest("hex")
          assert.strictEqual(signature, `sha256=${expected}`)
        }
        assert.notStrictEqual(seen[0]!.signature, seen[1]!.signature)
        const attempts = yield* control.deliveryAttempts((yield* control.events)[0]!.id)
        assert.deepStrictEqual(attempts.map((a) => [a.status, a.response_status]), [["failed", 503], ["succeeded", 204]])
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: app })))
    }))

  it.effect("a route the app does not have is answered 404, as a server would, and retried", () =>
    Effect.gen(function*() {
      const received = yield* Ref.make<ReadonlyArray<XtopayEvent>>([])
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* WebhookEndpoints.create({ url: "https://shop.example/elsewhere" })
        yield* Customers.create({ email: "ama@example.com" })
        yield* control.settleDeliveries
        const [attempt] = yield* control.deliveryAttempts((yield* control.events)[0]!.id)
        assert.deepStrictEqual([attempt!.status, attempt!.response_status], ["failed", 404])
        assert.isNotNull(attempt!.next_retry_at)
        assert.deepStrictEqual(yield* Ref.get(received), [])
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: receiver(received, 0) })))
    }))

  it.effect("Webhooks.router as the app verifies with the test client's own secret; a receiver holding another secret answers 400", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const app = Webhooks.router({
        "customer.created": (event) => Effect.sync(() => void seen.push(`created ${event.data.email}`))
      }, { orElse: (event) => Effect.sync(() => void seen.push(`other ${String(event.type)}`)) })
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* WebhookEndpoints.create({ url: "https://shop.example/any" })
        const ama = yield* Customers.create({ email: "ama@example.com" })
        yield* Customers.update(ama.id, { name: "Ama" })
        yield* control.settleDeliveries
        assert.deepStrictEqual(seen.sort(), ["created ama@example.com", "other customer.updated"])
      }).pipe(Effect.provide(XtopayTestWith({ clientSecret: Redacted.make("csk_test_rotated-9Hq2"), webhookApp: app })))
      const stale = Webhooks.handler(() => Effect.sync(() => void seen.push("stale")), {
        secrets: [Redacted.make("csk_test_old-secret")]
      })
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* WebhookEndpoints.create({ url: "https://shop.example/any" })
        yield* Customers.create({ email: "kofi@example.com" })
        yield* control.settleDeliveries
        const [attempt] = yield* control.deliveryAttempts((yield* control.events)[0]!.id)
        assert.deepStrictEqual([attempt!.status, attempt!.response_status], ["failed", 400])
        assert.notInclude(seen, "stale")
      }).pipe(Effect.provide(XtopayTestWith({ clientSecret: Redacted.make("csk_test_rotated-9Hq2"), webhookApp: stale })))
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
