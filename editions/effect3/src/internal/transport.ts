/**
 * The request core of `XtopayNode`'s transport (`undiciClient.ts`): the platform's `HttpClient`
 * built with `HttpClient.makeWith` rather than `HttpClient.make`. An untraced request skips
 * `make`'s per-request bookkeeping (a second abort controller, a wrapper around every body read, a
 * fiber run to cache the body); a traced one (the tracer on and not disabled for it, as with
 * `attemptSpans`) goes through `HttpClient.make` and gets the platform's `http.client` span
 * unchanged. The bench rows "platform client alone" and "XtopayNode" in docs/performance.md are
 * what keep this here. It knows nothing of deadlines: the request path times every attempt the
 * same way, whatever the transport.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as IncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import { Effect, Exit, FiberRef, Inspectable, Option, type Stream } from "effect"

/** One request in flight: the controller whose abort cuts it off, and whether its body is done with. */
export class Flight {
  readonly controller = new AbortController()
  private done = false

  /** The request is over: its body read to the end, or failed. */
  readonly settle = () => {
    if (this.done) return
    this.done = true
    unread.unregister(this)
  }

  readonly abort = () => {
    this.settle()
    this.controller.abort()
  }
}

/** A response nobody reads would hold its connection: abort its request once it is collected. */
const unread = new FinalizationRegistry<AbortController>((controller) => controller.abort())

/**
 * A response whose body reads are each interruptible (which aborts the request) and settle the
 * flight when they end; a transport says how to read its own body.
 */
export abstract class FlightResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [IncomingMessage.TypeId]: IncomingMessage.TypeId = IncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  private cachedHeaders: Headers.Headers | undefined
  private cachedCookies: Cookies.Cookies | undefined
  private readonly reads = new Map<string, Promise<Exit.Exit<unknown, HttpClientError.ResponseError>>>()

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    protected readonly flight: Flight
  ) {
    super()
    unread.register(this, flight.controller, flight)
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
    return new HttpClientError.ResponseError({ request: this.request, response: this, reason: "Decode", cause })
  }

  /** A read of the body, once per kind and shared by later reads; interrupting it aborts the request. */
  private read<A>(kind: string, start: () => Promise<A>): Effect.Effect<A, HttpClientError.ResponseError> {
    return Effect.async<A, HttpClientError.ResponseError>((resume) => {
      let read = this.reads.get(kind) as Promise<Exit.Exit<A, HttpClientError.ResponseError>> | undefined
      if (read === undefined) {
        read = start().then(
          (value) => {
            this.flight.settle()
            return Exit.succeed(value)
          },
          (cause) => {
            this.flight.settle()
            return Exit.fail(this.decodeError(cause))
          }
        )
        this.reads.set(kind, read)
      }
      read.then(resume)
      return Effect.sync(this.flight.abort)
    })
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    return this.read("text", () => this.bodyText())
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
 * How a transport sends one request: resolves with the response once its headers are in; the
 * flight's abort must cut it off.
 */
export type Send = (
  request: HttpClientRequest.HttpClientRequest,
  url: URL,
  outerSignal: AbortSignal | undefined
) => Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>

/**
 * Runs one request as `Effect.async`: `start` sends it on a new flight and resolves once the
 * headers are in. It fails with the transport's error; interruption aborts it.
 */
export const inFlight = <S>(
  request: HttpClientRequest.HttpClientRequest,
  outerSignal: AbortSignal | undefined,
  start: (flight: Flight) => Promise<S>,
  respond: (source: S, flight: Flight) => FlightResponse
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> =>
  Effect.async((resume) => {
    const flight = new Flight()
    outerSignal?.addEventListener("abort", flight.abort, { once: true })
    start(flight).then(
      (source) => resume(Effect.succeed(respond(source, flight))),
      (cause) => {
        flight.settle()
        resume(Effect.fail(new HttpClientError.RequestError({ request, reason: "Transport", cause })))
      }
    )
    return Effect.sync(flight.abort)
  })

/** The platform's `HttpClient` over `send`: `HttpClient.make`'s path when the tracer covers the request, else `send` directly. */
export const makeTransport = (send: Send): HttpClient.HttpClient => {
  const traced = HttpClient.make((request, url, signal) => send(request, url, signal))
  const direct = (
    request: HttpClientRequest.HttpClientRequest
  ): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
    const url = UrlParams.makeUrl(request.url, request.urlParams, request.hash)
    if (url._tag === "Left") {
      return Effect.fail(new HttpClientError.RequestError({ request, reason: "InvalidUrl", cause: url.left }))
    }
    return send(request, url.right, undefined)
  }
  return HttpClient.makeWith<never, never, HttpClientError.HttpClientError, never>(
    (effect) =>
      Effect.flatMap(effect, (request) =>
        Effect.withFiberRuntime<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((fiber) =>
          fiber.getFiberRef(FiberRef.currentTracerEnabled) &&
            !fiber.getFiberRef(HttpClient.currentTracerDisabledWhen)(request)
            ? traced.execute(request)
            : direct(request)
        )),
    Effect.succeed
  )
}
