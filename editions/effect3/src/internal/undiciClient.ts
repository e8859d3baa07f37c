/**
 * `XtopayNode`'s transport: the platform's `HttpClient` over an undici `Dispatcher`, built as
 * `transport.ts` says rather than with `NodeHttpClient.makeUndici`. Redirects are never followed
 * (undici's `request` has no redirect interceptor here).
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Headers from "@effect/platform/Headers"
import type * as Undici from "@effect/platform-node/Undici"
import { Effect, type Stream } from "effect"
import { EventEmitter } from "node:events"
import type { Readable } from "node:stream"
import { Flight, FlightResponse, inFlight, makeTransport } from "./transport.js"

/** The two conversions of `@effect/platform-node/NodeStream` a stream body needs (loaded with the optional peer). */
export interface NodeStreams {
  readonly fromReadable: <E>(evaluate: () => Readable, onError: (error: unknown) => E) => Stream.Stream<Uint8Array, E>
  readonly toReadable: <E>(stream: Stream.Stream<string | Uint8Array, E>) => Effect.Effect<Readable>
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

class UndiciResponse extends FlightResponse {
  constructor(
    request: HttpClientRequest.HttpClientRequest,
    flight: Flight<EventEmitter>,
    private readonly source: Undici.Dispatcher.ResponseData,
    private readonly streams: NodeStreams
  ) {
    super(request, flight)
    source.body.on("error", ignore)
  }

  get status(): number {
    return this.source.statusCode
  }

  protected rawHeaders(): Headers.Input {
    return this.source.headers as Record<string, string | ReadonlyArray<string>>
  }

  protected setCookieHeaders(): ReadonlyArray<string> {
    const header = this.source.headers["set-cookie"]
    return header === undefined ? [] : Array.isArray(header) ? header : [header]
  }

  protected bodyText(): Promise<string> {
    return this.source.body.text()
  }

  protected bodyBytes(): Promise<ArrayBuffer> {
    return this.source.body.arrayBuffer()
  }

  protected bodyForm(): Promise<FormData> {
    return this.source.body.formData() as Promise<FormData>
  }

  protected bodyStream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    // The body's end, however it comes, ends the deadline.
    this.source.body.once("close", this.flight.settle)
    return this.streams.fromReadable(() => this.source.body, (cause) => this.decodeError(cause))
  }
}

const ignore = () => {}

const emitAbort = (signal: EventEmitter) => {
  signal.emit("abort")
}

/** The platform's `HttpClient` over `dispatcher`, enforcing `attemptDeadline` itself. */
export const makeUndiciClient = (dispatcher: Undici.Dispatcher, streams: NodeStreams): HttpClient.HttpClient => {
  const dispatch = (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    body: DispatchBody,
    deadline: number | undefined,
    outerSignal: AbortSignal | undefined,
    textFirst: boolean
  ) =>
    inFlight(
      request,
      outerSignal,
      textFirst,
      // undici takes an EventEmitter as its signal as well as an AbortSignal, at a fraction of an AbortController's cost.
      () => new Flight(deadline, new EventEmitter(), emitAbort),
      (flight) =>
        dispatcher.request({
          signal: flight.signal,
          method: request.method,
          headers: request.headers,
          origin: url.origin,
          path: url.pathname + url.search + url.hash,
          body,
          // The request path's deadline covers headers and body; undici's own timers stay out of it.
          headersTimeout: 0,
          bodyTimeout: 0
        }),
      (source, flight) => new UndiciResponse(request, flight, source, streams)
    )
  return makeTransport((request, url, deadline, _fiber, outerSignal, textFirst) =>
    request.body._tag === "Stream"
      ? Effect.flatMap(
        streams.toReadable(request.body.stream),
        (body) => dispatch(request, url, body, deadline, outerSignal, textFirst)
      )
      : dispatch(request, url, bodyOf(request.body), deadline, outerSignal, textFirst)
  )
}
