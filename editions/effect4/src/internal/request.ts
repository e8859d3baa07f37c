/**
 * The one request path every endpoint goes through, in named stages:
 *
 * - `buildRequest`: the `HttpClientRequest` (base URL, headers, idempotency key, query, body), once per call;
 * - `attempt`: send it, interpret the status, read and decode the body, all under one
 *   `Effect.timeoutOrElse` (so the timeout covers the body, whatever the `HttpClient`);
 * - the retry policy (`retry.ts`), run with `Effect.retry` around the attempt.
 *
 * The call's span is the endpoint's (`Effect.withSpan` in `invoke.ts`); the path only annotates it.
 */
import { Clock, Context, DateTime, Duration, Effect, Option, Result, Schema, type Schedule, Stream, Tracer } from "effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpTraceContext from "effect/http/HttpTraceContext"
import { boundedBody, declaredWithin, isMaxResponseBytes, responseTooLargeMessage } from "#core/limits.js"
import type { RequestOptions } from "../RequestOptions.js"
import { ErrorEnvelope } from "../Schemas.js"
import {
  type CommonError,
  ConnectionError,
  fromResponse,
  type IdempotencyConflict,
  InvalidRequest,
  type NotFound,
  UnexpectedResponse,
  type XtopayError
} from "../XtopayError.js"
import type { Method } from "./endpoints.js"
import { firstIssue } from "./issues.js"
import type { RateGate } from "./rateGate.js"
import { ResponseSink } from "./responseMeta.js"
import { parseWaitHint, retryPolicy } from "./retry.js"
import { callLimits, validateIdempotencyKey } from "./validate.js"

/**
 * Every endpoint's span: the call's client span (the request path adds its HTTP attributes). No
 * call-site stack: capturing one makes an `Error` on every call.
 */
export const CLIENT_SPAN = { kind: "client", captureStackTrace: false } as const

/** The errors a request can fail with: whether it carries an idempotency key, and whether its object can be missing. */
export type ErrorsOf<K extends boolean, NF extends boolean> =
  | CommonError
  | (NF extends true ? NotFound : never)
  | (K extends true ? IdempotencyConflict : never)

/**
 * One request, as an endpoint describes it to the request path.
 *
 * @since 1.0.0
 */
export interface RequestSpec<A, K extends boolean, NF extends boolean> {
  readonly method: Method
  /** The route template, for spans and logs (`/customers/:id`): never holds an id. */
  readonly route: string
  /** The path, ids already validated and percent-encoded. */
  readonly path: string
  readonly urlParams?: Readonly<Record<string, unknown>> | undefined
  /** The JSON body, already validated and in wire form. */
  readonly body?: unknown
  /** What a 2xx body decodes with. */
  readonly response: Schema.Codec<A, any>
  /** What a 2xx with no body (e.g. a DELETE answered 204) decodes to; without it, an empty body is unexpected. */
  readonly onEmpty?: ((now: DateTime.Utc) => A) | undefined
  /** Does this request carry an `Idempotency-Key` (and so may fail with `IdempotencyConflict`)? */
  readonly idempotencyKey: K
  /** Can this request fail with `NotFound`? */
  readonly notFound: NF
  readonly options?: RequestOptions | undefined
}

export interface ClientSettings {
  /** The transport with the user's middleware: the path hands it finished requests. */
  readonly httpClient: HttpClient.HttpClient
  /** Every path is appended to it; no trailing `/`. */
  readonly baseUrl: string
  /** What every request carries: authorization, accept, user-agent (lower-case names). */
  readonly headers: Readonly<Record<string, string>>
  readonly timeout: Duration.Duration
  readonly maxRetries: number
  /** The longest answer read, in bytes. */
  readonly maxResponseBytes: number
  readonly retrySchedule: Schedule.Schedule<unknown, XtopayError> | undefined
  readonly idempotencyKeyPrefix: string
  /** The host name the base URL names, for spans. */
  readonly serverAddress: string
  /** Its host and port, for saying what could not be reached. */
  readonly serverHost: string
  /** Send trace-propagation headers from the call's span (when the platform's attempt spans are off). */
  readonly propagateFromCallSpan: boolean
  /** The shared budget each attempt takes a token from, when `effect-xtopay/rate-limit` gave one. */
  readonly rateGate: RateGate | undefined
  /** The key of that budget. */
  readonly clientId: string
}

const decodeEnvelope = Schema.decodeUnknownOption(ErrorEnvelope)

type Decode<A> = (input: unknown) => Result.Result<A, Schema.SchemaError>

const decoders = new WeakMap<Schema.Codec<any, any>, Decode<any>>()

/** The decoder of a response schema, made once per schema rather than once per answer. */
const decoderFor = <A>(schema: Schema.Codec<A, any>): Decode<A> => {
  let decode = decoders.get(schema)
  if (decode === undefined) {
    decode = Schema.decodeUnknownResult(schema)
    decoders.set(schema, decode)
  }
  return decode
}

const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

/** What the transport said, without the request (whose headers hold the Authorization). */
const describeTransportFailure = (cause: unknown): string => {
  const inner = (cause as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause
  if (typeof inner?.code === "string") return inner.code
  if (typeof inner?.message === "string") return inner.message
  if (cause instanceof Error) return cause.message
  return "unknown transport failure"
}

const invalidOption = (param: string, message: string) =>
  new InvalidRequest({ code: "parameter_invalid", param, message: `Invalid ${param}: ${message}` })

/** What a call runs with once its per-request options are checked. */
interface CallSettings {
  /** The `Idempotency-Key`: made once per call, reused by every attempt. */
  readonly idempotencyKey: string | undefined
  readonly timeout: Duration.Duration
  readonly maxRetries: number
  readonly maxResponseBytes: number
}

/** What the call's last attempt got: for the span and `withResponse`. */
interface CallState {
  attempts: number
  status: number | undefined
  requestId: string | undefined
  replayed: boolean
}

/** The per-request options checked against the client's, and the call's idempotency key. */
const callSettings = (
  settings: ClientSettings,
  keyed: boolean,
  options: RequestOptions | undefined
): Result.Result<CallSettings, InvalidRequest> => {
  const timeout = options?.timeout === undefined ? settings.timeout : callLimits.timeout(options.timeout)
  if (timeout === undefined) {
    return Result.fail(invalidOption("timeout", `expected a duration above zero, got ${String(options?.timeout)}`))
  }
  const maxRetries = options?.maxRetries ?? settings.maxRetries
  if (!callLimits.isMaxRetries(maxRetries)) {
    return Result.fail(invalidOption("maxRetries", `expected a whole number ≥ 0, got ${maxRetries}`))
  }
  const maxResponseBytes = options?.maxResponseBytes ?? settings.maxResponseBytes
  if (!isMaxResponseBytes(maxResponseBytes)) {
    return Result.fail(invalidOption("maxResponseBytes", `expected a whole number ≥ 1, got ${maxResponseBytes}`))
  }
  const key: Result.Result<string | undefined, InvalidRequest> = !keyed
    ? Result.succeed(undefined)
    : options?.idempotencyKey !== undefined
    ? validateIdempotencyKey(options.idempotencyKey)
    : Result.succeed(`${settings.idempotencyKeyPrefix}${crypto.randomUUID()}`)
  return Result.map(key, (idempotencyKey): CallSettings => ({ idempotencyKey, timeout, maxRetries, maxResponseBytes }))
}

/** Stage 1: the whole request, built once per call (every attempt sends the same one, key included). */
const buildRequest = (
  settings: ClientSettings,
  spec: RequestSpec<any, boolean, boolean>,
  idempotencyKey: string | undefined,
  span: Tracer.Span | undefined
): HttpClientRequest.HttpClientRequest => {
  const propagate = span !== undefined && settings.propagateFromCallSpan
  const headers: Record<string, string> = {
    ...settings.headers,
    ...(idempotencyKey !== undefined ? { "idempotency-key": idempotencyKey } : {}),
    ...(propagate ? HttpTraceContext.toHeaders(span) : {})
  }
  const urlParams: Record<string, string> = {}
  if (spec.urlParams !== undefined) {
    for (const [name, value] of Object.entries(spec.urlParams)) {
      if (value !== undefined) urlParams[name] = String(value)
    }
  }
  const request = HttpClientRequest.make(spec.method)(settings.baseUrl + spec.path, { headers, urlParams })
  return spec.body === undefined ? request : HttpClientRequest.bodyJsonUnsafe(request, spec.body)
}

export const makeExecute = (settings: ClientSettings) => {
  // A schedule is a description (its state lives in each run): one per route at the client's retries.
  const policies = new Map<string, Schedule.Schedule<number, XtopayError>>()
  const policyOf = (spec: RequestSpec<any, boolean, boolean>, maxRetries: number) => {
    const where = { method: spec.method, route: spec.route }
    if (maxRetries !== settings.maxRetries) return retryPolicy(settings.retrySchedule, maxRetries, where)
    const key = `${spec.method} ${spec.route}`
    let policy = policies.get(key)
    if (policy === undefined) {
      policy = retryPolicy(settings.retrySchedule, maxRetries, where)
      policies.set(key, policy)
    }
    return policy
  }
  return <A, K extends boolean, NF extends boolean>(spec: RequestSpec<A, K, NF>): Effect.Effect<A, ErrorsOf<K, NF>> =>
    // Checked as the effect runs: running it again is a new logical call, with a new key.
    Effect.withFiber<A, XtopayError>((fiber) => {
      const call = callSettings(settings, spec.idempotencyKey, spec.options)
      if (Result.isFailure(call)) return Effect.fail(call.failure)
      const context = fiber.context
      const parent = Option.getOrUndefined(Context.getOption(context, Tracer.ParentSpan))
      const span = parent?._tag === "Span" ? parent : undefined
      return runCall(settings, spec, call.success, context, span, policyOf(spec, call.success.maxRetries))
    }) as Effect.Effect<A, ErrorsOf<K, NF>>
}

const runCall = <A>(
  settings: ClientSettings,
  spec: RequestSpec<A, boolean, boolean>,
  { idempotencyKey, maxResponseBytes, maxRetries, timeout }: CallSettings,
  context: Context.Context<never>,
  span: Tracer.Span | undefined,
  policy: Schedule.Schedule<number, XtopayError>
): Effect.Effect<A, XtopayError> => {
  if (span !== undefined) {
    span.attribute("xtopay.method", spec.method)
    span.attribute("xtopay.route", spec.route)
    if (idempotencyKey !== undefined) span.attribute("xtopay.idempotency_key", idempotencyKey)
    // OpenTelemetry's HTTP client attributes, with the route template in place of the path (no ids).
    span.attribute("http.request.method", spec.method)
    span.attribute("url.template", spec.route)
    span.attribute("server.address", settings.serverAddress)
  }
  const request = buildRequest(settings, spec, idempotencyKey, span)
  const state: CallState = { attempts: 0, status: undefined, requestId: undefined, replayed: false }
  const one = attempt(settings, spec, request, timeout, maxResponseBytes, state)
  const gated = settings.rateGate === undefined ? one : throughGate(settings.rateGate, settings.clientId, one)

  // Stage 3: only requests safe to repeat are retried: GET, DELETE, and those carrying the same key each time.
  const safe = spec.method === "GET" || spec.method === "DELETE" || idempotencyKey !== undefined
  const retried = safe && maxRetries > 0 ? Effect.retry(gated, policy) : gated

  return Effect.ensuring(
    retried,
    Effect.sync(() => {
      const { attempts, replayed, requestId, status } = state
      Context.get(context, ResponseSink)?.({ status, requestId, replayed, attempts, idempotencyKey })
      if (span === undefined) return
      if (status !== undefined) {
        span.attribute("xtopay.status", status)
        span.attribute("http.response.status_code", status)
      }
      if (requestId !== undefined) span.attribute("xtopay.request_id", requestId)
      span.attribute("xtopay.replayed", replayed)
      span.attribute("xtopay.attempts", attempts)
    })
  )
}

/** Each attempt waits for a token first; a 429's wait is passed on to every process sharing the budget. */
const throughGate = <A>(
  gate: RateGate,
  clientId: string,
  one: Effect.Effect<A, XtopayError>
): Effect.Effect<A, XtopayError> =>
  Effect.andThen(gate.take(clientId), one).pipe(
    Effect.tapError((error) =>
      error._tag === "RateLimited" && error.retryAfter !== undefined ? gate.backOff(clientId, error.retryAfter) : Effect.void
    )
  )

/**
 * Stage 2, one attempt: send the request, interpret the status, read the whole body and decode it,
 * under the timeout. Interrupting the attempt (the timeout does) interrupts the send or the body
 * read, which aborts the request, so a stalled connection is released.
 */
const attempt = <A>(
  settings: ClientSettings,
  spec: RequestSpec<A, boolean, boolean>,
  request: HttpClientRequest.HttpClientRequest,
  timeout: Duration.Duration,
  maxResponseBytes: number,
  state: CallState
): Effect.Effect<A, XtopayError> => {
  const where = `${spec.method} ${spec.route}`

  const timedOut = () =>
    Effect.fail(
      new ConnectionError({
        reason: "Timeout",
        attempts: state.attempts,
        message: `${where} to ${settings.serverHost} timed out after ${Duration.format(timeout)} (attempt ${state.attempts})`
      })
    )

  const transportError = (error: HttpClientError.HttpClientError): ConnectionError => {
    const response = error.response
    return response === undefined
      ? new ConnectionError({
        reason: "Transport",
        attempts: state.attempts,
        message: `Could not reach Xtopay at ${settings.serverHost} for ${where}: ${describeTransportFailure(error.reason.cause)}`,
        cause: error.reason.cause
      })
      : new ConnectionError({
        reason: "Transport",
        attempts: state.attempts,
        status: response.status,
        message: `Xtopay's answer to ${where} could not be read: ${error.reason._tag}`,
        cause: error.reason.cause
      })
  }

  const exchange = Effect.flatMap(
    Effect.mapError(settings.httpClient.execute(request), transportError),
    (response) => interpret(settings, spec, response, maxResponseBytes, state)
  )
  return Effect.suspend(() => {
    state.attempts += 1
    state.status = undefined
    state.requestId = undefined
    state.replayed = false
    return Effect.timeoutOrElse(exchange, { duration: timeout, orElse: timedOut })
  })
}

/**
 * The whole body as text, at most `limit` bytes. A declared length within it is read as text (the
 * transport holds it to that length); a longer declared length, or an answer that grows past the
 * limit as it arrives, ends the read at the chunk that crosses it, which aborts the request.
 */
const readBody = <E1, E2>(
  response: HttpClientResponse.HttpClientResponse,
  limit: number,
  bodyCut: (error: HttpClientError.HttpClientError) => E1,
  tooLarge: () => E2
): Effect.Effect<string, E1 | E2> => {
  if (declaredWithin(response.headers["content-length"], limit)) return Effect.mapError(response.text, bodyCut)
  return Effect.suspend(() => {
    const body = boundedBody(limit)
    return response.stream.pipe(
      // A body-less answer (`text` reads it as "") has no stream to count.
      Stream.catchReason("HttpClientError", "EmptyBodyError", () => Stream.empty),
      Stream.mapError(bodyCut),
      Stream.runForEach((chunk): Effect.Effect<void, E2> => (body.add(chunk) ? Effect.void : Effect.fail(tooLarge()))),
      Effect.map(body.text)
    )
  })
}

/** A status this endpoint cannot answer with is not one of its errors: say so, keep the details. */
const endpointError = (spec: RequestSpec<any, boolean, boolean>, error: XtopayError): XtopayError => {
  if ((error._tag === "NotFound" && !spec.notFound) || (error._tag === "IdempotencyConflict" && !spec.idempotencyKey)) {
    const { _tag, ...fields } = error
    return new UnexpectedResponse({
      ...fields,
      message: `Xtopay answered ${spec.method} ${spec.route} with HTTP ${error.status ?? "?"} (${error.code ?? _tag}): ${error.message}`
    })
  }
  return error
}

/** The answer: a 2xx decoded, a 3xx refused, anything else its tagged error. */
const interpret = <A>(
  settings: ClientSettings,
  spec: RequestSpec<A, boolean, boolean>,
  response: HttpClientResponse.HttpClientResponse,
  maxResponseBytes: number,
  state: CallState
): Effect.Effect<A, XtopayError> => {
  const where = `${spec.method} ${spec.route}`
  const status = response.status
  const headers = response.headers
  const requestId = headers["x-request-id"]
  state.status = status
  state.requestId = requestId
  state.replayed = headers["idempotency-replayed"] === "true"
  const known = { status, attempts: state.attempts, ...(requestId !== undefined ? { requestId } : {}) }
  const bodyCut = (error: HttpClientError.HttpClientError) =>
    new ConnectionError({
      ...known,
      reason: "BodyCut",
      message: `The connection to ${settings.serverHost} failed while reading Xtopay's answer to ${where}`,
      cause: error.reason.cause
    })
  const tooLarge = () =>
    new UnexpectedResponse({ ...known, reason: "ResponseTooLarge", message: responseTooLargeMessage(where, maxResponseBytes) })
  const body = readBody(response, maxResponseBytes, bodyCut, tooLarge)

  if (status >= 200 && status < 300) {
    const onEmpty = spec.onEmpty
    const empty: Effect.Effect<A, XtopayError> = onEmpty !== undefined
      ? Effect.map(DateTime.now, onEmpty)
      // Built only when a body is empty: an error is a schema-checked class with a stack, too dear for every 2xx.
      : Effect.suspend(() => Effect.fail(new UnexpectedResponse({ ...known, message: `Xtopay answered ${where} with HTTP ${status} and an empty body` })))
    if (status === 204) return empty
    const decode = decoderFor(spec.response)
    return Effect.flatMap(body, (text): Effect.Effect<A, XtopayError> => {
      if (text === "") return empty
      const json = parseJson(text)
      if (Option.isNone(json)) {
        return Effect.fail(
          new UnexpectedResponse({ ...known, message: `Xtopay answered ${where} with HTTP ${status} and a body that is not JSON` })
        )
      }
      const decoded = decode(json.value)
      if (Result.isSuccess(decoded)) return Effect.succeed(decoded.success)
      const issue = firstIssue(decoded.failure)
      const at = issue.path.length > 0 ? `${issue.path.join(".")}: ` : ""
      return Effect.fail(
        new UnexpectedResponse({
          ...known,
          message: `Xtopay's answer to ${where} has an unexpected shape: ${at}${issue.message}`,
          cause: decoded.failure
        })
      )
    })
  }

  if (status >= 300 && status < 400) {
    const location = headers["location"]
    return Effect.andThen(
      Effect.ignore(body),
      Effect.fail(
        new UnexpectedResponse({
          ...known,
          message: `Xtopay answered ${where} with a redirect (HTTP ${status}${
            location !== undefined ? ` to ${location}` : ""
          }); redirects are never followed`,
          ...(location !== undefined ? { location } : {})
        })
      )
    )
  }

  return Effect.flatMap(Effect.zip(body, Clock.currentTimeMillis), ([text, now]) =>
    Effect.fail(endpointError(
      spec,
      fromResponse({
        status,
        envelope: Option.getOrUndefined(Option.flatMap(parseJson(text), decodeEnvelope)),
        requestId,
        retryAfter: parseWaitHint(headers, now),
        attempts: state.attempts
      })
    )))
}
