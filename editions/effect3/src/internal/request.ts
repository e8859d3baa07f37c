/**
 * The one request path every endpoint goes through:
 * build the request → check the options → execute (`Effect.retry` with the retry policy, each
 * attempt under one deadline, body included: enforced by our transports themselves, else
 * `Effect.timeoutFail`) → map the status to a tagged error → decode.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import { Clock, Context, DateTime, Duration, Effect, Either, Option, Schema, type Schedule, Tracer } from "effect"
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
import { isDeadlineExceeded } from "./deadline.js"
import { decoderFor } from "./decoders.js"
import type { Method } from "./endpoints.js"
import type { RateGate } from "./rateGate.js"
import { recordResponse } from "./responseMeta.js"
import type { SendWithin } from "./transport.js"
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
  /**
   * The call's span, when the caller made one: the request path records on it, and makes it the
   * parent of whatever it runs that is not its own (the user's transport or middleware, the
   * platform's attempt spans, the rate limit store, the retry schedule). Without it, the
   * context's parent span is the call's.
   */
  readonly span?: Tracer.Span | undefined
}

export interface ClientSettings {
  /** The transport (and the user's middleware): the request path hands it finished requests. */
  readonly httpClient: HttpClient.HttpClient
  /** Every path is appended to it; no trailing `/`. */
  readonly baseUrl: string
  /** What every request carries: authorization, accept, user-agent (lower-case names). */
  readonly headers: Readonly<Record<string, string>>
  readonly timeout: Duration.Duration
  readonly maxRetries: number
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
  /**
   * One attempt under its deadline, when the transport enforces it itself (ours, with no
   * `transformClient`): no timeout race needed. Without it, attempts run under `Effect.timeoutFail`.
   */
  readonly sendWithin: SendWithin | undefined
  /**
   * Is an attempt our own transport alone, making no spans (no attempt spans, no middleware, no
   * user's `HttpClient`)? Only then does it run without the call's span as its parent.
   */
  readonly attemptIsOurs: boolean
}

/** The longest delay a Node timer takes; a longer deadline is no deadline. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

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

const newIdempotencyKey = (prefix: string) => `${prefix}${crypto.randomUUID()}`

const invalidOption = (param: string, message: string) =>
  new InvalidRequest({ code: "parameter_invalid", param, message: `Invalid ${param}: ${message}` })

/** What a call runs with once its per-request options are checked. */
interface CallSettings {
  /** The `Idempotency-Key`: made once per call, reused by every attempt. */
  readonly idempotencyKey: string | undefined
  readonly timeout: Duration.Duration
  readonly maxRetries: number
}

export const makeExecute = (settings: ClientSettings) => {
  const newKey = () => newIdempotencyKey(settings.idempotencyKeyPrefix)

  const callSettings = (keyed: boolean, options: RequestOptions | undefined): Either.Either<CallSettings, InvalidRequest> => {
    const timeout = options?.timeout === undefined ? settings.timeout : callLimits.timeout(options.timeout)
    if (timeout === undefined) {
      return Either.left(invalidOption("timeout", `expected a duration above zero, got ${String(options?.timeout)}`))
    }
    const maxRetries = options?.maxRetries ?? settings.maxRetries
    if (!callLimits.isMaxRetries(maxRetries)) {
      return Either.left(invalidOption("maxRetries", `expected a whole number ≥ 0, got ${maxRetries}`))
    }
    const key = !keyed
      ? Either.right(undefined)
      : options?.idempotencyKey !== undefined
      ? validateIdempotencyKey(options.idempotencyKey)
      : Either.right(newKey())
    return Either.map(key, (idempotencyKey): CallSettings => ({ idempotencyKey, timeout, maxRetries }))
  }

  // Checked as the effect runs: running it again is a new logical call, with a new key.
  return <A, K extends boolean, NF extends boolean>(spec: RequestSpec<A, K, NF>): Effect.Effect<A, ErrorsOf<K, NF>> =>
    Effect.withFiberRuntime<A, XtopayError>((fiber) => {
      const call = callSettings(spec.idempotencyKey, spec.options)
      return Either.isLeft(call) ? Effect.fail(call.left) : runCall(spec, call.right, fiber.currentContext)
    }) as Effect.Effect<A, ErrorsOf<K, NF>>

  function runCall<A, K extends boolean, NF extends boolean>(
    spec: RequestSpec<A, K, NF>,
    { idempotencyKey, maxRetries, timeout }: CallSettings,
    context: Context.Context<never>
  ): Effect.Effect<A, XtopayError> {
    const where = `${spec.method} ${spec.route}`
    // The whole request at once (each header added later copies them all): base URL, auth, key.
    const headers: Record<string, string> = idempotencyKey === undefined
      ? settings.headers
      : { ...settings.headers, "idempotency-key": idempotencyKey }
    const urlParams: Record<string, string> = {}
    if (spec.urlParams !== undefined) {
      for (const [name, value] of Object.entries(spec.urlParams)) {
        if (value !== undefined) urlParams[name] = String(value)
      }
    }
    let request = HttpClientRequest.make(spec.method)(settings.baseUrl + spec.path, { headers, urlParams })
    if (spec.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, spec.body)

    // The call's span: the endpoint's (`invoke.ts`), else the context's.
    const parent = spec.span ?? Option.getOrUndefined(Context.getOption(context, Tracer.ParentSpan))
    const span = parent?._tag === "Span" ? parent : undefined
    // Putting the span in the context costs ≈ 12–19 µs a call (`Effect.withSpan` did it for the whole
    // call): only what is not the request path's own runs with it as its parent.
    const asChild = <X, E>(effect: Effect.Effect<X, E>): Effect.Effect<X, E> =>
      spec.span === undefined ? effect : Effect.withParentSpan(effect, spec.span)
    if (span !== undefined) {
      span.attribute("xtopay.method", spec.method)
      span.attribute("xtopay.route", spec.route)
      if (idempotencyKey !== undefined) span.attribute("xtopay.idempotency_key", idempotencyKey)
      // OpenTelemetry's HTTP client attributes, with the route template in place of the path (no ids).
      span.attribute("http.request.method", spec.method)
      span.attribute("url.template", spec.route)
      span.attribute("server.address", settings.serverAddress)
      if (settings.propagateFromCallSpan) request = HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
    }

    // What the last attempt got, for the span and `withResponse`.
    let attempts = 0
    let last: { status?: number; requestId?: string; replayed?: boolean } = {}

    const endpointError = (error: XtopayError): XtopayError => {
      // A status this endpoint cannot answer with is not one of its errors: say so, keep the details.
      if ((error._tag === "NotFound" && !spec.notFound) || (error._tag === "IdempotencyConflict" && !spec.idempotencyKey)) {
        const { _tag, ...fields } = error
        return new UnexpectedResponse({
          ...fields,
          message: `Xtopay answered ${where} with HTTP ${error.status ?? "?"} (${error.code ?? _tag}): ${error.message}`
        })
      }
      return error
    }

    // `cause`: the transport's `DeadlineExceeded`, when the transport enforced the deadline.
    const timedOut = (cause?: unknown) =>
      new ConnectionError({
        reason: "Timeout",
        attempts,
        message: `${where} to ${settings.serverHost} timed out after ${Duration.format(timeout)} (attempt ${attempts})`,
        ...(cause !== undefined ? { cause } : {})
      })

    const transportError = (error: HttpClientError.HttpClientError): ConnectionError =>
      isDeadlineExceeded(error.cause)
        ? timedOut(error.cause)
        : error._tag === "RequestError"
        ? new ConnectionError({
          reason: "Transport",
          attempts,
          message: `Could not reach Xtopay at ${settings.serverHost} for ${where}: ${describeTransportFailure(error.cause)}`,
          cause: error.cause
        })
        : new ConnectionError({
          reason: "Transport",
          attempts,
          status: error.response.status,
          message: `Xtopay's answer to ${where} could not be read: ${error.reason}`,
          cause: error.cause
        })

    const interpret = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<A, XtopayError> => {
      const status = response.status
      // The platform builds the headers anew on every read of `response.headers`: read them once.
      const headers = response.headers
      const requestId = headers["x-request-id"]
      last = { status, ...(requestId !== undefined ? { requestId } : {}), replayed: headers["idempotency-replayed"] === "true" }
      const known = { status, attempts, ...(requestId !== undefined ? { requestId } : {}) }
      const body = Effect.mapError(response.text, (cause) =>
        isDeadlineExceeded(cause.cause) ? timedOut(cause.cause) : new ConnectionError({
          ...known,
          reason: "BodyCut",
          message: `The connection to ${settings.serverHost} failed while reading Xtopay's answer to ${where}`,
          cause: cause.cause
        }))

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
            onLeft: (cause) =>
              Effect.fail(
                new UnexpectedResponse({
                  ...known,
                  message: `Xtopay's answer to ${where} has an unexpected shape: ${cause.message}`,
                  cause
                })
              ),
            onRight: Effect.succeed
          })
        })
      }

      if (status >= 300 && status < 400) {
        const location = headers["location"]
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
        Effect.fail(endpointError(fromResponse({
          status,
          envelope: Option.getOrUndefined(Option.flatMap(parseJson(text), decodeEnvelope)),
          requestId,
          retryAfter: parseWaitHint(headers, now),
          attempts
        }))))
    }

    // The timeout covers the whole attempt: headers, body and decoding. Interrupting the body read
    // aborts the underlying request, so a stalled connection is released; a transport that
    // enforces the deadline itself (`sendWithin`) aborts it, and fails with `DeadlineExceeded`.
    const millis = Duration.toMillis(timeout)
    const deadline = millis <= MAX_TIMER_MILLIS ? millis : undefined
    const within = settings.sendWithin
    const sent = within !== undefined ? within(request, deadline) : settings.httpClient.execute(request)
    const exchange = (settings.attemptIsOurs ? sent : asChild(sent)).pipe(
      Effect.mapError(transportError),
      Effect.flatMap(interpret)
    )
    const send = within !== undefined
      ? exchange
      : Effect.timeoutFail(exchange, { duration: timeout, onTimeout: () => timedOut() })

    const gate = settings.rateGate
    const attempt = Effect.suspend(() => {
      attempts += 1
      last = {}
      return gate === undefined ? send : Effect.zipRight(asChild(gate.take(settings.clientId)), send)
    })
    // A 429's wait is for every process sharing the budget, not just this call.
    const reported = gate === undefined ? attempt : Effect.tapError(attempt, (error) =>
      error._tag === "RateLimited" && error.retryAfter !== undefined
        ? asChild(gate.backOff(settings.clientId, error.retryAfter))
        : Effect.void)

    // Only requests safe to repeat are retried: GET, DELETE, and those carrying the same key each time.
    const safe = spec.method === "GET" || spec.method === "DELETE" || idempotencyKey !== undefined
    // The retry (its schedule driver) is set up only once an attempt has failed, so a call that
    // succeeds at once pays nothing for it; the policy is handed that first failure as it was.
    const retried = safe && maxRetries > 0
      ? Effect.catchAll(reported, (first) => {
        let replayed = false
        const again = Effect.suspend(() => {
          if (replayed) return reported
          replayed = true
          return Effect.fail(first)
        })
        return asChild(Effect.retry(again, retryPolicy(settings.retrySchedule, maxRetries, spec)))
      })
      : reported

    return Effect.ensuring(
      retried,
      Effect.sync(() => {
        recordResponse(context, { ...last, attempts, ...(idempotencyKey !== undefined ? { idempotencyKey } : {}) })
        if (span === undefined) return
        if (last.status !== undefined) {
          span.attribute("xtopay.status", last.status)
          span.attribute("http.response.status_code", last.status)
        }
        if (last.requestId !== undefined) span.attribute("xtopay.request_id", last.requestId)
        span.attribute("xtopay.replayed", last.replayed ?? false)
        span.attribute("xtopay.attempts", attempts)
      })
    )
  }
}

