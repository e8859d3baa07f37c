/**
 * The scripted `HttpClient` every client and resilience test runs over: it records every request
 * it is given (method, URL, query, headers, body, the `Clock` time it arrived, its abort signal)
 * and answers from a script, with no network. An answer's body can arrive whole, be cut part-way,
 * or never end; it is available at once, so scripts run on the `TestClock` as well as the live one.
 */
import { Clock, Context, Effect, Layer, Redacted } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import { type Delivery, immediate } from "../../src/testing/internal/memoryHttpClient.js"
import { XtopayClient, type XtopayClientOptions } from "../../src/XtopayClient.js"

/** A request as the transport saw it, after every decoration the client applies. */
export interface RecordedRequest {
  readonly method: string
  /** The full URL, query included, e.g. `https://api.xtopay.co/v1/customers?limit=2`. */
  readonly url: string
  /** The URL without its query, still percent-encoded. */
  readonly urlWithoutQuery: string
  /** The query parameters (last value wins); `url` keeps the exact string. */
  readonly query: Readonly<Record<string, string>>
  /** Header names lower-cased, values as sent (the Authorization header is NOT redacted). */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body ("" when none). */
  readonly bodyText: string
  /** The body parsed as JSON, `undefined` when there is none. */
  readonly body: unknown
  /** The `Clock` time (the TestClock's, in tests that use it) the request arrived, in ms. */
  readonly at: number
  /** The request's abort signal: aborted when the client gives up on it. */
  readonly signal: AbortSignal
}

export type { Delivery }

/** What the scripted transport does with one request. */
export type Answer =
  | {
    readonly _tag: "Answer"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly body: string | null
    /** Default: `"Complete"`. */
    readonly delivery?: Delivery | undefined
  }
  | { readonly _tag: "TransportFailure"; readonly cause: unknown }

/** A JSON answer. */
export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  _tag: "Answer",
  status,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body)
})

/** A JSON answer given as raw text, exactly as printed (e.g. the reference's examples). */
export const rawJson = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
  _tag: "Answer",
  status,
  headers: { "content-type": "application/json", ...headers },
  body
})

/** A non-JSON answer. */
export const text = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
  _tag: "Answer",
  status,
  headers: { "content-type": "text/plain", ...headers },
  body
})

/** An answer with no body at all (e.g. 204). */
export const empty = (status: number, headers: Record<string, string> = {}): Answer => ({
  _tag: "Answer",
  status,
  headers,
  body: null
})

/** Xtopay's error envelope. */
export const errorAnswer = (
  status: number,
  error: { readonly code: string; readonly message: string; readonly param?: string | null; readonly doc_url?: string },
  headers: Record<string, string> = {}
): Answer => json(status, { error }, headers)

/** The transport fails before any answer (what fetch does when the connection is refused or reset). */
export const transportFailure = (cause: unknown = new Error("connect ECONNREFUSED 127.0.0.1:443")): Answer => ({
  _tag: "TransportFailure",
  cause
})

/**
 * Answers in order (the Nth request gets the Nth answer; one request too many is a defect, so the
 * test fails), or from a function of the request and its index.
 */
export type Script =
  | ReadonlyArray<Answer>
  | ((request: RecordedRequest, index: number) => Answer | Effect.Effect<Answer>)

/** Access to what the scripted transport saw. */
export class Scripted extends Context.Service<Scripted, {
  readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
}>()("effect-xtopay/test/Scripted") {}

/** Every request the scripted transport got so far, in order. */
export const recordedRequests: Effect.Effect<ReadonlyArray<RecordedRequest>, never, Scripted> = Effect.flatMap(
  Scripted,
  (scripted) => scripted.requests
)

const decoder = new TextDecoder()

const readBody = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return ""
    case "Uint8Array":
      return decoder.decode(body.body)
    case "Raw":
      return typeof body.body === "string" ? body.body : String(body.body)
    default:
      // The client only ever sends JSON; anything else is a bug the test should see.
      throw new Error(`Scripted HttpClient: unexpected body kind ${body._tag}`)
  }
}

const record = (request: HttpClientRequest.HttpClientRequest, url: URL, at: number, signal: AbortSignal): RecordedRequest => {
  const bodyText = readBody(request)
  const withoutQuery = new URL(url.href)
  withoutQuery.search = ""
  withoutQuery.hash = ""
  return {
    method: request.method,
    url: url.href,
    urlWithoutQuery: withoutQuery.href,
    query: Object.fromEntries(url.searchParams.entries()),
    headers: { ...request.headers },
    bodyText,
    body: bodyText === "" ? undefined : JSON.parse(bodyText),
    at,
    signal
  }
}

/**
 * The scripted `HttpClient`: each request is recorded into `recorded`, then answered by `script`
 * (the Nth request gets the Nth answer, or the function's); one request too many is a defect.
 */
export const scriptedHttpClient = (script: Script, recorded: Array<RecordedRequest>): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const seen = record(request, url, yield* Clock.currentTimeMillis, signal)
      const index = recorded.push(seen) - 1
      const scripted = typeof script === "function" ? script(seen, index) : script[index]
      if (scripted === undefined) {
        return yield* Effect.die(
          new Error(`Scripted HttpClient: no answer scripted for request #${index + 1} (${seen.method} ${seen.url})`)
        )
      }
      const answer = Effect.isEffect(scripted) ? yield* scripted : scripted
      if (answer._tag === "TransportFailure") {
        return yield* Effect.fail(
          new HttpClientError.HttpClientError({ reason: new HttpClientError.TransportError({ request, cause: answer.cause }) })
        )
      }
      return immediate(request, { ...answer, body: answer.body ?? "" }, answer.delivery ?? "Complete")
    })
  )

/** Builds a scripted `HttpClient` and the accessor to what it recorded. */
export const makeScripted = (script: Script) =>
  Effect.sync(() => {
    const recorded: Array<RecordedRequest> = []
    return { httpClient: scriptedHttpClient(script, recorded), requests: Effect.sync(() => [...recorded]) }
  })

/** The scripted `HttpClient`, plus `Scripted` to read what it recorded. */
export const scriptedLayer = (script: Script): Layer.Layer<HttpClient.HttpClient | Scripted> =>
  Layer.effectContext(
    Effect.map(makeScripted(script), ({ httpClient, requests }) =>
      Context.make(HttpClient.HttpClient, httpClient).pipe(Context.add(Scripted, { requests })))
  )

/** The options every client test uses: no retries, so each call is exactly one request. */
export const testOptions = {
  clientId: "cid_test_abc",
  clientSecret: Redacted.make("csk_test_xyz"),
  baseUrl: "https://api.xtopay.co/v1",
  maxRetries: 0
} satisfies XtopayClientOptions

/** An `XtopayClient` over a scripted transport, and `Scripted` to read what was sent. */
export const clientLayer = (
  script: Script,
  overrides: Partial<XtopayClientOptions> = {}
): Layer.Layer<XtopayClient | Scripted> =>
  XtopayClient.layer({ ...testOptions, ...overrides }).pipe(
    Layer.provideMerge(scriptedLayer(script)),
    Layer.orDie
  )
