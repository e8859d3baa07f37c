/**
 * The one request path every endpoint goes through:
 * build the request → validate the options → execute (retries and a per-attempt timeout that
 * covers the body) → map the status to a tagged error → decode.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpTraceContext from "@effect/platform/HttpTraceContext"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { ParseResult, Schedule } from "effect"
import { Clock, Context, Duration, Effect, Either, FiberRef, Option, Schema, Tracer } from "effect"
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
import { isRetryable, makePlanner, MAX_RETRY_AFTER_MILLIS, parseWaitHint } from "./retry.js"
import { withDeadline } from "./deadline.js"
import { callLimits, validateIdempotencyKey } from "./validate.js"
import type { RateGate } from "./rateGate.js"

/**
 * Per-request options.
 *
 * @since 0.1.0
 */
export interface RequestOptions {
  /** The `Idempotency-Key` to send (POST and PATCH). Default: one generated once per call. */
  readonly idempotencyKey?: string | undefined
  /** The per-attempt timeout, covering the body. Default: the client's (30 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Retries after the first attempt. Default: the client's (2). */
  readonly maxRetries?: number | undefined
}

/**
 * Per-request options of a call that sends no body (GET, DELETE): no idempotency key to give.
 *
 * @since 0.1.0
 */
export type ReadOptions = Pick<RequestOptions, "timeout" | "maxRetries">

export type Method = "GET" | "POST" | "PATCH" | "DELETE"

/** Every endpoint's span: the call's client span (the request path adds its HTTP attributes). */
export const CLIENT_SPAN = { kind: "client" } as const

/** Methods that carry an `Idempotency-Key`, and so may fail with `IdempotencyConflict`. */
type KeyedMethod = "POST" | "PATCH"

/** The errors a request can fail with, given its method and whether its object can be missing. */
export type ErrorsOf<M extends Method, NF extends boolean> =
  | CommonError
  | (NF extends true ? NotFound : never)
  | (M extends KeyedMethod ? IdempotencyConflict : never)

export interface RequestSpec<A, M extends Method, NF extends boolean> {
  readonly method: M
  /** The route template, for spans and logs (`/customers/:id`): never holds an id. */
  readonly route: string
  /** The path, ids already validated and percent-encoded. */
  readonly path: string
  readonly urlParams?: Readonly<Record<string, string | number | undefined>> | undefined
  /** The JSON body, already validated. */
  readonly body?: unknown
  readonly decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>
  /** What a 2xx with no body (e.g. a DELETE answered 204) decodes to; without it, an empty body is unexpected. */
  readonly onEmpty?: (() => A) | undefined
  /** Can this request fail with `NotFound`? */
  readonly notFound: NF
  readonly options?: RequestOptions | undefined
}

export interface ClientSettings {
  readonly httpClient: HttpClient.HttpClient
  readonly timeout: Duration.Duration
  readonly maxRetries: number
  readonly retrySchedule: Schedule.Schedule<unknown, XtopayError> | undefined
  readonly idempotencyKeyPrefix: string
  /** The fetch `RequestInit` in context when the client was built, kept when redirects are turned off. */
  readonly requestInit: RequestInit | undefined
  /** The host the base URL names, for spans. */
  readonly serverAddress: string
  /** Keep the platform's `http.client` span for every attempt (else the call's span is the only one). */
  readonly attemptSpans: boolean
  /** Send trace-propagation headers. */
  readonly tracePropagation: boolean
  /** The shared rate limit, when one was in context as the client was built. */
  readonly rateGate: RateGate | undefined
  readonly clientId: string
}

/** One failed attempt: the error, and how long the server asked to wait before the next one. */
interface Failure {
  readonly error: XtopayError
  readonly hint: Duration.Duration | undefined
}

const failure = (error: XtopayError, hint?: Duration.Duration): Failure => ({ error, hint })

const decodeEnvelope = Schema.decodeUnknownEither(ErrorEnvelope)

const parseJson = (text: string): Option.Option<unknown> => {
  try {
    return Option.some(JSON.parse(text))
  } catch {
    return Option.none()
  }
}

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

/** A per-request `maxRetries`: a whole number ≥ 0. */
const checkMaxRetries = (value: number): Effect.Effect<number, InvalidRequest> =>
  callLimits.isMaxRetries(value)
    ? Effect.succeed(value)
    : Effect.fail(invalidOption("maxRetries", `expected a whole number ≥ 0, got ${value}`))

/** A per-request `timeout`: a duration above zero. */
const checkTimeout = (value: Duration.DurationInput): Effect.Effect<Duration.Duration, InvalidRequest> => {
  const timeout = callLimits.timeout(value)
  return timeout !== undefined
    ? Effect.succeed(timeout)
    : Effect.fail(invalidOption("timeout", `expected a duration above zero, got ${String(value)}`))
}

/** Turns off redirect following for fetch, keeping any other `RequestInit` the user provided. */
const withoutRedirects = (built: RequestInit | undefined) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, {
        ...built,
        ...Option.getOrUndefined(init),
        redirect: "manual"
      })
  )

const mentionsAuthorization = (names: ReadonlyArray<string | RegExp>) =>
  names.some((name) => typeof name === "string" ? name.toLowerCase() === "authorization" : name.test("authorization"))

/**
 * The platform's `http.client` span (when `attemptSpans` keeps it) records request headers: keep
 * `Authorization` redacted there whatever the user set.
 */
const redactingAuthorization = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.flatMap(
    FiberRef.get(Headers.currentRedactedNames),
    // The default list already names it: only pay for a scoped change when the user removed it.
    (names) => mentionsAuthorization(names) ? effect : Effect.locally(effect, Headers.currentRedactedNames, [...names, "authorization"])
  )

/** What a call runs with once its per-request options are checked. */
interface CallSettings {
  /** The `Idempotency-Key` of a POST or PATCH: made once per call, reused by every attempt. */
  readonly idempotencyKey: string | undefined
  readonly timeout: Duration.Duration
  readonly maxRetries: number
}

export const makeExecute = (settings: ClientSettings) => {
  const noRedirects = withoutRedirects(settings.requestInit)
  const defaults = { timeout: settings.timeout, maxRetries: settings.maxRetries }

  /** The per-request options, checked; without any, no effect is spent on them. */
  const callSettings = (method: Method, options: RequestOptions | undefined): Effect.Effect<CallSettings, InvalidRequest> => {
    const keyed = method === "POST" || method === "PATCH"
    if (
      options === undefined ||
      (options.idempotencyKey === undefined && options.timeout === undefined && options.maxRetries === undefined)
    ) {
      // A new key each time the effect runs: running it again is a new logical call.
      return Effect.sync(() => ({
        ...defaults,
        idempotencyKey: keyed ? newIdempotencyKey(settings.idempotencyKeyPrefix) : undefined
      }))
    }
    return Effect.all({
      idempotencyKey: !keyed
        ? Effect.succeed(undefined)
        : options.idempotencyKey !== undefined
        ? validateIdempotencyKey(options.idempotencyKey)
        : Effect.sync(() => newIdempotencyKey(settings.idempotencyKeyPrefix)),
      timeout: options.timeout !== undefined ? checkTimeout(options.timeout) : Effect.succeed(settings.timeout),
      maxRetries: options.maxRetries !== undefined ? checkMaxRetries(options.maxRetries) : Effect.succeed(settings.maxRetries)
    })
  }

  return <A, M extends Method, NF extends boolean>(spec: RequestSpec<A, M, NF>): Effect.Effect<A, ErrorsOf<M, NF>> =>
    Effect.flatMap(
      callSettings(spec.method, spec.options),
      (call) => Effect.withFiberRuntime<A, XtopayError>((fiber) => runCall(spec, call, fiber.currentContext))
    ) as Effect.Effect<A, ErrorsOf<M, NF>>

  function runCall<A, M extends Method, NF extends boolean>(
    spec: RequestSpec<A, M, NF>,
    { idempotencyKey, maxRetries, timeout }: CallSettings,
    context: Context.Context<never>
  ): Effect.Effect<A, XtopayError> {
    const keyed = idempotencyKey !== undefined

    let request = HttpClientRequest.make(spec.method)(spec.path)
    if (spec.urlParams !== undefined) {
      for (const [name, value] of Object.entries(spec.urlParams)) {
        if (value !== undefined) request = HttpClientRequest.setUrlParam(request, name, String(value))
      }
    }
    if (idempotencyKey !== undefined) {
      request = HttpClientRequest.setHeader(request, "idempotency-key", idempotencyKey)
    }
    if (spec.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, spec.body)

    // The call's span: the endpoint's `Effect.fn` span, when there is one.
    const parent = Context.getOption(context, Tracer.ParentSpan)
    const span = Option.isSome(parent) && parent.value._tag === "Span" ? parent.value : undefined
    if (span !== undefined) {
      span.attribute("xtopay.method", spec.method)
      span.attribute("xtopay.route", spec.route)
      if (idempotencyKey !== undefined) span.attribute("xtopay.idempotency_key", idempotencyKey)
      // OpenTelemetry's HTTP client attributes, with the route template in place of the path (no ids).
      span.attribute("http.request.method", spec.method)
      span.attribute("url.template", spec.route)
      span.attribute("server.address", settings.serverAddress)
      // Without the platform's per-attempt spans, the call's span is the one the server's trace continues.
      if (settings.tracePropagation && !settings.attemptSpans) {
        request = HttpClientRequest.setHeaders(request, HttpTraceContext.toHeaders(span))
      }
    }

    // What the span reports at the end: the last attempt's answer, if it got one.
    let last: { status?: number; requestId?: string; replayed?: boolean } = {}
    let attemptsMade = 0

    const endpointError = (attempts: number, error: XtopayError): XtopayError => {
      // A status this endpoint cannot answer with is not one of its errors: say so, keep the details.
      if ((error._tag === "NotFound" && !spec.notFound) || (error._tag === "IdempotencyConflict" && !keyed)) {
        const { _tag, ...fields } = error
        return new UnexpectedResponse({
          ...fields,
          message: `Xtopay answered ${spec.method} ${spec.route} with HTTP ${error.status ?? "?"} (${
            error.code ?? _tag
          }): ${error.message}`,
          attempts
        })
      }
      return error
    }

    const interpret = (
      response: HttpClientResponse.HttpClientResponse,
      attempts: number
    ): Effect.Effect<A, Failure> => {
      const status = response.status
      // The platform builds the headers anew on every read of `response.headers`: read them once.
      const headers = response.headers
      const requestId = headers["x-request-id"]
      last = {
        status,
        ...(requestId !== undefined ? { requestId } : {}),
        replayed: headers["idempotency-replayed"] === "true"
      }
      const known = { status, attempts, ...(requestId !== undefined ? { requestId } : {}) }
      const readBody = Effect.mapError(response.text, () =>
        failure(
          new ConnectionError({
            ...known,
            reason: "BodyCut",
            message: `The connection failed while reading Xtopay's answer to ${spec.method} ${spec.route}`
          })
        ))

      if (status >= 200 && status < 300) {
        if (status === 204 && spec.onEmpty !== undefined) return Effect.succeed(spec.onEmpty())
        return Effect.flatMap(readBody, (text): Effect.Effect<A, Failure> => {
          if (text === "" && spec.onEmpty !== undefined) return Effect.succeed(spec.onEmpty())
          const json = parseJson(text)
          if (Option.isNone(json)) {
            return Effect.fail(failure(
              new UnexpectedResponse({
                ...known,
                message: `Xtopay answered ${spec.method} ${spec.route} with HTTP ${status} and a body that is not JSON`
              })
            ))
          }
          const decoded = spec.decode(json.value)
          if (Either.isLeft(decoded)) {
            return Effect.fail(failure(
              new UnexpectedResponse({
                ...known,
                message: `Xtopay's answer to ${spec.method} ${spec.route} has an unexpected shape: ${decoded.left.message}`
              })
            ))
          }
          return Effect.succeed(decoded.right)
        })
      }

      if (status >= 300 && status < 400) {
        const location = headers["location"]
        return Effect.zipRight(
          Effect.ignore(readBody),
          Effect.fail(failure(
            new UnexpectedResponse({
              ...known,
              message: `Xtopay answered ${spec.method} ${spec.route} with a redirect (HTTP ${status}${
                location !== undefined ? ` to ${location}` : ""
              }); redirects are never followed`,
              ...(location !== undefined ? { location } : {})
            })
          ))
        )
      }

      return Effect.flatMap(readBody, (text) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          const envelope = Option.flatMap(parseJson(text), (json) => Either.getRight(decodeEnvelope(json)))
          const hint = parseWaitHint(headers, now)
          const error = fromResponse({
            status,
            envelope: Option.getOrUndefined(envelope),
            requestId,
            retryAfter: hint,
            attempts
          })
          return Effect.fail(failure(endpointError(attempts, error), hint))
        }))
    }

    const attempt = (attempts: number): Effect.Effect<A, Failure> =>
      withDeadline(
        settings.httpClient.execute(request).pipe(
          Effect.catchTags({
            RequestError: (error) =>
              Effect.fail(failure(
                new ConnectionError({
                  reason: "Transport",
                  attempts,
                  message: `Could not reach Xtopay for ${spec.method} ${spec.route}: ${
                    describeTransportFailure(error.cause)
                  }`
                })
              )),
            ResponseError: (error) =>
              Effect.fail(failure(
                new ConnectionError({
                  reason: "Transport",
                  attempts,
                  status: error.response.status,
                  message: `Xtopay's answer to ${spec.method} ${spec.route} could not be read: ${error.reason}`
                })
              ))
          }),
          Effect.flatMap((response) => interpret(response, attempts))
        ),
        // The timeout covers the whole attempt: headers, body and decoding. Interrupting the
        // body read aborts the underlying request, so a stalled connection is released.
        timeout,
        () =>
          failure(
            new ConnectionError({
              reason: "Timeout",
              attempts,
              message: `${spec.method} ${spec.route} timed out after ${Duration.format(timeout)} (attempt ${attempts})`
            })
          )
      )

    // Only requests safe to repeat are retried: GET, DELETE, and POST/PATCH, which carry the same key each time.
    const safe = spec.method === "GET" || spec.method === "DELETE" || idempotencyKey !== undefined
    const plan = makePlanner(settings.retrySchedule)

    const logRetry = (message: string, error: XtopayError, attempts: number, delay: Duration.Duration) =>
      Effect.logDebug(message).pipe(
        Effect.annotateLogs({
          "xtopay.method": spec.method,
          "xtopay.route": spec.route,
          "xtopay.attempt": attempts,
          "xtopay.reason": [error._tag, error.status, error.code].filter((part) => part !== undefined).join(" "),
          "xtopay.delay_ms": Duration.toMillis(delay)
        })
      )

    const loop = (attempts: number): Effect.Effect<A, XtopayError> =>
      Effect.suspend(() => {
        attemptsMade = attempts
        last = {}
        const gate = settings.rateGate
        return gate === undefined
          ? attempt(attempts)
          : Effect.zipRight(Effect.mapError(gate.take(settings.clientId), (error) => failure(error)), attempt(attempts))
      }).pipe(
        Effect.catchAll(({ error, hint }) => {
          const gate = settings.rateGate
          // A 429's wait is for every process sharing the budget, not just this call.
          if (gate !== undefined && error._tag === "RateLimited" && hint !== undefined) {
            return Effect.zipRight(gate.backOff(settings.clientId, hint), retryOrFail(error, hint, attempts))
          }
          return retryOrFail(error, hint, attempts)
        })
      )

    const retryOrFail = (error: XtopayError, hint: Duration.Duration | undefined, attempts: number): Effect.Effect<A, XtopayError> => {
          if (!safe || attempts > maxRetries || !isRetryable(error)) return Effect.fail(error)
          return Effect.flatMap(plan(error, hint, attempts), (next) => {
            switch (next._tag) {
              case "Wait":
                return logRetry(
                  `Xtopay request failed; retrying in ${Duration.format(next.delay)}`,
                  error,
                  attempts,
                  next.delay
                ).pipe(
                  Effect.zipRight(Effect.sleep(next.delay)),
                  Effect.zipRight(loop(attempts + 1))
                )
              case "HintTooLong":
                return logRetry(
                  `Xtopay asked to wait ${Duration.format(next.hint)}, above the ${
                    Duration.format(Duration.millis(MAX_RETRY_AFTER_MILLIS))
                  } cap; not retrying`,
                  error,
                  attempts,
                  next.hint
                ).pipe(Effect.zipRight(Effect.fail(error)))
              case "ScheduleDone":
                return Effect.fail(error)
            }
          })
    }

    const call = noRedirects(loop(1))
    return (settings.attemptSpans ? redactingAuthorization(call) : call).pipe(
      Effect.ensuring(Effect.sync(() => {
        if (span === undefined) return
        if (last.status !== undefined) {
          span.attribute("xtopay.status", last.status)
          span.attribute("http.response.status_code", last.status)
        }
        if (last.requestId !== undefined) span.attribute("xtopay.request_id", last.requestId)
        span.attribute("xtopay.replayed", last.replayed ?? false)
        span.attribute("xtopay.attempts", attemptsMade)
      }))
    )
  }
}
