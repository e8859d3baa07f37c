/**
 * `XtopayLive`'s transport: the platform's `HttpClient` over `fetch`, built as `transport.ts`
 * says rather than with `FetchHttpClient.layer`. Like the platform's, it takes `fetch` from
 * `FetchHttpClient.Fetch` and options from `FetchHttpClient.RequestInit` when they are in
 * context (the request's, else the layer's when it was built); unlike it, it never follows a redirect (`redirect: "manual"`, whatever the options say).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { Context, Effect, FiberRef, Stream } from "effect"
import { Flight, FlightResponse, inFlight, makeTransport } from "./transport.js"

class FetchResponse extends FlightResponse {
  constructor(
    request: HttpClientRequest.HttpClientRequest,
    flight: Flight<AbortController>,
    private readonly source: Response
  ) {
    super(request, flight)
  }

  get status(): number {
    return this.source.status
  }

  protected rawHeaders(): Headers.Input {
    return this.source.headers
  }

  protected setCookieHeaders(): ReadonlyArray<string> {
    return this.source.headers.getSetCookie()
  }

  protected bodyText(): Promise<string> {
    return this.source.text()
  }

  protected bodyBytes(): Promise<ArrayBuffer> {
    return this.source.arrayBuffer()
  }

  protected bodyForm(): Promise<FormData> {
    return this.source.formData()
  }

  protected bodyStream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    const body = this.source.body
    if (body === null) {
      this.flight.settle()
      return Stream.fail(
        new HttpClientError.ResponseError({
          request: this.request,
          response: this,
          reason: "EmptyBody",
          description: "can not create stream from empty body"
        })
      )
    }
    return Stream.fromReadableStream(() => body, (cause) => this.decodeError(cause)).pipe(
      Stream.ensuring(Effect.sync(this.flight.settle))
    )
  }
}

const abortController = (controller: AbortController, reason: unknown) => controller.abort(reason)

/** The platform's `HttpClient` over `fetch`, enforcing `attemptDeadline` itself and refusing redirects. */
export const makeFetchClient = (
  built: RequestInit | undefined,
  builtFetch: typeof globalThis.fetch | undefined
): HttpClient.HttpClient => {
  // What the layer was built with counts as context for every request, as under `FetchHttpClient.layer`.
  const defaultFetch = () => builtFetch ?? globalThis.fetch
  const dispatch = (
    request: HttpClientRequest.HttpClientRequest,
    url: URL,
    body: BodyInit | undefined,
    deadline: number | undefined,
    context: Context.Context<never>,
    outerSignal: AbortSignal | undefined,
    textFirst: boolean
  ) => {
    const fetch = Context.getOrElse(context as Context.Context<FetchHttpClient.Fetch>, FetchHttpClient.Fetch, defaultFetch)
    const init = Context.getOption(context as Context.Context<FetchHttpClient.RequestInit>, FetchHttpClient.RequestInit)
    const options: RequestInit = init._tag === "Some" ? { ...built, ...init.value } : built ?? {}
    let headers = options.headers !== undefined
      ? Headers.merge(Headers.fromInput(options.headers), request.headers)
      : request.headers
    // fetch sets the length itself, and refuses one it did not compute for a stream.
    if (headers["content-length"] !== undefined) headers = Headers.remove(headers, "content-length")
    return inFlight(
      request,
      outerSignal,
      textFirst,
      () => new Flight(deadline, new AbortController(), abortController),
      (flight) =>
        fetch(url, {
          ...options,
          method: request.method,
          headers,
          body: body ?? null,
          ...(request.body._tag === "Stream" ? { duplex: "half" } : {}),
          signal: flight.signal.signal,
          redirect: "manual"
        } as RequestInit),
      (source, flight) => new FetchResponse(request, flight, source)
    )
  }
  return makeTransport((request, url, deadline, fiber, outerSignal, textFirst) => {
    const context = fiber.getFiberRef(FiberRef.currentContext)
    switch (request.body._tag) {
      case "Raw":
      case "Uint8Array":
        return dispatch(request, url, request.body.body as BodyInit, deadline, context, outerSignal, textFirst)
      case "FormData":
        return dispatch(request, url, request.body.formData, deadline, context, outerSignal, textFirst)
      case "Stream":
        return Effect.flatMap(
          Stream.toReadableStreamEffect(request.body.stream),
          (body) => dispatch(request, url, body, deadline, context, outerSignal, textFirst)
        )
      case "Empty":
        return dispatch(request, url, undefined, deadline, context, outerSignal, textFirst)
    }
  })
}
