/**
 * Test support for the resilience suites: scripts of steps for the scripted `HttpClient` of
 * `test/support/scripted.ts` (each request takes the next step and is recorded with the TestClock
 * time it arrived), running on the TestClock, and the recording tracer and logger of
 * `test/support/recording.ts`.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { Chunk, Clock, Duration, Effect, type Exit, Fiber, Layer, Option, Redacted, TestClock } from "effect"
import { XtopayClient, type XtopayClientOptions } from "../../src/XtopayClient.js"
import {
  type Answer,
  errorAnswer,
  type RecordedRequest,
  scriptedHttpClient as scriptedTransport,
  transportFailure
} from "../support/scripted.js"

export const CLIENT_ID = "cid_test_resilience"
export const CLIENT_SECRET = "csk_test_resilience_secret"
export const BASE_URL = "https://api.xtopay.test/v1"

/** What the scripted server does with one request: an answer of `test/support/scripted.ts`. */
export type Step = Answer

export const answer = (status: number, body = "", headers: Record<string, string> = {}): Step => ({
  _tag: "Answer",
  status,
  headers,
  body
})

export { json } from "../support/scripted.js"

export const apiError = (status: number, code: string, headers: Record<string, string> = {}): Step =>
  errorAnswer(status, { code, message: `scripted ${code}`, param: null, doc_url: `https://docs.xtopay.co/errors/${code}` }, headers)

/** The connection fails before any answer, as `fetch` reports it. */
export const networkFailure = (message = "connect ECONNREFUSED 10.0.0.1:443"): Step =>
  transportFailure(new TypeError("fetch failed", { cause: new Error(message) }))

/** The default headers of a stalled or cut 200: the start of a customer. */
const partialHeaders = { "content-type": "application/json", "content-length": "400" }

/** Headers arrive, then the body read fails. */
export const bodyCut = (status = 200): Step => ({
  _tag: "Answer",
  status,
  headers: partialHeaders,
  body: "",
  delivery: "CutMidBody"
})

/** Headers arrive, then the body never ends. */
export const stall = (status = 200): Step => ({
  _tag: "Answer",
  status,
  headers: partialHeaders,
  body: "",
  delivery: "Stalls"
})

export const customer = (id = "cus_a1b2c3", email = "ama@example.com") => ({
  id,
  email,
  name: "Ama Owusu",
  phone: null,
  currency: "GHS",
  metadata: {},
  created_at: "2026-05-24T10:00:00Z"
})

export const customerDetails = (id = "cus_a1b2c3") => ({ ...customer(id), subscriptions: [], payment_methods: [] })

/** A request as the scripted server saw it. */
export type Recorded = RecordedRequest

/** Answers each request with the next step of `steps`; a request past the end is a test bug (a defect). */
export { scriptedHttpClient } from "../support/scripted.js"

/** A client over a script, and what the script saw. */
export interface Scripted {
  readonly requests: Array<Recorded>
  /** A bad option is a bug in the test: building it dies rather than adding `ConfigError` to every signature. */
  readonly layer: Layer.Layer<XtopayClient>
}

export const scripted = (
  steps: ReadonlyArray<Step>,
  options: Partial<XtopayClientOptions> = {}
): Scripted => {
  const requests: Array<Recorded> = []
  const layer = XtopayClient.layer({
    clientId: CLIENT_ID,
    clientSecret: Redacted.make(CLIENT_SECRET),
    baseUrl: BASE_URL,
    ...options
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, scriptedTransport(steps, requests))), Layer.orDie)
  return { requests, layer }
}

/** Builds a client layer from these options (over a script that answers nothing): its `ConfigError`, if any. */
export const buildClient = (options: XtopayClientOptions) =>
  Effect.scoped(
    Layer.build(XtopayClient.layer(options).pipe(
      Layer.provide(Layer.succeed(HttpClient.HttpClient, scriptedTransport([], [])))
    ))
  )

/** Lets forked fibers run up to their next sleep. */
export const settle = Effect.repeatN(Effect.yieldNow(), 20)

/**
 * Runs `effect` on the TestClock, moving time on to the next pending sleep whenever it waits,
 * until it ends; gives its `Exit`. Every request therefore arrives at the exact time its delay
 * (or timeout) allowed.
 */
export const runOnTestClock = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<Exit.Exit<A, E>> =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(effect)
    let idle = 0
    for (let round = 0; round < 1_000; round++) {
      yield* settle
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done.value
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      if (sleeps.length === 0) {
        // Waiting on real work (a module a layer loads as it is built): give it a moment of real time.
        if (++idle > 200) return yield* Effect.dieMessage("runOnTestClock: the effect waits on nothing the clock can end")
        yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 5)))
        round--
        continue
      }
      idle = 0
      const now = yield* Clock.currentTimeMillis
      yield* TestClock.adjust(Duration.millis(Math.max(0, Math.min(...sleeps) - now)))
    }
    return yield* Effect.dieMessage("runOnTestClock: the effect did not end after 1000 waits")
  })

export { makeRecordingLogger, makeRecordingTracer, RecordedSpan, spanText } from "../support/recording.js"
