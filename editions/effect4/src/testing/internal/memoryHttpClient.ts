/**
 * An `HttpClient` that hands each request to the in-memory Xtopay, with no network: the client's
 * real encoding, status mapping and decoding run on top of it. Answers are web `Response`s wrapped
 * by `effect/http`'s own `HttpClientResponse.fromWeb`, with the body reads answered at once: a web
 * body resolves on the microtask queue, which the `TestClock` does not wait for, so a test that
 * forks a call and adjusts the clock would otherwise adjust it before the call reaches its sleep.
 * A transport fault is what fetch gives: a `TransportError` for a connection dropped before the
 * answer, a body read failing part-way, or a body that never ends. It keeps no deadline: the
 * request path's timeout (on the `Clock`) ends a stalled attempt, as over any other `HttpClient`.
 */
import { Effect, Stream } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import type { WireAnswer, WireOutcome, WireRequest } from "../wire.js"

/** How the body of an answer arrives: whole, cut part-way by a reset connection, or never ending. */
export type Delivery = "Complete" | "CutMidBody" | "Stalls"

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A status whose answer carries no body, by the Fetch standard (`new Response` refuses one). */
const nullBodyStatus = (status: number) => status === 204 || status === 205 || status === 304

/** What a cut or stalled body gets out before it fails or stops. */
const firstHalf = (body: string): Uint8Array => encoder.encode(body.slice(0, Math.floor(body.length / 2)))

const bodyOf = (body: string, delivery: Delivery): BodyInit | null => {
  if (delivery === "Complete") return body
  const half = firstHalf(body)
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(half)
      // Nothing more ever arrives for a stall: the reader's timeout ends it.
      if (delivery === "CutMidBody") controller.error(new Error("connection reset mid-body", { cause: { code: "ECONNRESET" } }))
    }
  })
}

const toWeb = (answer: WireAnswer, delivery: Delivery): Response =>
  new Response(nullBodyStatus(answer.status) ? null : bodyOf(answer.body, delivery), {
    status: answer.status,
    headers: answer.headers
  })

/** `fromWeb`'s response with its whole-body reads answered at once, as the delivery says (also the test suite's scripted answers). */
export const immediate = (
  request: HttpClientRequest.HttpClientRequest,
  answer: WireAnswer,
  delivery: Delivery
): HttpClientResponse.HttpClientResponse => {
  const web = HttpClientResponse.fromWeb(request, toWeb(answer, delivery))
  const cut = () =>
    new HttpClientError.HttpClientError({
      reason: new HttpClientError.DecodeError({
        request,
        response: web,
        description: "the connection was reset while the body was being read (injected fault)",
        cause: new Error("connection reset mid-body", { cause: { code: "ECONNRESET" } })
      })
    })
  const body = nullBodyStatus(answer.status) ? "" : answer.body
  const text: Effect.Effect<string, HttpClientError.HttpClientError> = delivery === "Complete"
    ? Effect.succeed(body)
    : delivery === "CutMidBody"
    ? Effect.fail(cut())
    : Effect.never
  // The request path counts a body without a declared length as a stream (maxResponseBytes): it too arrives at once.
  const stream: Stream.Stream<Uint8Array, HttpClientError.HttpClientError> = delivery === "Complete"
    ? Stream.succeed(encoder.encode(body))
    : Stream.concat(Stream.succeed(firstHalf(body)), delivery === "CutMidBody" ? Stream.fail(cut()) : Stream.never)
  return Object.create(web, {
    text: { get: () => text },
    stream: { get: () => stream },
    json: {
      get: () =>
        Effect.flatMap(text, (content) =>
          Effect.try({
            try: () => (content === "" ? null : JSON.parse(content)),
            catch: (cause) =>
              new HttpClientError.HttpClientError({ reason: new HttpClientError.DecodeError({ request, response: web, cause }) })
          }))
    },
    arrayBuffer: { get: () => Effect.map(text, (content) => encoder.encode(content).buffer as ArrayBuffer) }
  }) as HttpClientResponse.HttpClientResponse
}

const toResponse = (
  request: HttpClientRequest.HttpClientRequest,
  outcome: WireOutcome
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> => {
  switch (outcome._tag) {
    case "Answer":
      return Effect.succeed(immediate(request, outcome, "Complete"))
    case "Stall":
      return Effect.succeed(immediate(request, outcome.answer, "Stalls"))
    case "Drop":
      if (outcome.when === "mid-body" && outcome.answer !== undefined) {
        return Effect.succeed(immediate(request, outcome.answer, "CutMidBody"))
      }
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.TransportError({
            request,
            description: "the connection was reset before the answer (injected fault)",
            cause: new Error("connection reset before the answer", { cause: { code: "ECONNRESET" } })
          })
        })
      )
  }
}

/** The body as text: the request path sends JSON (or nothing). */
const bodyText = (request: HttpClientRequest.HttpClientRequest): Effect.Effect<string, HttpClientError.HttpClientError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(decoder.decode(body.body))
    case "Raw":
      return Effect.succeed(typeof body.body === "string" ? body.body : String(body.body))
    default:
      return Effect.fail(
        new HttpClientError.HttpClientError({
          reason: new HttpClientError.EncodeError({ request, description: "the in-memory Xtopay takes JSON bodies" })
        })
      )
  }
}

/** An `HttpClient` over `handle`. Paths are taken below `basePath` (the base URL's path, e.g. `/v1`). */
export const makeMemoryHttpClient = (
  handle: (request: WireRequest) => Effect.Effect<WireOutcome>,
  basePath: string
): HttpClient.HttpClient =>
  HttpClient.make((request, url) => {
    const pathname = url.pathname
    const path = basePath !== "" && (pathname === basePath || pathname.startsWith(`${basePath}/`))
      ? pathname.slice(basePath.length)
      : pathname
    const headers: Record<string, string> = {}
    for (const name of Object.keys(request.headers)) headers[name] = request.headers[name]!
    return Effect.flatMap(bodyText(request), (body) =>
      Effect.flatMap(
        handle({ method: request.method, path, query: url.searchParams, headers, body }),
        (outcome) => toResponse(request, outcome)
      ))
  })
