/**
 * The canary: a client secret holding a unique marker must never show up in an error, a log line
 * or a span, whatever goes wrong: not as text, and not in its base64 form from the Basic header.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import { Cause, ConfigProvider, Effect, Exit, FiberRef, Layer, Redacted } from "effect"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { Customers, XtopayClient, type XtopayError } from "../../src/index.js"
import {
  answer,
  apiError,
  BASE_URL,
  bodyCut,
  CLIENT_ID,
  customerDetails,
  json,
  makeRecordingLogger,
  makeRecordingTracer,
  networkFailure,
  type RecordedSpan,
  runOnTestClock,
  scripted,
  scriptedHttpClient,
  spanText,
  type Step,
  stall
} from "./support.js"

const MARKER = "CANARY-7Qz3Xv9Lm2Wd"
const SECRET = `csk_test_${MARKER}`

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")

/**
 * Every form the secret could leak in: as is, the Basic credential, and the marker's base64 at
 * each of the three byte alignments it can have inside a longer string (edges trimmed, as they
 * mix with the neighbouring bytes).
 */
const NEEDLES = [
  MARKER,
  SECRET,
  base64(`${CLIENT_ID}:${SECRET}`),
  ...[0, 1, 2].map((offset) => {
    const encoded = base64(`${"x".repeat(offset)}${MARKER}`)
    return encoded.slice(offset === 0 ? 0 : 4, -4)
  })
]

const assertClean = (surface: string, text: string) => {
  for (const needle of NEEDLES) {
    assert.isFalse(text.includes(needle), `${surface} leaks the secret (${needle}):\n${text}`)
  }
}

/** Runs a create and a retrieve over `steps` with the canary secret, recording every surface. */
const exercise = (steps: ReadonlyArray<Step>, program: "create" | "retrieve", attemptSpans: boolean) =>
  Effect.gen(function*() {
    const script = scripted(steps, { clientSecret: Redacted.make(SECRET), timeout: "2 seconds", attemptSpans })
    const { spans, tracer } = makeRecordingTracer()
    const logs = makeRecordingLogger()
    const call: Effect.Effect<unknown, XtopayError, XtopayClient> = program === "create"
      ? Customers.create({ email: "ama@example.com", metadata: { order: "1234" } })
      : Customers.retrieve("cus_a1b2c3")
    const exit = yield* runOnTestClock(
      call.pipe(Effect.provide(Layer.merge(script.layer, logs.layer)), Effect.withTracer(tracer))
    )
    return { exit, spans, logs: logs.lines, requests: script.requests, attemptSpans }
  })

/** JSON of anything a span ended with (bigints as text). */
const json_ = (value: unknown) => JSON.stringify(value, (_key, v) => typeof v === "bigint" ? String(v) : v)

/** Every attribute and event of every span, its exit however rendered, and what exporters record of a failed one. */
const assertSpansClean = (spans: ReadonlyArray<RecordedSpan>) => {
  for (const span of spans) {
    assertClean(`span ${span.name}`, spanText(span))
    if (span.status._tag === "Ended") {
      // As an exporter or a custom tracer sees the exit, outside the fiber: no fiber's redacted names apply.
      assertClean(`span ${span.name}'s exit (util.inspect)`, inspect(span.status.exit, { depth: null }))
      assertClean(`span ${span.name}'s exit (JSON)`, json_(span.status.exit))
    }
    // What exporters record of a failed span: the pretty cause, and each error's message and stack.
    if (span.status._tag === "Ended" && Exit.isFailure(span.status.exit)) {
      const cause = span.status.exit.cause
      assertClean(`span ${span.name}'s status`, Cause.pretty(cause, { renderErrorCause: true }))
      for (const error of Cause.prettyErrors(cause)) {
        assertClean(`span ${span.name}'s exception`, `${error.name} ${error.message} ${error.stack ?? ""}`)
      }
    }
  }
}

const assertNoLeak = (result: Effect.Effect.Success<ReturnType<typeof exercise>>) => {
  const { attemptSpans, exit, logs, requests, spans } = result
  // The canary is really in play: the header on the wire carries it.
  assert.strictEqual(requests[0]?.headers["authorization"], `Basic ${base64(`${CLIENT_ID}:${SECRET}`)}`)
  assert.isTrue(Exit.isFailure(exit), "the scenario must fail")
  if (Exit.isFailure(exit)) {
    const error = Cause.squash(exit.cause)
    assertClean("String(error)", String(error))
    assertClean("JSON.stringify(error)", JSON.stringify(error))
    assertClean("util.inspect(error)", inspect(error, { depth: null }))
    assertClean("Cause.pretty", Cause.pretty(exit.cause, { renderErrorCause: true }))
    assertClean("util.inspect(exit)", inspect(exit, { depth: null }))
  }
  assertClean("the Debug log", logs.map((line) => line.text).join("\n"))
  assertSpansClean(spans)
  const clientSpans = spans.filter((span) => span.name.startsWith("http.client"))
  if (!attemptSpans) {
    assert.strictEqual(clientSpans.length, 0, "by default the platform traces no attempt")
    return
  }
  // The platform's client span records request headers: Authorization only as redacted.
  assert.isAbove(clientSpans.length, 0)
  for (const span of clientSpans) {
    assert.strictEqual(span.attributes.get("http.request.header.authorization"), "<redacted>")
  }
}

describe("the client secret never leaks", () => {
  const scenarios: ReadonlyArray<readonly [string, ReadonlyArray<Step>]> = [
    ["a 401", [apiError(401, "invalid_credentials")]],
    ["a 500, retried", [apiError(500, "api_error"), apiError(500, "api_error"), apiError(500, "api_error")]],
    ["a network failure, retried", [networkFailure(), networkFailure(), networkFailure()]],
    ["a decode failure", [json(200, { id: 42, email: ["not", "a", "string"] })]],
    ["a body that is not JSON", [answer(200, "<html>oops</html>")]],
    ["a body cut off", [bodyCut(), bodyCut(), bodyCut()]],
    ["a timeout", [stall(), stall(), stall()]],
    ["a redirect", [answer(302, "", { location: "https://elsewhere.example/v1/customers" })]],
    ["a 429 with a long Retry-After", [apiError(429, "rate_limit_exceeded", { "retry-after": "3600" })]]
  ]

  for (const [name, steps] of scenarios) {
    for (const program of ["create", "retrieve"] as const) {
      it.effect(`${name} on ${program}: not in the error, the Debug log or any span`, () =>
        Effect.map(exercise(steps, program, false), assertNoLeak))
      it.effect(`${name} on ${program}, with attemptSpans: not in the platform's spans either`, () =>
        Effect.map(exercise(steps, program, true), assertNoLeak))
    }
  }

  for (const program of ["create", "retrieve"] as const) {
    it.effect(`a success on ${program}, with attemptSpans: no span or exit holds it`, () =>
      Effect.gen(function*() {
        const answer = program === "create" ? json(201, { ...customerDetails(), subscriptions: undefined }) : json(200, customerDetails())
        const { exit, requests, spans } = yield* exercise([answer], program, true)
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        assert.strictEqual(requests[0]?.headers["authorization"], `Basic ${base64(`${CLIENT_ID}:${SECRET}`)}`)
        assert.isAbove(spans.filter((span) => span.name.startsWith("http.client")).length, 0)
        assertSpansClean(spans)
      }))
  }

  it.effect("with attemptSpans, Authorization stays redacted in the platform's span even if the app empties Headers.currentRedactedNames", () =>
    Effect.gen(function*() {
      const script = scripted([json(200, customerDetails())], { clientSecret: Redacted.make(SECRET), attemptSpans: true })
      const { spans, tracer } = makeRecordingTracer()
      yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(script.layer),
        Effect.withTracer(tracer),
        Effect.locally(Headers.currentRedactedNames, [])
      )
      const client = spans.find((span) => span.name.startsWith("http.client"))
      assert.strictEqual(client?.attributes.get("http.request.header.authorization"), "<redacted>")
      for (const span of spans) assertClean(`span ${span.name}`, spanText(span))
    }))

  it.effect("the default redacted header names cover Authorization", () =>
    Effect.gen(function*() {
      const defaults = yield* FiberRef.get(Headers.currentRedactedNames)
      assert.isTrue(defaults.some((name) => typeof name === "string" && name.toLowerCase() === "authorization"))
    }))

  it.effect("the client service and a layerConfig failure do not show the secret", () =>
    Effect.gen(function*() {
      const http = Layer.succeed(HttpClient.HttpClient, scriptedHttpClient([], []))
      const service = yield* Effect.scoped(Layer.build(
        XtopayClient.layer({ clientId: CLIENT_ID, clientSecret: Redacted.make(SECRET), baseUrl: BASE_URL }).pipe(
          Layer.provide(http)
        )
      ))
      assertClean("util.inspect(service)", inspect(service, { depth: null }))
      assertClean("JSON.stringify(service)", JSON.stringify(service) ?? "")

      const provider = ConfigProvider.fromMap(
        new Map([
          ["XTOPAY_CLIENT_ID", CLIENT_ID],
          ["XTOPAY_CLIENT_SECRET", SECRET],
          ["XTOPAY_BASE_URL", "http://api.xtopay.co/v1"]
        ])
      )
      const error = yield* Effect.scoped(Layer.build(XtopayClient.layerConfig().pipe(Layer.provide(http)))).pipe(
        Effect.withConfigProvider(provider),
        Effect.flip
      )
      assertClean("String(ConfigError)", String(error))
      assertClean("util.inspect(ConfigError)", inspect(error, { depth: null }))
    }))

  it.scopedLive("a real network failure over fetch does not show it either", () =>
    Effect.gen(function*() {
      // A port that was just listening on this machine, and no longer is.
      const port = yield* Effect.async<number>((resume) => {
        const server = createServer()
        server.listen(0, "127.0.0.1", () => {
          const { port } = server.address() as AddressInfo
          server.close(() => resume(Effect.succeed(port)))
        })
      })
      const { spans, tracer } = makeRecordingTracer()
      const logs = makeRecordingLogger()
      const layer = XtopayClient.layer({
        clientId: CLIENT_ID,
        clientSecret: Redacted.make(SECRET),
        baseUrl: `http://127.0.0.1:${port}/v1`,
        maxRetries: 1
      }).pipe(Layer.provide(FetchHttpClient.layer), Layer.orDie)
      const exit = yield* Customers.create({ email: "ama@example.com" }).pipe(
        Effect.provide(Layer.merge(layer, logs.layer)),
        Effect.withTracer(tracer),
        Effect.exit
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const error = Cause.squash(exit.cause)
        assert.strictEqual((error as XtopayError)._tag, "ConnectionError")
        assertClean("String(error)", String(error))
        assertClean("JSON.stringify(error)", JSON.stringify(error))
        assertClean("util.inspect(error)", inspect(error, { depth: null }))
        assertClean("Cause.pretty", Cause.pretty(exit.cause, { renderErrorCause: true }))
      }
      assert.isAbove(logs.lines.length, 0, "the retry was logged")
      assertClean("the Debug log", logs.lines.map((line) => line.text).join("\n"))
      assertSpansClean(spans)
    }), { timeout: 20_000 })
})
