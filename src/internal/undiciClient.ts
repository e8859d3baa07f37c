/**
 * `XtopayNode`'s transport: the platform's `HttpClient` over an undici `Dispatcher`, built with
 * `HttpClient.makeWith` rather than `NodeHttpClient.makeUndici`. An untraced request skips the
 * platform's per-request bookkeeping (a second AbortController, a FinalizationRegistry entry, a
 * wrapper around every body read, a fiber run to cache the body) and enforces `attemptDeadline`
 * with one timer, so the request path needs no forked timeout race. The bench row "platform
 * client alone" against "XtopayNode" in docs/performance.md is what keeps it here.
 *
 * A traced request (the tracer on and not disabled for it, as with `attemptSpans`) goes through
 * `HttpClient.make`, so it gets the platform's `http.client` span, unchanged.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import type * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import type * as Undici from "@effect/platform-node/Undici"
import { Effect, FiberRef, Inspectable, Option, type Stream } from "effect"
import { EventEmitter } from "node:events"
import type { Readable } from "node:stream"
import { attemptDeadline, DeadlineExceeded, markEnforcesDeadline } from "./deadline.js"

/** The two conversions of `@effect/platform-node/NodeStream` a stream body needs (loaded with the optional peer). */
export interface NodeStreams {
  readonly fromReadable: <E>(evaluate: () => Readable, onError: (error: unknown) => E) => Stream.Stream<Uint8Array, E>
  readonly toReadable: <E>(stream: Stream.Stream<string | Uint8Array, E>) => Effect.Effect<Readable>
}

/**
 * One request in flight: the signal undici listens to (an `EventEmitter`, which undici takes as
 * well as an `AbortSignal`, at a fraction of an AbortController's cost), and the deadline timer.
 */
class Flight extends EventEmitter {
  timedOut: DeadlineExceeded | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private aborted = false

  constructor(deadline: number | undefined) {
    super()
    if (deadline !== undefined) {
      this.timer = setTimeout(() => {
        this.timedOut = new DeadlineExceeded(deadline)
        this.abort()
      }, deadline)
      // A response nobody reads must not keep the process alive until the deadline.
      this.timer.unref()
    }
  }

  /** The request is over: its body read to the end, failed, or abandoned. */
  readonly settle = () => {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
  }

  readonly abort = () => {
    this.settle()
    if (this.aborted) return
    this.aborted = true
    this.emit("abort")
  }

  /** What a failure was caused by: the deadline when it had run out, else the transport's own error. */
  cause(error: unknown): unknown {
    return this.timedOut ?? error
  }
}

type DispatchBody = Exclude<Undici.Dispatcher.DispatchOptions["body"], undefined>

/** A body undici sends as it is (a stream body is converted on its own). */
const bodyOf = (body: Exclude<HttpBody.HttpBody, HttpBody.Stream>): DispatchBody => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
    case "Raw":
      return body.body as Uint8Array
    case "FormData":
      return body.formData as unknown as Undici.FormData
  }
}

/** A response over undici's `ResponseData`; each body read can be interrupted, which aborts the request. */
class UndiciResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  private textPromise: Promise<string> | undefined
  private bytesPromise: Promise<ArrayBuffer> | undefined
  private formPromise: Promise<FormData> | undefined

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly source: Undici.Dispatcher.ResponseData,
    private readonly flight: Flight,
    private readonly streams: NodeStreams
  ) {
    super()
    // The body ends (read, failed or destroyed): the deadline has nothing left to guard.
    source.body.once("close", flight.settle)
    source.body.on("error", ignore)
  }

  get status(): number {
    return this.source.statusCode
  }

  get headers(): Headers.Headers {
    return this.cachedHeaders ??= Headers.fromInput(this.source.headers as Record<string, string | ReadonlyArray<string>>)
  }

  get cookies(): Cookies.Cookies {
    if (this.cachedCookies !== undefined) return this.cachedCookies
    const header = this.source.headers["set-cookie"]
    return this.cachedCookies = header === undefined
      ? Cookies.empty
      : Cookies.fromSetCookie(Array.isArray(header) ? header : [header])
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private decodeError(cause: unknown): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause: this.flight.cause(cause)
    })
  }

  /** A read of the body: once, shared by every later read; interrupting it aborts the request. */
  private read<A>(promise: () => Promise<A>): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      promise().then(
        (value) => resume(Effect.succeed(value)),
        (cause) => resume(Effect.fail(this.decodeError(cause)))
      )
      return Effect.sync(this.flight.abort)
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.read(() => this.textPromise ??= this.source.body.text())
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => text === "" ? null : JSON.parse(text) as unknown,
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return this.read(() => this.bytesPromise ??= this.source.body.arrayBuffer())
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return this.read(() => this.formPromise ??= this.source.body.formData() as Promise<FormData>)
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    return this.streams.fromReadable(() => this.source.body, (cause) => this.decodeError(cause))
  }

  toJSON(): unknown {
    return IncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}

const ignore = () => {}

/**
 * The platform's `HttpClient` over `dispatcher`, enforcing `attemptDeadline` itself.
 * Redirects are never followed (undici's `request` does not follow them).
 */
export const makeUndiciClient = (dispatcher: Undici.Dispatcher, streams: NodeStreams): HttpClient.HttpClient => {
  const send = (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    deadline: number | undefined,
    outerSignal: AbortSignal | undefined
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
    request.body._tag === "Stream"
      ? Effect.flatMap(streams.toReadable(request.body.stream), (body) => dispatch(request, url, body, deadline, outerSignal))
      : dispatch(request, url, bodyOf(request.body), deadline, outerSignal)

  const dispatch = (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    body: DispatchBody,
    deadline: number | undefined,
    outerSignal: AbortSignal | undefined
  ) =>
    Effect.async<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>((resume) => {
      const flight = new Flight(deadline)
      outerSignal?.addEventListener("abort", flight.abort, { once: true })
      dispatcher.request({
        signal: flight,
        method: request.method,
        headers: request.headers,
        origin: url.origin,
        path: url.pathname + url.search + url.hash,
        body,
        // The request path's deadline covers headers and body; undici's own timers stay out of it.
        headersTimeout: 0,
        bodyTimeout: 0
      }).then(
        (source) => resume(Effect.succeed(new UndiciResponse(request, source, flight, streams))),
        (cause) => {
          flight.settle()
          resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause: flight.cause(cause) })))
        }
      )
      return Effect.sync(flight.abort)
    })

  // The platform's own path, span and all, for a request the tracer covers.
  const traced = HttpClient.make((request, url, signal, fiber) =>
    send(request, url, fiber.getFiberRef(attemptDeadline), signal)
  )

  const client = HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) => {
          if (fiber.getFiberRef(FiberRef.currentTracerEnabled) && !fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)) {
            return traced.execute(request)
          }
          const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
          if (url._tag === "Left") {
            return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
          }
          return send(request, url.right, fiber.getFiberRef(attemptDeadline), undefined)
        })),
    Effect.succeed
  )
  return markEnforcesDeadline(client)
}
