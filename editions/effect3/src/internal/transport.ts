/**
 * What `XtopayNode`'s transport (undici) and `XtopayLive`'s (fetch) share: the platform's
 * `HttpClient` built with `HttpClient.makeWith` rather than `HttpClient.make`, and enforcing
 * `attemptDeadline` with one timer, so the request path needs no forked timeout race. An
 * untraced request skips `make`'s per-request bookkeeping (a second abort controller, a
 * FinalizationRegistry entry, a wrapper around every body read, a fiber run to cache the body);
 * a traced one (the tracer on and not disabled for it, as with `attemptSpans`) goes through
 * `HttpClient.make` and gets the platform's `http.client` span unchanged. The bench rows
 * "platform client alone" and "XtopayNode" in docs/performance.md are what keep this here.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import { Effect, Exit, type Fiber, FiberRef, Inspectable, Option, Predicate, type Stream } from "effect"
import { attemptDeadline, DeadlineExceeded, markEnforcesDeadline } from "./deadline.js"

/** One request in flight: the signal its transport listens to, and the deadline timer that fires it. */
export class Flight<Signal = unknown> {
  timedOut: DeadlineExceeded | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private aborted = false

  constructor(
    readonly deadline: number | undefined,
    readonly signal: Signal,
    private readonly onAbort: (signal: Signal, reason: unknown) => void
  ) {
    if (deadline !== undefined) {
      this.timer = setTimeout(() => {
        this.timedOut = new DeadlineExceeded(deadline)
        this.abort()
      }, deadline)
      // A response nobody reads must not keep the process alive until the deadline.
      this.timer.unref()
    }
  }

  /** The request is over: its body read to the end, or failed. */
  readonly settle = () => {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  readonly abort = () => {
    this.settle()
    if (this.aborted) return
    this.aborted = true
    this.onAbort(this.signal, this.timedOut)
  }

  /** What a failure was caused by: the deadline when it had run out, else the transport's own error. */
  cause(error: unknown): unknown {
    return this.timedOut ?? error
  }
}

/**
 * A response whose body reads are each interruptible (which aborts the request) and end the
 * flight's deadline when they settle; a transport says how to read its own body.
 */
export abstract class FlightResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  private readonly reads = new Map<string, Promise<Exit.Exit<unknown, HttpClientError.ResponseError>>>()
  /** The body as text once `readTextFirst` has read it: `text` is then this, with no async step. */
  private textRead: Exit.Exit<string, HttpClientError.ResponseError> | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    protected readonly flight: Pick<Flight, "settle" | "abort" | "cause">
  ) {
    super()
  }

  abstract readonly status: number
  protected abstract rawHeaders(): Headers.Input
  protected abstract setCookieHeaders(): ReadonlyArray<string>
  protected abstract bodyText(): Promise<string>
  protected abstract bodyBytes(): Promise<ArrayBuffer>
  protected abstract bodyForm(): Promise<FormData>
  protected abstract bodyStream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError>

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.rawHeaders())
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const headers = this.setCookieHeaders()
    return this.cachedCookies = headers.length === 0 ? Cookies.empty : Cookies.fromSetCookie(headers)
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  protected decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause: this.flight.cause(cause)
    })
  }

  /** `promise` as the `Exit` of a body read: either way the read ends the flight's deadline. */
  private settled<A>(promise: Promise<A>): Promise<Exit.Exit<A, HttpClientError.ResponseError>> {
    return promise.then(
      (value) => {
        this.flight.settle()
        return Exit.succeed(value)
      },
      (cause) => {
        this.flight.settle()
        return Exit.fail(this.decodeError(cause))
      }
    )
  }

  /** A read of the body, once per kind and shared by later reads; interrupting it aborts the request. */
  private read<A>(kind: string, start: () => Promise<A>): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      let read = this.reads.get(kind) as Promise<Exit.Exit<A, HttpClientError.ResponseError>> | undefined
      if (read === undefined) {
        read = this.settled(start())
        this.reads.set(kind, read)
      }
      read.then(resume)
      return Effect.sync(this.flight.abort)
    })
  }

  /** Reads the whole body as text now, for `text` to answer at once; settles (never rejects) once read or failed. */
  readTextFirst(): Promise<void> {
    return this.settled(this.bodyText()).then((exit) => {
      this.textRead = exit
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.textRead ?? this.read("text", () => this.bodyText())
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => text === "" ? null : JSON.parse(text) as unknown,
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.read("arrayBuffer", () => this.bodyBytes())
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read("formData", () => this.bodyForm())
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.bodyStream()
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

/**
 * How a transport sends one request: `start` begins it (the flight's abort must cut it off) and
 * resolves with the response once its headers are in, or, with `textFirst`, once its body has
 * been read as text too.
 */
export type Send = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  deadline: number | undefined,
  fiber: Fiber.RuntimeFiber<unknown, unknown>,
  outerSignal: AbortSignal | undefined,
  textFirst: boolean
) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>

/**
 * Runs one request as `Effect.async`: `start` sends it on a new flight (whose abort must cut it
 * off) and resolves once the headers are in, or with `textFirst` once the body is read as text as
 * well (a failed read is then what `text` answers). It fails with the transport's error, or with
 * `DeadlineExceeded` once the deadline has run out; interruption aborts it.
 */
export const inFlight = <Signal, S>(
  request: HttpClientRequest.HttpClientRequest,
  outerSignal: AbortSignal | undefined,
  textFirst: boolean,
  takeOff: () => Flight<Signal>,
  start: (flight: Flight<Signal>) => Promise<S>,
  respond: (source: S, flight: Flight<Signal>) => FlightResponse
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.async((resume) => {
    const flight = takeOff()
    outerSignal?.addEventListener("abort", flight.abort, { once: true })
    start(flight).then(
      (source) => {
        const response = respond(source, flight)
        // One interruptible async step per attempt rather than two (headers, then body): ≈ 14 µs a call less.
        if (textFirst) return response.readTextFirst().then(() => resume(Effect.succeed(response)))
        // With no deadline to end it, a response nobody reads would hold its connection: abort it once collected.
        if (flight.deadline === undefined) unread.register(response, flight)
        resume(Effect.succeed(response))
      },
      (cause) => {
        flight.settle()
        resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: flight.cause(cause) })))
      }
    )
    return Effect.sync(flight.abort)
  })

const unread = new FinalizationRegistry<Pick<Flight, "abort">>((flight) => flight.abort())

const Untraced: unique symbol = Symbol.for("effect-xtopay/transport/Untraced") as never
const Within: unique symbol = Symbol.for("effect-xtopay/transport/Within") as never

/**
 * One untraced attempt with its deadline (ms, or none) given rather than read from `attemptDeadline`,
 * answering once the body is read as text too (what the response's `text` then gives at once).
 */
export type SendWithin = (
  request: HttpClientRequest.HttpClientRequest,
  deadline: number | undefined
) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>

/**
 * The `HttpClient` over `send`, marked as enforcing `attemptDeadline`; `untraced(client)` is the
 * same transport without the platform's span, for the request path when `attemptSpans` is off,
 * and `sendWithin(client)` its attempt with the deadline as an argument.
 */
export const makeTransport = (send: Send): HttpClient.HttpClient => {
  // The platform's own path, span and all, for a request the tracer covers.
  const traced = HttpClient.make((request, url, signal, fiber) =>
    send(request, url, fiber.getFiberRef(attemptDeadline), fiber, signal, false)
  )
  const direct = (
    request: HttpClientRequest.HttpClientRequest,
    deadline: number | undefined,
    fiber: Fiber.RuntimeFiber<unknown, unknown>,
    textFirst: boolean
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
    const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
    if (url._tag === "Left") {
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
    }
    return send(request, url.right, deadline, fiber, undefined, textFirst)
  }
  const build = (tracing: boolean) =>
    markEnforcesDeadline(HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
      (effect) =>
        Effect.flatMap(effect, (request) =>
          Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) =>
            tracing && fiber.getFiberRef(FiberRef.currentTracerEnabled) &&
              !fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)
              ? traced.execute(request)
              : direct(request, fiber.getFiberRef(attemptDeadline), fiber, false)
          )),
      Effect.succeed
    ))
  // A scoped `Effect.locally` per attempt costs a few µs of fiber-ref copies; the request path hands the deadline over instead.
  // The request path reads every answer's body whole, as text: the attempt reads it before it returns.
  const within: SendWithin = (request, deadline) => Effect.withFiberRuntime((fiber) => direct(request, deadline, fiber, true))
  return Object.assign(build(true), { [Untraced]: Object.assign(build(false), { [Within]: within }) })
}

/** `client` without the platform's span when it is one of ours, else `HttpClient.withTracerDisabledWhen`. */
export const untraced = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  Predicate.hasProperty(client, Untraced)
    ? client[Untraced] as HttpClient.HttpClient
    : HttpClient.withTracerDisabledWhen(client, () => true)

/** The deadline-taking attempt of `untraced(client)` when the client is one of ours. */
export const sendWithin = (client: HttpClient.HttpClient): SendWithin | undefined =>
  Predicate.hasProperty(client, Within) ? client[Within] as SendWithin : undefined
