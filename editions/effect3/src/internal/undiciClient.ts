/**
 * `XtopayNode`'s transport: the platform's `HttpClient` over an undici `Dispatcher`, built as
 * `transport.ts` says rather than with `NodeHttpClient.makeUndici`. Redirects are never followed
 * (undici's `request` has no redirect interceptor here). Timeouts are the request path's.
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as Headers from "@effect/platform/Headers"
import type * as Undici from "@effect/platform-node/Undici"
import { Effect, type Stream } from "effect"
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
    flight: Flight,
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
    // The body's end, however it comes, settles the flight.
    this.source.body.once("close", this.flight.settle)
    return this.streams.fromReadable(() => this.source.body, (cause) => this.decodeError(cause))
  }
}

const ignore = () => {}

/** The platform's `HttpClient` over `dispatcher`. */
export const makeUndiciClient = (dispatcher: Undici.Dispatcher, streams: NodeStreams): HttpClient.HttpClient => {
  const dispatch = (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    body: DispatchBody,
    outerSignal: AbortSignal | undefined
  ) =>
    inFlight(
      request,
      outerSignal,
      (flight) =>
        dispatcher.request({
          signal: flight.controller.signal,
          method: request.method,
          headers: request.headers,
          origin: url.origin,
          path: url.pathname + url.search + url.hash,
          body,
          // The request path's timeout covers headers and body; undici's own timers stay out of it.
          headersTimeout: 0,
          bodyTimeout: 0
        }),
      (source, flight) => new UndiciResponse(request, flight, source, streams)
    )
  return makeTransport((request, url, outerSignal) =>
    request.body._tag === "Stream"
      ? Effect.flatMap(streams.toReadable(request.body.stream), (body) => dispatch(request, url, body, outerSignal))
      : dispatch(request, url, bodyOf(request.body), outerSignal)
  )
}
