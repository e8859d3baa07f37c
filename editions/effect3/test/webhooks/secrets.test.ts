/**
 * A WebhookVerificationError never holds the secret, the signature or the body: not in its
 * message, `String(error)`, `inspect`, its JSON, nor `Cause.pretty`, whatever the reason.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Redacted, TestClock } from "effect"
import { makeRecordingTracer, spanText } from "../support/recording.js"
import { inspect } from "node:util"
import { Webhooks, type WebhookVerificationError, XtopayTestWith } from "../../src/index.js"
import { customer, deliveryHeaders, eventBody, NOW_MILLIS, NOW_SECONDS, OTHER_SECRET, SECRET } from "./support.js"

const BODY_MARKER = "BODY-MARKER-3Vt8"

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
        const error: WebhookVerificationError = yield* Effect.flip(
          Webhooks.constructEventWith(payload, headers, { secrets: [Redacted.make(SECRET)] })
        )
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
          Cause.pretty(Cause.fail(error), { renderErrorCause: true })
        ]
        for (const text of renderings) {
          for (const secret of forbidden) {
            assert.notInclude(text.toLowerCase(), secret.toLowerCase(), `${reason}: ${text}`)
          }
        }
      }
    }))

  it.effect("the span of constructEvent holds no secret, signature or body, whether it passes or fails", () =>
    Effect.gen(function*() {
      const { spans, tracer } = makeRecordingTracer()
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
        const text = spanText(span)
        for (const forbidden of [SECRET, BODY_MARKER, headers["x-xtopay-signature"], forged["x-xtopay-signature"]]) {
          assert.notInclude(text, forbidden)
        }
      }
    }).pipe(Effect.provide(XtopayTestWith({ clientSecret: Redacted.make(SECRET) }))))
})
