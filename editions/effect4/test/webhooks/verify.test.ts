/**
 * `Webhooks.constructEventWith` / `constructEvent` against deliveries signed with `node:crypto`:
 * each refusal gives its exact `reason`, on the TestClock set to a fixed "now".
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, DateTime, Duration, Effect, Redacted } from "effect"
import * as PlatformHeaders from "effect/http/Headers"
import { TestClock } from "effect/testing"
import { Webhooks, type WebhookVerificationError, type XtopayEvent, XtopayTestWith } from "../../src/index.js"
import {
  customer,
  deliveryHeaders,
  eventBody,
  nodeSignature,
  NOW_MILLIS,
  NOW_SECONDS,
  OTHER_SECRET,
  paymentMethod,
  SECRET
} from "./support.js"

const secrets = [Redacted.make(SECRET)]
const body = eventBody("customer.created", customer)

/** Verifies at NOW on the TestClock. */
const verify = (
  payload: string | Uint8Array,
  headers: Webhooks.WebhookHeaders,
  options: Partial<Webhooks.VerifyOptions> = {}
) =>
  TestClock.setTime(NOW_MILLIS).pipe(
    Effect.andThen(Webhooks.constructEventWith(payload, headers, { secrets, ...options }))
  )

const refusal = (
  payload: string | Uint8Array,
  headers: Webhooks.WebhookHeaders,
  options: Partial<Webhooks.VerifyOptions> = {}
): Effect.Effect<WebhookVerificationError, XtopayEvent> => Effect.flip(verify(payload, headers, options))

describe("Webhooks.constructEventWith: a genuine delivery", () => {
  it.effect("verifies and decodes it: typed data, timestamps as DateTime", () =>
    Effect.gen(function*() {
      const event = yield* verify(body, deliveryHeaders(body))
      assert.strictEqual(event.type, "customer.created")
      if (event.type !== "customer.created") return assert.fail("narrowed to customer.created")
      assert.strictEqual(event.id, "evt_a1b2c3d4")
      assert.strictEqual(event.data.email, "ama@example.com")
      assert.strictEqual(DateTime.formatIso(event.created_at), "2026-05-24T10:00:00.000Z")
    }))

  it.effect("passes when one of several entries, separated by commas or spaces, matches", () =>
    Effect.gen(function*() {
      const good = nodeSignature(SECRET, String(NOW_SECONDS), body)
      const wrong = nodeSignature(OTHER_SECRET, String(NOW_SECONDS), body)
      for (
        const header of [
          `sha256=${wrong}, sha256=${good}`,
          `sha256=${wrong} sha256=${good}`,
          `v2=abc,sha256=${wrong},  sha256=${good} `
        ]
      ) {
        const event = yield* verify(body, { "x-xtopay-timestamp": String(NOW_SECONDS), "x-xtopay-signature": header })
        assert.strictEqual(event.id, "evt_a1b2c3d4")
      }
    }))

  it.effect("passes when the signature matches the second secret (rotation)", () =>
    Effect.gen(function*() {
      const event = yield* verify(body, deliveryHeaders(body, { secret: OTHER_SECRET }), {
        secrets: [Redacted.make(SECRET), Redacted.make(OTHER_SECRET)]
      })
      assert.strictEqual(event.id, "evt_a1b2c3d4")
    }))

  it.effect("verifies the raw bytes of a Uint8Array body, multi-byte characters included", () =>
    Effect.gen(function*() {
      const bytes = new TextEncoder().encode(eventBody("customer.updated", { ...customer, name: "Akosua Ɔdɔ 🌍" }))
      const event = yield* verify(bytes, deliveryHeaders(bytes))
      assert.strictEqual(event.type, "customer.updated")
      if (event.type === "customer.updated") assert.strictEqual(event.data.name, "Akosua Ɔdɔ 🌍")
    }))

  it.effect("looks the headers up case-insensitively in a record, web Headers and effect/http Headers", () =>
    Effect.gen(function*() {
      const headers = deliveryHeaders(body)
      const shouting = {
        "X-XTOPAY-TIMESTAMP": headers["x-xtopay-timestamp"],
        "X-Xtopay-Signature": headers["x-xtopay-signature"]
      }
      for (const given of [shouting, new Headers(shouting), PlatformHeaders.fromInput(shouting)]) {
        const event = yield* verify(body, given)
        assert.strictEqual(event.id, "evt_a1b2c3d4")
      }
    }))

  it.effect("keeps an event of a type it does not know, data as sent", () =>
    Effect.gen(function*() {
      const unknown = eventBody("subscription.created", { id: "sub_1", plan_id: "gold", extra: [1, 2] })
      const event: XtopayEvent = yield* verify(unknown, deliveryHeaders(unknown))
      assert.strictEqual(String(event.type), "subscription.created")
      assert.deepStrictEqual(event.data, { id: "sub_1", plan_id: "gold", extra: [1, 2] })
    }))

  it.effect("decodes each known payment-method event with a PaymentMethod", () =>
    Effect.gen(function*() {
      for (
        const type of [
          "customer.payment_method_added",
          "customer.payment_method_updated",
          "customer.payment_method_removed"
        ] as const
      ) {
        const payload = eventBody(type, paymentMethod)
        const event = yield* verify(payload, deliveryHeaders(payload))
        assert.strictEqual(event.type, type)
        if (
          event.type === "customer.payment_method_added" || event.type === "customer.payment_method_updated" ||
          event.type === "customer.payment_method_removed"
        ) {
          assert.strictEqual(event.data.card?.last4, "4242")
        }
      }
    }))
})

describe("Webhooks.constructEventWith: refusals, each with its reason", () => {
  it.effect("a wrong secret: NoMatchingSignature", () =>
    Effect.gen(function*() {
      const error = yield* refusal(body, deliveryHeaders(body, { secret: OTHER_SECRET }))
      assert.strictEqual(error.reason, "NoMatchingSignature")
    }))

  it.effect("one byte of the body changed: NoMatchingSignature", () =>
    Effect.gen(function*() {
      const tampered = body.replace("ama@example.com", "ama@example.org")
      assert.strictEqual(tampered.length, body.length)
      const error = yield* refusal(tampered, deliveryHeaders(body))
      assert.strictEqual(error.reason, "NoMatchingSignature")
    }))

  it.effect("the JSON re-serialized with other whitespace: NoMatchingSignature, and the message says why", () =>
    Effect.gen(function*() {
      const reserialized = JSON.stringify(JSON.parse(body), null, 2)
      const error = yield* refusal(reserialized, deliveryHeaders(body))
      assert.strictEqual(error.reason, "NoMatchingSignature")
      assert.match(error.message, /raw bytes/)
      assert.match(error.message, /before any JSON parsing/)
      assert.match(error.message, /re-serialized/)
    }))

  it.effect("no secrets at all: NoMatchingSignature, saying the list is empty", () =>
    Effect.gen(function*() {
      const error = yield* refusal(body, deliveryHeaders(body), { secrets: [] })
      assert.strictEqual(error.reason, "NoMatchingSignature")
      assert.match(error.message, /list of secrets is empty/)
    }))

  it.effect("a timestamp 301 s old or 301 s ahead: TimestampOutsideTolerance with the skew; 300 s either way passes", () =>
    Effect.gen(function*() {
      const at = (offset: number) => deliveryHeaders(body, { timestamp: String(NOW_SECONDS + offset) })
      const old = yield* refusal(body, at(-301))
      assert.strictEqual(old.reason, "TimestampOutsideTolerance")
      assert.strictEqual(old.skewSeconds, 301)
      assert.match(old.message, /301 s older/)
      const ahead = yield* refusal(body, at(301))
      assert.strictEqual(ahead.reason, "TimestampOutsideTolerance")
      assert.strictEqual(ahead.skewSeconds, -301)
      assert.match(ahead.message, /301 s ahead/)
      for (const offset of [-300, 300]) yield* verify(body, at(offset))
    }))

  it.effect("a timestamp 301 s old is measured on the Clock: the same delivery passed 2 s earlier", () =>
    Effect.gen(function*() {
      const headers = deliveryHeaders(body)
      yield* TestClock.setTime(NOW_MILLIS + 299_000)
      yield* Webhooks.constructEventWith(body, headers, { secrets })
      yield* TestClock.setTime(NOW_MILLIS + 301_000)
      const error = yield* Effect.flip(Webhooks.constructEventWith(body, headers, { secrets }))
      assert.strictEqual(error.reason, "TimestampOutsideTolerance")
    }))

  it.effect("tolerance: a shorter one refuses sooner; 0 accepts the current second only; infinity never refuses", () =>
    Effect.gen(function*() {
      const at = (offset: number) => deliveryHeaders(body, { timestamp: String(NOW_SECONDS + offset) })
      yield* verify(body, at(-10), { tolerance: "10 seconds" })
      assert.strictEqual((yield* refusal(body, at(-11), { tolerance: "10 seconds" })).reason, "TimestampOutsideTolerance")
      // Within the current second (the Clock 999 ms past it) 0 passes; one second off it refuses.
      yield* TestClock.setTime(NOW_MILLIS + 999)
      yield* Webhooks.constructEventWith(body, at(0), { secrets, tolerance: 0 })
      assert.strictEqual((yield* refusal(body, at(1), { tolerance: 0 })).reason, "TimestampOutsideTolerance")
      assert.strictEqual((yield* refusal(body, at(-1), { tolerance: Duration.zero })).reason, "TimestampOutsideTolerance")
      yield* verify(body, at(-86_400 * 365), { tolerance: Duration.infinity })
    }))

  it.effect("a timestamp that is not digits only (0x10, ' 123', 1e9, -5, empty): MalformedHeader", () =>
    Effect.gen(function*() {
      for (const timestamp of ["0x10", " 123", "1e9", "-5", "", "1779616800.0", "１２３"]) {
        // Signed over that very timestamp, so only its form is wrong.
        const error = yield* refusal(body, deliveryHeaders(body, { timestamp }))
        assert.strictEqual(error.reason, "MalformedHeader", JSON.stringify(timestamp))
        assert.strictEqual(error.header, "X-Xtopay-Timestamp")
      }
    }))

  it.effect("each header missing, in a record, web Headers and effect/http Headers: MissingHeader naming it", () =>
    Effect.gen(function*() {
      const headers = deliveryHeaders(body)
      for (const [name, display] of [["x-xtopay-timestamp", "X-Xtopay-Timestamp"], ["x-xtopay-signature", "X-Xtopay-Signature"]]) {
        const record: Record<string, string> = { ...headers }
        delete record[name!]
        for (const given of [record, new Headers(record), PlatformHeaders.fromInput(record), { ...record, [name!]: undefined }]) {
          const error = yield* refusal(body, given)
          assert.strictEqual(error.reason, "MissingHeader")
          assert.strictEqual(error.header, display)
          assert.include(error.message, display!)
        }
      }
    }))

  it.effect("a header given as an array, or under two spellings: MalformedHeader", () =>
    Effect.gen(function*() {
      const headers = deliveryHeaders(body)
      const signature = headers["x-xtopay-signature"]!
      const timestamp = headers["x-xtopay-timestamp"]!
      const cases: ReadonlyArray<readonly [Webhooks.WebhookHeaders, string]> = [
        [{ "x-xtopay-timestamp": timestamp, "x-xtopay-signature": [signature] }, "X-Xtopay-Signature"],
        [{ "x-xtopay-timestamp": [timestamp, timestamp], "x-xtopay-signature": signature }, "X-Xtopay-Timestamp"],
        [{ "x-xtopay-timestamp": timestamp, "x-xtopay-signature": signature, "X-Xtopay-Signature": signature }, "X-Xtopay-Signature"]
      ]
      for (const [given, header] of cases) {
        const error = yield* refusal(body, given)
        assert.strictEqual(error.reason, "MalformedHeader")
        assert.strictEqual(error.header, header)
      }
    }))

  it.effect("a signature header with no sha256=<64 lower-case hex> entry: MalformedHeader", () =>
    Effect.gen(function*() {
      const hex = nodeSignature(SECRET, String(NOW_SECONDS), body)
      for (const signature of ["", hex, `sha256=${hex.toUpperCase()}`, `sha256=${hex.slice(1)}`, `sha1=${hex}`, "sha256="]) {
        const error = yield* refusal(body, { "x-xtopay-timestamp": String(NOW_SECONDS), "x-xtopay-signature": signature })
        assert.strictEqual(error.reason, "MalformedHeader", signature)
        assert.strictEqual(error.header, "X-Xtopay-Signature")
      }
    }))

  it.effect("an empty body, correctly signed: InvalidPayload", () =>
    Effect.gen(function*() {
      for (const empty of ["", new Uint8Array(0)]) {
        const error = yield* refusal(empty, deliveryHeaders(empty))
        assert.strictEqual(error.reason, "InvalidPayload")
      }
    }))

  it.effect("a signed body that is not JSON, or not UTF-8: InvalidPayload, without quoting it", () =>
    Effect.gen(function*() {
      for (const payload of ["{\"id\": \"evt_1\", SECRET-LOOKING-TEXT", new Uint8Array([0x7b, 0xff, 0x7d])]) {
        const error = yield* refusal(payload, deliveryHeaders(payload))
        assert.strictEqual(error.reason, "InvalidPayload")
        assert.notInclude(error.message, "SECRET-LOOKING-TEXT")
      }
    }))

  it.effect("a known type whose data does not decode: InvalidPayload naming the field, not its value", () =>
    Effect.gen(function*() {
      const bad = eventBody("customer.created", { ...customer, email: 42, created_at: "yesterday" })
      const error = yield* refusal(bad, deliveryHeaders(bad))
      assert.strictEqual(error.reason, "InvalidPayload")
      assert.include(error.message, "customer.created")
      assert.include(error.message, "data.email")
      assert.include(error.message, "data.created_at")
      assert.notInclude(error.message, "yesterday")
      // A payment-method event whose data is a customer is refused too, not kept as unknown.
      const mismatched = eventBody("customer.payment_method_added", customer)
      assert.strictEqual((yield* refusal(mismatched, deliveryHeaders(mismatched))).reason, "InvalidPayload")
    }))

  it.effect("JSON that is no event at all (no id, no type): InvalidPayload", () =>
    Effect.gen(function*() {
      for (const payload of ["[]", "null", JSON.stringify({ type: "customer.created" }), JSON.stringify({ id: "evt_1" })]) {
        const error = yield* refusal(payload, deliveryHeaders(payload))
        assert.strictEqual(error.reason, "InvalidPayload", payload)
      }
    }))

  it.effect("the signature is checked before the time: a forged delivery with an old timestamp is NoMatchingSignature", () =>
    Effect.gen(function*() {
      const error = yield* refusal(body, deliveryHeaders(body, { secret: OTHER_SECRET, timestamp: String(NOW_SECONDS - 3600) }))
      assert.strictEqual(error.reason, "NoMatchingSignature")
    }))
})

describe("Webhooks.constructEvent", () => {
  it.effect("uses the client secret of the XtopayClient in context", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      const event = yield* Webhooks.constructEvent(body, deliveryHeaders(body))
      assert.strictEqual(event.id, "evt_a1b2c3d4")
      const error = yield* Effect.flip(Webhooks.constructEvent(body, deliveryHeaders(body, { secret: OTHER_SECRET })))
      assert.strictEqual(error.reason, "NoMatchingSignature")
    }).pipe(Effect.provide(XtopayTestWith({ clientSecret: Redacted.make(SECRET) }))))
})

describe("Webhooks.sign", () => {
  it.effect("makes the headers node:crypto computes, at the timestamp given or now on the Clock", () =>
    Effect.gen(function*() {
      const given = yield* Webhooks.sign({ payload: body, secret: Redacted.make(SECRET), timestamp: 1_700_000_000 })
      assert.deepStrictEqual(given, {
        "content-type": "application/json",
        "x-xtopay-timestamp": "1700000000",
        "x-xtopay-signature": `sha256=${nodeSignature(SECRET, "1700000000", body)}`
      })
      yield* TestClock.setTime(NOW_MILLIS + 999)
      const now = yield* Webhooks.sign({ payload: new TextEncoder().encode(body), secret: Redacted.make(SECRET) })
      assert.deepStrictEqual(now, deliveryHeaders(body))
    }))

  it.effect("refuses a timestamp that is not unix seconds (a defect: it is a test helper)", () =>
    Effect.gen(function*() {
      for (const timestamp of [-1, 1.5, Number.NaN]) {
        const exit = yield* Effect.exit(Webhooks.sign({ payload: body, secret: Redacted.make(SECRET), timestamp }))
        assert.isTrue(exit._tag === "Failure" && Cause.hasDies(exit.cause), String(timestamp))
      }
    }))
})
