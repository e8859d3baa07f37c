/**
 * The one request path every endpoint goes through, in named stages, as the platform's own
 * clients compose theirs:
 *
 * - `buildRequest`: the `HttpClientRequest` (base URL, headers, idempotency key, query, body);
 * - `attempt`: send it, interpret the status, read and decode the body, all under one
 *   `Effect.timeoutFail` (so the timeout covers the body, whatever the `HttpClient`);
 * - the retry policy (`retry.ts`), run with `Effect.retry` around the attempt.
 *
 * The call's span is the endpoint's (`Effect.withSpan` in `invoke.ts`); the path only annotates it.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import { boundedBody, declaredWithin, responseTooLargeMessage } from "#core/limits.js"
import { truncate } from "#core/text.js"
import { Clock, Context, DateTime, Duration, Effect, Either, Option, Schema, type Schedule, Stream, Tracer } from "effect"
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
import { decoderFor } from "./decoders.js"
import { describeIssue } from "./parseIssues.js"
import type { Method } from "./endpoints.js"
import type { RateGate } from "./rateGate.js"
import { recordResponse } from "./responseMeta.js"
import { parseWaitHint, retryPolicy } from "./retry.js"
import { callLimits, validateIdempotencyKey } from "./validate.js"

/** Every endpoint's span: the call's client span (the request path adds its HTTP attributes). */
export const CLIENT_SPAN = { kind: "client", captureStackTrace: false } as const

/** The errors a request can fail with: whether it carries an idempotency key, and whether its object can be missing. */
export type ErrorsOf<K extends boolean, NF extends boolean> =
  | CommonError
  | (NF extends true ? NotFound : never)
  | (K extends true ? IdempotencyConflict : never)

/**
 * One request, as an endpoint describes it to the request path.
 *
 * @since 0.1.0
 */
export interface RequestSpec<A, K extends boolean, NF extends boolean> {
  readonly method: Method
  /** The route template, for spans and logs (`/customers/:id`): never holds an id. */
  readonly route: string
  /** The path, ids already validated and percent-encoded. */
  readonly path: string
  readonly urlParams?: Readonly<Record<string, string | number | undefined>> | undefined
  /** The JSON body, already validated. */
  readonly body?: unknown
  /** What a 2xx body decodes with. */
  readonly response: Schema.Schema<A, any>
  /** What a 2xx with no body (e.g. a DELETE answered 204) decodes to; without it, an empty body is unexpected. */
  readonly onEmpty?: ((now: DateTime.Utc) => A) | undefined
  /** Does this request carry an `Idempotency-Key` (and so may fail with `IdempotencyConflict`)? */
  readonly idempotencyKey: K
  /** Can this request fail with `NotFound`? */
  readonly notFound: NF
  readonly options?: RequestOptions | undefined
}

export interface ClientSettings {
  /** The transport with the user's middleware and the platform's span settings: the path hands it finished requests. */
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
  /** The shared rate limit, when one was in context as the client was built. */
  readonly rateGate: RateGate | undefined
  readonly clientId: string
}

const decodeEnvelope = Schema.decodeUnknownOption(ErrorEnvelope)

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
): Either.Either<CallSettings, InvalidRequest> => {
  const timeout = options?.timeout === undefined ? settings.timeout : callLimits.timeout(options.timeout)
  if (timeout === undefined) {
    return Either.left(invalidOption("timeout", `expected a duration above zero, got ${String(options?.timeout)}`))
  }
  const maxRetries = options?.maxRetries ?? settings.maxRetries
  if (!callLimits.isMaxRetries(maxRetries)) {
    return Either.left(invalidOption("maxRetries", `expected a whole number ≥ 0, got ${maxRetries}`))
  }
  const maxResponseBytes = options?.maxResponseBytes ?? settings.maxResponseBytes
  if (!callLimits.isMaxResponseBytes(maxResponseBytes)) {
    return Either.left(invalidOption("maxResponseBytes", `expected a whole number ≥ 1, got ${maxResponseBytes}`))
  }
  const key = !keyed
    ? Either.right(undefined)
    : options?.idempotencyKey !== undefined
    ? validateIdempotencyKey(options.idempotencyKey)
    : Either.right(`${settings.idempotencyKeyPrefix}${crypto.randomUUID()}`)
  return Either.map(key, (idempotencyKey): CallSettings => ({ idempotencyKey, timeout, maxRetries, maxResponseBytes }))
}

/** Stage 1: the whole request, built once per call (every attempt sends the same one, key included). */
const buildRequest = (
  settings: ClientSettings,
  spec: RequestSpec<any, boolean, boolean>,
  idempotencyKey: string | undefined,
  span: Tracer.Span | undefined
): HttpClientRequest.HttpClientRequest => {
  const propagate = span !== undefined && settings.propagateFromCallSpan
  // `make` copies the headers it is given: the client's own are shared when nothing is added.
  const headers: Readonly<Record<string, string>> = idempotencyKey === undefined && !propagate
    ? settings.headers
    : {
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
  return spec.body === undefined ? request : HttpClientRequest.bodyUnsafeJson(request, spec.body)
}

export const makeExecute = (settings: ClientSettings) => {
  // A schedule is a description (its state lives in `Effect.retry`'s driver): one per route at the client's retries.
  const policies = new Map<string, Schedule.Schedule<unknown, XtopayError>>()
  const policyOf = (spec: RequestSpec<any, boolean, boolean>, maxRetries: number) => {
    if (maxRetries !== settings.maxRetries) return retryPolicy(settings.retrySchedule, maxRetries, spec)
    const key = `${spec.method} ${spec.route}`
    let policy = policies.get(key)
    if (policy === undefined) {
      policy = retryPolicy(settings.retrySchedule, maxRetries, { method: spec.method, route: spec.route })
      policies.set(key, policy)
    }
    return policy
  }
  return <A, K extends boolean, NF extends boolean>(spec: RequestSpec<A, K, NF>): Effect.Effect<A, ErrorsOf<K, NF>> =>
    // Checked as the effect runs: running it again is a new logical call, with a new key.
    Effect.withFiberRuntime<A, XtopayError>((fiber) => {
      const call = callSettings(settings, spec.idempotencyKey, spec.options)
      if (Either.isLeft(call)) return Effect.fail(call.left)
      const context = fiber.currentContext
      const parent = Option.getOrUndefined(Context.getOption(context, Tracer.ParentSpan))
      const span = parent?._tag === "Span" ? parent : undefined
      return runCall(settings, spec, call.right, context, span, policyOf(spec, call.right.maxRetries))
    }) as Effect.Effect<A, ErrorsOf<K, NF>>
}

const runCall = <A>(
  settings: ClientSettings,
  spec: RequestSpec<A, boolean, boolean>,
  { idempotencyKey, maxResponseBytes, maxRetries, timeout }: CallSettings,
  context: Context.Context<never>,
  span: Tracer.Span | undefined,
  policy: Schedule.Schedule<unknown, XtopayError>
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

  // A 429's wait is for every process sharing the budget, not just this call.
  const gate = settings.rateGate
  const gated = gate === undefined ? one : Effect.zipRight(gate.take(settings.clientId), one).pipe(
    Effect.tapError((error) =>
      error._tag === "RateLimited" && error.retryAfter !== undefined
        ? gate.backOff(settings.clientId, error.retryAfter)
        : Effect.void
    )
  )

  // Stage 3: only requests safe to repeat are retried: GET, DELETE, and those carrying the same key each time.
  const safe = spec.method === "GET" || spec.method === "DELETE" || idempotencyKey !== undefined
  const retried = safe && maxRetries > 0
    ? Effect.retry(gated, policy)
    : gated

  return Effect.ensuring(
    retried,
    Effect.sync(() => {
      const { attempts, replayed, requestId, status } = state
      recordResponse(context, { status, requestId, replayed, attempts, idempotencyKey })
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
    new ConnectionError({
      reason: "Timeout",
      attempts: state.attempts,
      message: `${where} to ${settings.serverHost} timed out after ${Duration.format(timeout)} (attempt ${state.attempts})`
    })

  const transportError = (error: HttpClientError.HttpClientError): ConnectionError =>
    error._tag === "RequestError"
      ? new ConnectionError({
        reason: "Transport",
        attempts: state.attempts,
        message: `Could not reach Xtopay at ${settings.serverHost} for ${where}: ${describeTransportFailure(error.cause)}`,
        cause: error.cause
      })
      : new ConnectionError({
        reason: "Transport",
        attempts: state.attempts,
        status: error.response.status,
        message: `Xtopay's answer to ${where} could not be read: ${error.reason}`,
        cause: error.cause
      })

  const exchange = Effect.flatMap(
    Effect.mapError(settings.httpClient.execute(request), transportError),
    (response) => interpret(settings, spec, response, maxResponseBytes, state)
  )
  return Effect.suspend(() => {
    state.attempts += 1
    state.status = undefined
    state.requestId = undefined
    state.replayed = false
    return Effect.timeoutFail(exchange, { duration: timeout, onTimeout: timedOut })
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
  bodyCut: (cause: HttpClientError.ResponseError) => E1,
  tooLarge: () => E2
): Effect.Effect<string, E1 | E2> => {
  if (declaredWithin(response.headers["content-length"], limit)) return Effect.mapError(response.text, bodyCut)
  return Effect.suspend(() => {
    const body = boundedBody(limit)
    return response.stream.pipe(
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
      message: `Xtopay answered ${spec.method} ${spec.route} with HTTP ${error.status ?? "?"} (${
        error.code ?? _tag
      }): ${error.message}`
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
  // The platform builds the headers anew on every read of `response.headers`: read them once.
  const headers = response.headers
  const given = headers["x-request-id"]
  const requestId = given === undefined ? undefined : truncate(given, 200)
  state.status = status
  state.requestId = requestId
  state.replayed = headers["idempotency-replayed"] === "true"
  const known = { status, attempts: state.attempts, ...(requestId !== undefined ? { requestId } : {}) }
  const bodyCut = (cause: HttpClientError.ResponseError) =>
    new ConnectionError({
      ...known,
      reason: "BodyCut",
      message: `The connection to ${settings.serverHost} failed while reading Xtopay's answer to ${where}`,
      cause: cause.cause
    })
  const tooLarge = () =>
    new UnexpectedResponse({
      ...known,
      reason: "ResponseTooLarge",
      message: responseTooLargeMessage(where, maxResponseBytes)
    })
  const body = readBody(response, maxResponseBytes, bodyCut, tooLarge)

  if (status >= 200 && status < 300) {
    const empty = spec.onEmpty !== undefined
      ? Effect.map(DateTime.now, spec.onEmpty)
      : Effect.suspend(() =>
        new UnexpectedResponse({ ...known, message: `Xtopay answered ${where} with HTTP ${status} and an empty body` })
      )
    if (status === 204) return empty
    return Effect.flatMap(body, (text) => {
      if (text === "") return empty
      const json = parseJson(text)
      if (Option.isNone(json)) {
        return new UnexpectedResponse({ ...known, message: `Xtopay answered ${where} with HTTP ${status} and a body that is not JSON` })
      }
      return Either.match(decoderFor(spec.response)(json.value), {
        // Not the `ParseError` as `cause`: rendering it renders the whole value, at any depth.
        onLeft: (cause) =>
          Effect.fail(
            new UnexpectedResponse({
              ...known,
              message: `Xtopay's answer to ${where} has an unexpected shape: ${describeIssue(cause.issue)}`
            })
          ),
        onRight: Effect.succeed
      })
    })
  }

  if (status >= 300 && status < 400) {
    const given = headers["location"]
    const location = given === undefined ? undefined : truncate(given, 300)
    return Effect.zipRight(
      Effect.ignore(body),
      new UnexpectedResponse({
        ...known,
        message: `Xtopay answered ${where} with a redirect (HTTP ${status}${
          location !== undefined ? ` to ${location}` : ""
        }); redirects are never followed`,
        ...(location !== undefined ? { location } : {})
      })
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
