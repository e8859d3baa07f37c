/**
 * An `HttpClient` that hands each request to the in-memory Xtopay, with no network: the client's
 * real encoding, status mapping and decoding run on top of it. Transport faults become what a
 * real transport gives: a `RequestError` for a connection dropped before the answer, a body that
 * fails part-way, or a body that never ends. `MemoryResponse` is also the answer of the test
 * suite's scripted transport.
 *
 * It keeps no deadline: a stalled body never ends, and the request path's timeout (on the
 * `Clock`, so the `TestClock` drives it) ends the attempt, as over any other `HttpClient`.
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import { Chunk, Effect, Inspectable, Option, Stream } from "effect"
import { makeTransport } from "../../internal/transport.js"
import type { WireOutcome, WireRequest } from "../wire.js"

/** How the body of an answer arrives: whole, cut part-way by a reset connection, or never ending. */
export type Delivery = "Complete" | "CutMidBody" | "Stalls"

/** An answer as a transport would deliver it. */
export interface MemoryAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** The part of a body sent before a cut or a stall. */
const firstHalf = (body: string): string => body.slice(0, Math.floor(body.length / 2))

/** An answer whose body is there at once (a web `Response` resolves on the microtask queue, which the TestClock does not wait for). */
export class MemoryResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly status: number
  readonly headers: Headers.Headers
  readonly remoteAddress: Option.Option<string> = Option.none()
  readonly cookies: Cookies.Cookies = Cookies.empty

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    private readonly answer: MemoryAnswer,
    private readonly delivery: Delivery
  ) {
    super()
    this.status = answer.status
    this.headers = Headers.fromInput(answer.headers)
  }

  /** A body read that failed, as a transport reports it. */
  private bodyError(cause: unknown, description?: string): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      ...(description !== undefined ? { description } : {}),
      ...(cause !== undefined ? { cause } : {})
    })
  }

  private cut(): HttpClientError.ResponseError {
    return this.bodyError(
      new Error("connection reset mid-body", { cause: { code: "ECONNRESET" } }),
      "the connection was reset while the body was being read (injected fault)"
    )
  }

  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    switch (this.delivery) {
      case "Complete":
        return Effect.succeed(this.answer.body)
      case "CutMidBody":
        return Effect.fail(this.cut())
      case "Stalls":
        // Nothing more ever arrives: the reader's timeout ends it.
        return Effect.never
    }
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    switch (this.delivery) {
      case "Complete":
        return Stream.succeed(encoder.encode(this.answer.body))
      case "CutMidBody":
        return Stream.concat(Stream.succeed(encoder.encode(firstHalf(this.answer.body))), Stream.fail(this.cut()))
      case "Stalls":
        return Stream.concat(Stream.succeed(encoder.encode(firstHalf(this.answer.body))), Stream.never)
    }
  }

  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text)) as unknown,
        catch: (cause) => this.bodyError(cause)
      }))
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => UrlParams.fromInput(new URLSearchParams(text)))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    return Effect.map(this.text, (text) => encoder.encode(text).buffer as ArrayBuffer)
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    return Effect.fail(this.bodyError(undefined, "the in-memory Xtopay answers JSON, not form data"))
  }

  toJSON(): unknown {
    return { _id: "@effect/platform/HttpClientResponse", request: this.request.toJSON(), status: this.status }
  }
}

/** The body as text. */
const bodyText = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<string, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(decoder.decode(body.body))
    case "Raw":
      return Effect.succeed(
        typeof body.body === "string"
          ? body.body
          : body.body instanceof Uint8Array
          ? decoder.decode(body.body)
          : String(body.body)
      )
    case "Stream":
      return Stream.runCollect(body.stream).pipe(
        Effect.map((chunks) => {
          const parts = Chunk.toReadonlyArray(chunks)
          const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
          let offset = 0
          for (const part of parts) {
            bytes.set(part, offset)
            offset += part.length
          }
          return decoder.decode(bytes)
        }),
        Effect.mapError((cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause }))
      )
    case "FormData":
      return Effect.fail(
        new HttpClientError.RequestError({
          request,
          reason: "Encode",
          description: "the in-memory Xtopay takes JSON bodies, not form data"
        })
      )
  }
}

const toResponse = (
  request: HttpClientRequest.HttpClientRequest,
  outcome: WireOutcome
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> => {
  switch (outcome._tag) {
    case "Answer":
      return Effect.succeed(new MemoryResponse(request, outcome, "Complete"))
    case "Stall":
      return Effect.succeed(new MemoryResponse(request, outcome.answer, "Stalls"))
    case "Drop":
      if (outcome.when === "mid-body" && outcome.answer !== undefined) {
        return Effect.succeed(new MemoryResponse(request, outcome.answer, "CutMidBody"))
      }
      return Effect.fail(
        new HttpClientError.RequestError({
          request,
          reason: "Transport",
          description: "the connection was reset before the answer (injected fault)",
          cause: new Error("connection reset before the answer", { cause: { code: "ECONNRESET" } })
        })
      )
  }
}

/** The answer to one request: `url` is the request's full URL, its query included. */
const serve = (
  handle: (request: WireRequest) => Effect.Effect<WireOutcome>,
  basePath: string,
  request: HttpClientRequest.HttpClientRequest,
  url: URL
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError> => {
  const pathname = url.pathname
  const path = basePath !== "" && (pathname === basePath || pathname.startsWith(`${basePath}/`))
    ? pathname.slice(basePath.length)
    : pathname
  const headers: Record<string, string> = {}
  for (const name of Object.keys(request.headers)) headers[name] = request.headers[name]!
  const send = (body: string) =>
    Effect.flatMap(
      // `url` is made for this request alone: its query needs no copy.
      handle({ method: request.method, path, query: url.searchParams, headers, body }),
      (outcome) => toResponse(request, outcome)
    )
  return Effect.flatMap(bodyText(request), send)
}

/** An `HttpClient` over `handle`. Paths are taken below `basePath` (the base URL's path, e.g. `/v1`). */
export const makeMemoryHttpClient = (
  handle: (request: WireRequest) => Effect.Effect<WireOutcome>,
  basePath: string
): HttpClient.HttpClient => makeTransport((request, url) => serve(handle, basePath, request, url))
