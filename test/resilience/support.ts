/**
 * Test support for the resilience suites: scripts of steps for the scripted `HttpClient` of
 * `test/support/scripted.ts` (each request takes the next step and is recorded with the TestClock
 * time it arrived), a recording tracer and a recording logger.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import {
  Cause,
  Chunk,
  Clock,
  Context,
  Duration,
  Effect,
  type Exit,
  Fiber,
  HashMap,
  Layer,
  List,
  Logger,
  LogLevel,
  Option,
  Redacted,
  TestClock,
  Tracer
} from "effect"
import { inspect } from "node:util"
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
export const scriptedHttpClient = (steps: ReadonlyArray<Step>, requests: Array<Recorded>): HttpClient.HttpClient =>
  scriptedTransport(steps, requests)

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
  }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, scriptedHttpClient(steps, requests))), Layer.orDie)
  return { requests, layer }
}

/** Builds a client layer from these options (over a script that answers nothing): its `ConfigError`, if any. */
export const buildClient = (options: XtopayClientOptions) =>
  Effect.scoped(
    Layer.build(XtopayClient.layer(options).pipe(
      Layer.provide(Layer.succeed(HttpClient.HttpClient, scriptedHttpClient([], [])))
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
    for (let round = 0; round < 1_000; round++) {
      yield* settle
      const done = yield* Fiber.poll(fiber)
      if (Option.isSome(done)) return done.value
      const sleeps = Chunk.toReadonlyArray(yield* TestClock.sleeps())
      if (sleeps.length === 0) return yield* Effect.dieMessage("runOnTestClock: the effect waits on nothing the clock can end")
      const now = yield* Clock.currentTimeMillis
      yield* TestClock.adjust(Duration.millis(Math.max(0, Math.min(...sleeps) - now)))
    }
    return yield* Effect.dieMessage("runOnTestClock: the effect did not end after 1000 waits")
  })

// ---------------------------------------------------------------------------------------------
// Recording tracer and logger

export class RecordedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }> = []
  links: Array<Tracer.SpanLink>

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    id: number
  ) {
    this.status = { _tag: "Started", startTime }
    this.spanId = id.toString(16).padStart(16, "0")
    this.traceId = Option.isSome(parent) ? parent.value.traceId : id.toString(16).padStart(32, "0")
    this.links = [...links]
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes })
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** A tracer that keeps every span it makes. */
export const makeRecordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const span = new RecordedSpan(name, parent, context, links, startTime, kind, spans.length + 1)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

/** Everything a span holds that an exporter would send, as text. */
export const spanText = (span: RecordedSpan): string =>
  inspect({ name: span.name, attributes: [...span.attributes], events: span.events }, { depth: null })

/** A logger that keeps every line, with its level, annotations and cause, as text. */
export const makeRecordingLogger = () => {
  const lines: Array<{
    readonly level: string
    readonly message: string
    readonly annotations: Record<string, unknown>
    readonly text: string
  }> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message, spans }) => {
    const record = Object.fromEntries(HashMap.toEntries(annotations))
    const messages = Array.isArray(message) ? message : [message]
    lines.push({
      level: logLevel.label,
      message: messages.map((part) => typeof part === "string" ? part : inspect(part, { depth: null })).join(" "),
      annotations: record,
      text: [
        logLevel.label,
        inspect(messages, { depth: null }),
        inspect(record, { depth: null }),
        List.toArray(spans).map((span) => span.label).join(","),
        Cause.isEmpty(cause) ? "" : Cause.pretty(cause, { renderErrorCause: true })
      ].join(" | ")
    })
  })
  /** Replaces the default logger and lets Debug through. */
  const layer = Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.Debug))
  return { lines, layer }
}
