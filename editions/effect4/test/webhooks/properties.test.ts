/**
 * Properties of signing and verifying: `sign` agrees with `node:crypto` for any body and secret,
 * what it signs verifies, and any one-byte change of the body, the timestamp or the signature is
 * refused. fast-check drives the cases; each runs as an Effect on a TestClock at NOW.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Redacted, Result } from "effect"
import { TestClock } from "effect/testing"
import * as fc from "fast-check"
import { Webhooks } from "../../src/index.js"
import { nodeSignature, NOW_MILLIS, NOW_SECONDS } from "./support.js"

/** Runs one case on a fresh TestClock, failing the property when the Effect fails. */
const run = (effect: Effect.Effect<void, unknown>): Promise<void> =>
  Effect.runPromise(effect.pipe(Effect.provide(TestClock.layer())))

/** A property over fast-check arbitraries, each case an Effect. */
const prop = <Ts extends [unknown, ...Array<unknown>]>(
  name: string,
  arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> },
  check: (values: Ts) => Effect.Effect<void, unknown>,
  options: { readonly numRuns: number }
) =>
  it(name, () =>
    fc.assert(
      fc.asyncProperty(...(arbitraries as unknown as [fc.Arbitrary<unknown>]), (...values) => run(check(values as unknown as Ts))),
      options
    ))

/** Any secret `sign` takes, blank ones too (the fake signs with whatever its credential holds). */
const anySecretArb = fc.string({ unit: "grapheme", maxLength: 80 })
/** Any secret a verifier accepts: not empty or only whitespace. */
const secretArb = anySecretArb.filter((secret) => secret.trim() !== "")
/** Secrets anyone could sign with, which a verifier refuses. */
const blankSecretArb = fc.string({ unit: fc.constantFrom(" ", "\t", "\n", "\r", "\u00a0", "\u2003", "\ufeff"), maxLength: 12 })
const bodyArb = fc.uint8Array({ maxLength: 4096 })
/** Any timestamp within the default tolerance of now. */
const offsetArb = fc.integer({ min: -300, max: 300 })

/** An event of a type this version does not know, with any JSON as data, printed with any indentation. */
const eventArb = fc.record({
  id: fc.string({ minLength: 1 }).map((s) => `evt_${s}`),
  type: fc.constantFrom("subscription.created", "payment.succeeded", "invoice.paid"),
  data: fc.jsonValue(),
  indent: fc.constantFrom(undefined, 0, 1, 2, "\t")
})

const signed = (payload: Uint8Array | string, secret: string, offset: number) =>
  Effect.gen(function*() {
    yield* TestClock.setTime(NOW_MILLIS)
    return yield* Webhooks.sign({ payload, secret: Redacted.make(secret), timestamp: NOW_SECONDS + offset })
  })

const verify = (payload: Uint8Array | string, headers: Webhooks.WebhookHeaders, secret: string) =>
  Webhooks.constructEventWith(payload, headers, { secrets: [Redacted.make(secret)] })

/** Flips one byte: `index` and `delta` pick it and how it changes (never to itself). */
const changeByte = (bytes: Uint8Array, index: number, delta: number): Uint8Array => {
  const out = Uint8Array.from(bytes)
  const i = index % out.length
  out[i] = (out[i]! + 1 + (delta % 255)) % 256
  return out
}

/** Changes one character of an ASCII header value to another printable ASCII character. */
const changeChar = (text: string, index: number, delta: number): string => {
  const i = index % text.length
  const code = text.charCodeAt(i) - 0x20
  const changed = String.fromCharCode(0x20 + ((code + 1 + (delta % 94)) % 95))
  return `${text.slice(0, i)}${changed}${text.slice(i + 1)}`
}

describe("Webhooks.sign and constructEventWith, for any body and secret", () => {
  prop(
    "sign makes the signature node:crypto makes, and the signature stage passes (only the payload may be refused)",
    [bodyArb, secretArb, offsetArb],
    ([body, secret, offset]) =>
      Effect.gen(function*() {
        const headers = yield* signed(body, secret, offset)
        assert.strictEqual(headers["x-xtopay-timestamp"], String(NOW_SECONDS + offset))
        assert.strictEqual(
          headers["x-xtopay-signature"],
          `sha256=${nodeSignature(secret, String(NOW_SECONDS + offset), body)}`
        )
        const result = yield* Effect.result(verify(body, headers, secret))
        // Random bytes are rarely an event: InvalidPayload is the only refusal allowed.
        if (Result.isFailure(result)) assert.strictEqual(result.failure.reason, "InvalidPayload")
      }),
    { numRuns: 200 }
  )

  prop(
    "sign takes a blank secret as node:crypto does, but verifying with one dies (anyone can sign with it)",
    [bodyArb, blankSecretArb, anySecretArb, offsetArb],
    ([body, blank, other, offset]) =>
      Effect.gen(function*() {
        const headers = yield* signed(body, blank, offset)
        assert.strictEqual(headers["x-xtopay-signature"], `sha256=${nodeSignature(blank, String(NOW_SECONDS + offset), body)}`)
        for (const secrets of [[blank], [other, blank], [blank, other]]) {
          const exit = yield* Effect.exit(
            Webhooks.constructEventWith(body, headers, { secrets: secrets.map((secret) => Redacted.make(secret)) })
          )
          assert.isTrue(Exit.isFailure(exit) && Cause.hasDies(exit.cause), "a blank secret verified")
          if (Exit.isFailure(exit)) assert.include(Cause.pretty(exit.cause), "a webhook secret is empty or only whitespace")
        }
      }),
    { numRuns: 100 }
  )

  prop(
    "an event signed with any secret round-trips, however its JSON is indented",
    [eventArb, secretArb, offsetArb],
    ([{ data, id, indent, type }, secret, offset]) =>
      Effect.gen(function*() {
        const payload = JSON.stringify({ id, type, created_at: "2026-05-24T10:00:00Z", data }, null, indent)
        const headers = yield* signed(payload, secret, offset)
        const event = yield* verify(payload, headers, secret)
        assert.strictEqual(event.id, id)
        assert.strictEqual(String(event.type), type)
        assert.deepStrictEqual(event.data, JSON.parse(JSON.stringify(data)))
      }),
    { numRuns: 200 }
  )

  prop(
    "any one-byte change of the body is NoMatchingSignature",
    [bodyArb.filter((body) => body.length > 0), secretArb, offsetArb, fc.nat(), fc.nat()],
    ([body, secret, offset, index, delta]) =>
      Effect.gen(function*() {
        const headers = yield* signed(body, secret, offset)
        const error = yield* Effect.flip(verify(changeByte(body, index, delta), headers, secret))
        assert.strictEqual(error.reason, "NoMatchingSignature")
      }),
    { numRuns: 200 }
  )

  prop(
    "any one-character change of the timestamp or of the signature header is refused before the payload is read",
    [bodyArb, secretArb, offsetArb, fc.constantFrom("x-xtopay-timestamp" as const, "x-xtopay-signature" as const), fc.nat(), fc.nat()],
    ([body, secret, offset, header, index, delta]) =>
      Effect.gen(function*() {
        const headers = yield* signed(body, secret, offset)
        const tampered = { ...headers, [header]: changeChar(headers[header], index, delta) }
        const error = yield* Effect.flip(verify(body, tampered, secret))
        assert.include(["NoMatchingSignature", "MalformedHeader"], error.reason)
      }),
    { numRuns: 300 }
  )
})
