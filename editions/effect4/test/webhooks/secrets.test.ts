/**
 * A WebhookVerificationError never holds the secret, the signature or the body: not in its
 * message, `String(error)`, `inspect`, its JSON, nor `Cause.pretty`, whatever the reason; and the
 * span of `constructEvent` holds none of them either.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Redacted, Tracer } from "effect"
import { TestClock } from "effect/testing"
import { inspect } from "node:util"
import { Webhooks, WebhookVerificationError, XtopayTestWith } from "../../src/index.js"
import { customer, deliveryHeaders, eventBody, NOW_MILLIS, NOW_SECONDS, OTHER_SECRET, SECRET } from "./support.js"

const BODY_MARKER = "BODY-MARKER-3Vt8"

/** A tracer keeping every span it makes. */
const recordingTracer = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

describe("WebhookVerificationError", () => {
  it.effect("holds no secret, signature or body, for every reason", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      const body = eventBody("customer.created", { ...customer, name: BODY_MARKER })
      const bad = eventBody("customer.created", { ...customer, email: BODY_MARKER, phone: 7 })
      const signed = deliveryHeaders(body)
      const { "x-xtopay-signature": _, ...unsigned } = signed
      const cases: ReadonlyArray<readonly [string, Record<string, string | ReadonlyArray<string>>, string]> = [
        [body, unsigned, "MissingHeader"],
        [body, { ...signed, "x-xtopay-signature": [signed["x-xtopay-signature"]] }, "MalformedHeader"],
        [body, { ...signed, "x-xtopay-signature": signed["x-xtopay-signature"].toUpperCase() }, "MalformedHeader"],
        [body, deliveryHeaders(body, { secret: OTHER_SECRET }), "NoMatchingSignature"],
        [`${body} `, signed, "NoMatchingSignature"],
        [body, deliveryHeaders(body, { timestamp: String(NOW_SECONDS - 999) }), "TimestampOutsideTolerance"],
        [bad, deliveryHeaders(bad), "InvalidPayload"],
        [`{"x":"${BODY_MARKER}`, deliveryHeaders(`{"x":"${BODY_MARKER}`), "InvalidPayload"]
      ]
      for (const [payload, headers, reason] of cases) {
        const error = yield* Effect.flip(
          Webhooks.constructEventWith(payload, headers, { secrets: [Redacted.make(SECRET)] })
        )
        assert.instanceOf(error, WebhookVerificationError)
        assert.strictEqual(error._tag, "WebhookVerificationError")
        assert.strictEqual(error.reason, reason)
        const forbidden = [
          SECRET,
          OTHER_SECRET,
          BODY_MARKER,
          ...[signed, deliveryHeaders(body, { secret: OTHER_SECRET }), deliveryHeaders(bad)].map((h) =>
            h["x-xtopay-signature"].slice("sha256=".length)
          )
        ]
        const renderings = [
          error.message,
          String(error),
          inspect(error, { depth: null }),
          JSON.stringify(error),
          Cause.pretty(Cause.fail(error))
        ]
        // Named after its tag, so a log line says what failed.
        assert.match(String(error), /^WebhookVerificationError: /)
        for (const text of renderings) {
          for (const secret of forbidden) {
            assert.notInclude(text.toLowerCase(), secret.toLowerCase(), `${reason}: ${text}`)
          }
        }
      }
    }))

  it.effect("the span of constructEvent holds no secret, signature or body, whether it passes or fails", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* TestClock.setTime(NOW_MILLIS)
      const body = eventBody("customer.created", { ...customer, name: BODY_MARKER })
      const headers = deliveryHeaders(body)
      const forged = deliveryHeaders(body, { secret: OTHER_SECRET })
      yield* Effect.gen(function*() {
        yield* Webhooks.constructEvent(body, headers)
        yield* Effect.flip(Webhooks.constructEvent(body, forged))
      }).pipe(Effect.withTracer(tracer))
      const named = spans.filter((span) => span.name === "Xtopay.webhooks.constructEvent")
      assert.strictEqual(named.length, 2)
      for (const span of spans) {
        const text = inspect({ name: span.name, attributes: [...span.attributes], events: span.events }, { depth: null })
        for (const forbidden of [SECRET, BODY_MARKER, headers["x-xtopay-signature"], forged["x-xtopay-signature"]]) {
          assert.notInclude(text, forbidden)
        }
      }
    }).pipe(Effect.provide(XtopayTestWith({ clientSecret: Redacted.make(SECRET) }))))
})
