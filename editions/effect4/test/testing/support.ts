/**
 * Helpers for the tests of the in-memory Xtopay: clients with other credentials over one backend,
 * and raw requests (through the same in-memory `HttpClient`) for what the client would refuse to send.
 */
import { Effect, Layer, Redacted } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import type { Backend } from "../../src/testing/Backend.js"
import { makeMemoryHttpClient } from "../../src/testing/internal/memoryHttpClient.js"
import { make, XtopayClient, type XtopayClientOptions } from "../../src/XtopayClient.js"

/** The real client over `backend`, as `clientId` (any `cid_test_…`), with its own secret. */
export const clientOver = (
  backend: Backend,
  clientId = "cid_test_default",
  secret = "csk_test_default",
  options: Partial<XtopayClientOptions> = {}
): Layer.Layer<XtopayClient> =>
  Layer.effect(
    XtopayClient,
    make({ ...options, clientId, clientSecret: Redacted.make(secret) }).pipe(
      Effect.provideService(HttpClient.HttpClient, makeMemoryHttpClient(backend.handle, "/v1")),
      Effect.orDie
    )
  )

export const basic = (clientId: string, secret: string) => `Basic ${btoa(`${clientId}:${secret}`)}`

export const DEFAULT_AUTH = basic("cid_test_default", "csk_test_default")

export interface RawAnswer {
  readonly status: number
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly text: string
  /** The body parsed as JSON (`undefined` when it is not JSON). */
  readonly json: any
}

/** Status, headers and body of an answer, with the body parsed when it is JSON. */
const readAnswer = <E>(answer: Effect.Effect<HttpClientResponse.HttpClientResponse, E>) =>
  Effect.gen(function*() {
    const response = yield* answer
    const text = yield* response.text
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: response.status, headers: response.headers, text, json } satisfies RawAnswer
  })

/** Sends a request as written (no client-side validation) to `backend` over the in-memory `HttpClient`. */
export const raw = (
  backend: Backend,
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  init: {
    readonly body?: string
    readonly headers?: Record<string, string>
    readonly authorization?: string | null
  } = {}
): Effect.Effect<RawAnswer> =>
  Effect.gen(function*() {
    const http = makeMemoryHttpClient(backend.handle, "/v1")
    let request = HttpClientRequest.make(method)(`https://api.xtopay.co/v1${path}`)
    const authorization = init.authorization === undefined ? DEFAULT_AUTH : init.authorization
    if (authorization !== null) request = HttpClientRequest.setHeader(request, "authorization", authorization)
    if (init.headers !== undefined) request = HttpClientRequest.setHeaders(request, init.headers)
    if (init.body !== undefined) request = HttpClientRequest.bodyText(request, init.body, "application/json")
    return yield* readAnswer(http.execute(request))
  }).pipe(Effect.orDie)

/** Sends a request as written through the `XtopayClient` in context (its base URL and credentials), skipping its validation. */
export const send = (
  method: "GET" | "POST" | "PATCH" | "DELETE",
  path: string,
  init: { readonly body?: string; readonly headers?: Record<string, string> } = {}
): Effect.Effect<RawAnswer, never, XtopayClient> =>
  Effect.gen(function*() {
    const client = yield* XtopayClient
    let request = HttpClientRequest.make(method)(path)
    if (init.headers !== undefined) request = HttpClientRequest.setHeaders(request, init.headers)
    if (init.body !== undefined) request = HttpClientRequest.bodyText(request, init.body, "application/json")
    return yield* readAnswer(client.httpClient.execute(request))
  }).pipe(Effect.orDie)
