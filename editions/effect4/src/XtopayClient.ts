/**
 * The `XtopayClient` service: configuration, authentication, the base URL, and the one request
 * path every endpoint uses. `XtopayLive` builds it from the environment over `fetch`.
 *
 * @since 1.0.0
 */
import { Config, Context, Duration, Effect, Layer, Option, Redacted, Result, Schema, SchemaIssue } from "effect"
import type { Schedule } from "effect"
import { Base64 } from "effect/encoding"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { DEFAULT_MAX_RESPONSE_BYTES, isMaxResponseBytes } from "#core/limits.js"
import { quote } from "#core/text.js"
import * as Urls from "#core/urls.js"
import { insecureHost, isRawPath } from "#core/urls.js"
import type { Method } from "./internal/endpoints.js"
import { checkEdition } from "./internal/edition.js"
import { XtopayRateGate } from "./internal/rateGate.js"
import { CLIENT_SPAN, type ErrorsOf, makeExecute, type RequestSpec } from "./internal/request.js"
import { ResponseSink, type XtopayResponse } from "./internal/responseMeta.js"
import { callLimits } from "./internal/validate.js"
import { VERSION } from "./internal/version.js"
import type { RequestOptions } from "./RequestOptions.js"
import { type CommonError, type IdempotencyConflict, InvalidRequest, type NotFound, type XtopayError } from "./XtopayError.js"

export type { ReadOptions, RequestOptions } from "./RequestOptions.js"
export type { XtopayResponse } from "./internal/responseMeta.js"

/**
 * Where `XtopayLive` points when `XTOPAY_BASE_URL` is not set.
 *
 * @since 1.0.0
 */
export const DEFAULT_BASE_URL = "https://api.xtopay.co/v1"

/**
 * How to build a client.
 *
 * @since 1.0.0
 */
export interface XtopayClientOptions {
  /** `cid_test_…` or `cid_live_…`. */
  readonly clientId: string
  /** `csk_test_…` or `csk_live_…`, kept `Redacted`. */
  readonly clientSecret: Redacted.Redacted<string>
  /** Default `https://api.xtopay.co/v1`. Must be https unless the host is loopback (or `allowInsecureHttp`). */
  readonly baseUrl?: string | undefined
  /**
   * Allow a plain-http `baseUrl` to a host that is not loopback, e.g. a mock server in another
   * container. Default false. Building such a client logs one warning naming the host.
   */
  readonly allowInsecureHttp?: boolean | undefined
  /** The per-attempt timeout, covering the body. Default 30 seconds. */
  readonly timeout?: Duration.Input | undefined
  /** Retries after the first attempt. Default 2. */
  readonly maxRetries?: number | undefined
  /**
   * The longest answer read, in bytes. Default 16 MiB, which no Xtopay answer comes near: a longer
   * one fails the call at once with `UnexpectedResponse` (`reason: "ResponseTooLarge"`), not retried.
   */
  readonly maxResponseBytes?: number | undefined
  /**
   * Replaces the default backoff (exponential from 500 ms, capped at 8 s, full jitter, honouring
   * `Retry-After`). Still bounded by `maxRetries`, and still only for retryable failures.
   */
  readonly retrySchedule?: Schedule.Schedule<unknown, XtopayError> | undefined
  /** Send trace-propagation headers (`traceparent`, `b3`) to Xtopay. Default false. */
  readonly tracePropagation?: boolean | undefined
  /** Also keep `effect/http`'s `http.client` span for every attempt, under the call's span. Default false. */
  readonly attemptSpans?: boolean | undefined
  /** Your own middleware over the underlying `HttpClient` (logging, a proxy, …). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * The options `layerConfig` reads from `Config`.
 *
 * @since 1.0.0
 */
export type XtopayClientConfig = Pick<
  XtopayClientOptions,
  | "clientId"
  | "clientSecret"
  | "baseUrl"
  | "allowInsecureHttp"
  | "timeout"
  | "maxRetries"
  | "maxResponseBytes"
  | "tracePropagation"
  | "attemptSpans"
>

/**
 * The types that go with the `XtopayClient` service.
 *
 * @since 1.0.0
 */
export declare namespace XtopayClient {
  /**
   * What the `XtopayClient` service holds: the decorated `HttpClient` and the one request path.
   *
   * @since 1.0.0
   */
  export interface Service {
    /** The decorated `HttpClient`: base URL, auth, JSON and User-Agent headers. */
    readonly httpClient: HttpClient.HttpClient
    /** The one request path. Endpoint modules call it; users rarely need to. */
    readonly execute: <A, K extends boolean, NF extends boolean>(spec: RequestSpec<A, K, NF>) => Effect.Effect<A, ErrorsOf<K, NF>>
    /** The client id this client authenticates as. */
    readonly clientId: string
    /** The client secret, still `Redacted`: it keys webhook signatures. */
    readonly clientSecret: Redacted.Redacted<string>
    /** The base URL every request path is appended to, without a trailing `/`. */
    readonly baseUrl: string
  }
}

/**
 * A request to an Xtopay endpoint this package does not wrap yet, for `XtopayClient.request`.
 *
 * @since 1.0.0
 */
export interface RawRequest<A = unknown> {
  readonly method: Method
  /** Below the base URL, starting with `/` (`/subscriptions/sub_1`); its query goes in `query`. */
  readonly path: string
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined
  /** The JSON body (POST and PATCH). */
  readonly body?: unknown
  /** What a 2xx body decodes with; without it the JSON is given back as it came (`unknown`). */
  readonly schema?: Schema.Codec<A, any> | undefined
}

/** A path under the base URL, as core's rule reads it: `/`, then segments without a query, fragment, space, `.` or `..`. */
const checkPath = (path: string): InvalidRequest | undefined =>
  isRawPath(path) ? undefined : new InvalidRequest({
    code: "parameter_invalid",
    param: "path",
    message: `Invalid path: expected "/" and segments without a query, fragment, space, "." or "..", got ${quote(path, 120)}`
  })

/** A `ConfigError` naming the setting, as Effect 4's config readers make them (a schema issue at that path). */
const invalidData = (name: string, value: unknown, message: string): Config.ConfigError =>
  new Config.ConfigError(
    new Schema.SchemaError(new SchemaIssue.Pointer([name], new SchemaIssue.InvalidValue({ message }, value)))
  )

/** Core's base-URL rule, its refusal a `ConfigError` named as the user set it: the option, or the variable `layerConfig` read it from. */
const checkBaseUrl = (
  baseUrl: string,
  allowInsecureHttp: boolean,
  name: string = "baseUrl"
): Result.Result<string, Config.ConfigError> => {
  const checked = Urls.checkBaseUrl(baseUrl, allowInsecureHttp)
  return checked._tag === "Valid" ? Result.succeed(checked.baseUrl) : Result.fail(invalidData(name, "…", checked.message))
}

/**
 * `FetchHttpClient` as `XtopayLive` uses it: redirects are never followed (fetch would otherwise
 * send the request on to wherever a 3xx points), whatever `RequestInit` is in context; the rest of
 * that `RequestInit` is kept. Provide it under `XtopayClient.layer` for the same transport with
 * your own options.
 *
 * @since 1.0.0
 */
export const FetchTransport: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client: HttpClient.HttpClient) =>
    // A `RequestInit` in a request's context replaces the layer's: it gets `redirect: "manual"` too.
    HttpClient.transform(client, (effect) =>
      Effect.flatMap(Effect.serviceOption(FetchHttpClient.RequestInit), (init) =>
        Option.isNone(init) || init.value.redirect === "manual"
          ? effect
          : Effect.provideService(effect, FetchHttpClient.RequestInit, { ...init.value, redirect: "manual" }))))
).pipe(
  Layer.provide(FetchHttpClient.layer),
  Layer.provide(Layer.effect(
    FetchHttpClient.RequestInit,
    Effect.map(Effect.serviceOption(FetchHttpClient.RequestInit), (init) => ({
      ...Option.getOrUndefined(init),
      redirect: "manual" as const
    }))
  ))
)

/**
 * The `XtopayClient` service, which every endpoint needs: a `Context.Service` key. Provide it with
 * `XtopayLive`, `XtopayClient.layer(options)`, `XtopayClient.layerConfig(config)`, or `XtopayTest`.
 *
 * @since 1.0.0
 */
export class XtopayClient extends Context.Service<XtopayClient, XtopayClient.Service>()("effect-xtopay/XtopayClient") {
  /**
   * A client from explicit options, over the `HttpClient` in context. Fails to build with a
   * `ConfigError` when the base URL is not https (and neither loopback nor allowed by
   * `allowInsecureHttp`), or `maxRetries`, `maxResponseBytes` or `timeout` is invalid.
   *
   * @since 1.0.0
   */
  static readonly layer = (
    options: XtopayClientOptions
  ): Layer.Layer<XtopayClient, Config.ConfigError, HttpClient.HttpClient> => Layer.effect(XtopayClient, make(options))

  /**
   * Runs `effect` and gives its value with the last Xtopay answer it received: status, request id,
   * idempotency key, replayed flag and attempts. An effect that made no Xtopay request dies.
   *
   * @since 1.0.0
   */
  static readonly withResponse = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<readonly [A, XtopayResponse], E, R> =>
    Effect.suspend(() => {
      let last: XtopayResponse | undefined
      return Effect.flatMap(
        Effect.provideService(effect, ResponseSink, (response) => {
          last = response
        }),
        (value) =>
          last === undefined
            ? Effect.die(new Error("XtopayClient.withResponse: the effect made no Xtopay request"))
            : Effect.succeed([value, last] as const)
      )
    })

  /**
   * A request to an endpoint this package does not wrap yet, through the same path as every
   * endpoint: authentication, the base URL, an `Idempotency-Key` on POST and PATCH (made once per
   * call, or `options.idempotencyKey`), retries, the timeout, the error tags and `withResponse`.
   * Gives the answer's JSON as `unknown`, or decoded with `schema`. One span, `Xtopay.request`.
   * Fails with `InvalidRequest` for a path that is not `/…` below the base URL (nothing is sent).
   *
   * @example
   * const subscription = yield* XtopayClient.request({ method: "GET", path: "/subscriptions/sub_1" })
   *
   * @since 1.0.0
   */
  static readonly request = <A = unknown>(
    request: RawRequest<A>,
    options?: RequestOptions
  ): Effect.Effect<A, CommonError | NotFound | IdempotencyConflict, XtopayClient> =>
    Effect.withSpan(
      Effect.suspend(() => {
        const invalid = checkPath(request.path)
        if (invalid !== undefined) return Effect.fail(invalid)
        const keyed = request.method === "POST" || request.method === "PATCH"
        return Effect.flatMap(XtopayClient, (client) =>
          client.execute({
            method: request.method,
            route: request.path,
            path: request.path,
            urlParams: request.query,
            body: keyed ? request.body : undefined,
            response: (request.schema ?? Schema.Unknown) as Schema.Codec<A, any>,
            // Without a schema an empty 2xx (a 204) is `undefined`; with one, it must decode like any answer.
            onEmpty: request.schema === undefined ? () => undefined as A : undefined,
            idempotencyKey: keyed,
            notFound: true,
            options
          }))
      }),
      "Xtopay.request",
      CLIENT_SPAN
    )

  /**
   * A client from `Config`. Without arguments it reads `XTOPAY_CLIENT_ID`, `XTOPAY_CLIENT_SECRET`
   * (redacted), `XTOPAY_BASE_URL` (default `https://api.xtopay.co/v1`, also when set but empty) and
   * `XTOPAY_ALLOW_INSECURE_HTTP` (`true` or `false`, default `false`).
   *
   * @since 1.0.0
   */
  static readonly layerConfig = (
    config: Config.Wrap<XtopayClientConfig> = defaultConfig,
    extra?: Pick<XtopayClientOptions, "retrySchedule" | "transformClient">
  ): Layer.Layer<XtopayClient, Config.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(
      XtopayClient,
      Effect.flatMap(Config.unwrap(config), (options) => make({ ...options, ...extra }))
    )
}

/** A variable set but empty (`XTOPAY_BASE_URL=` in a compose file) means the same as one not set. */
const optionalString = (name: string): Config.Config<string | undefined> =>
  Config.String(name).pipe(
    Config.withDefault(""),
    Config.map((text) => (text.trim() === "" ? undefined : text.trim()))
  )

/** `true` or `false` and nothing else (not `1`, `yes` or `on`): a typo must not switch security off. */
const strictBoolean = (name: string): Config.Config<boolean> =>
  optionalString(name).pipe(
    Config.mapEffect((text) =>
      text === undefined || text === "false"
        ? Effect.succeed(false)
        : text === "true"
        ? Effect.succeed(true)
        : Effect.fail(invalidData(name, text, `Expected true or false, got ${JSON.stringify(text)}`))
    )
  )

/** A variable that must be set to something: set but empty (or blank) is refused by its name. */
const nonEmpty = <A>(name: string, config: Config.Config<A>, text: (value: A) => string): Config.Config<A> =>
  config.pipe(
    Config.mapEffect((value) =>
      text(value).trim() === "" ? Effect.fail(invalidData(name, "", `${name} is set but empty`)) : Effect.succeed(value)
    )
  )

const defaultConfig: Config.Config<XtopayClientConfig> = Config.all({
  clientId: nonEmpty("XTOPAY_CLIENT_ID", Config.String("XTOPAY_CLIENT_ID"), (id) => id),
  clientSecret: nonEmpty("XTOPAY_CLIENT_SECRET", Config.Redacted("XTOPAY_CLIENT_SECRET"), Redacted.value),
  baseUrl: optionalString("XTOPAY_BASE_URL").pipe(Config.map((url) => url ?? DEFAULT_BASE_URL)),
  allowInsecureHttp: strictBoolean("XTOPAY_ALLOW_INSECURE_HTTP")
}).pipe(
  // Checked here too, so that a bad URL is reported by the variable's name rather than the option's.
  Config.mapEffect((options) =>
    Effect.as(Effect.fromResult(checkBaseUrl(options.baseUrl, options.allowInsecureHttp, "XTOPAY_BASE_URL")), options)
  )
)

/**
 * Builds the service over the `HttpClient` in context.
 *
 * @since 1.0.0
 */
export const make = (
  options: XtopayClientOptions
): Effect.Effect<XtopayClient.Service, Config.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    // Every call needs this service: where an ES module program first runs our code, it says so.
    checkEdition()
    const allowInsecureHttp = options.allowInsecureHttp === true
    const baseUrl = yield* Effect.fromResult(checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, allowInsecureHttp))
    const timeout = callLimits.timeout(options.timeout ?? Duration.seconds(30))
    if (timeout === undefined) {
      return yield* Effect.fail(invalidData("timeout", String(options.timeout), `Expected a duration above zero, got ${String(options.timeout)}`))
    }
    const maxRetries = options.maxRetries ?? 2
    if (!callLimits.isMaxRetries(maxRetries)) {
      return yield* Effect.fail(invalidData("maxRetries", maxRetries, `Expected a whole number ≥ 0, got ${maxRetries}`))
    }
    const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    if (!isMaxResponseBytes(maxResponseBytes)) {
      return yield* Effect.fail(
        invalidData("maxResponseBytes", maxResponseBytes, `Expected a whole number ≥ 1, got ${maxResponseBytes}`)
      )
    }
    const insecure = allowInsecureHttp ? insecureHost(baseUrl) : undefined
    if (insecure !== undefined) {
      yield* Effect.logWarning(
        `effect-xtopay: allowInsecureHttp is on: credentials and data go to ${insecure} over plain http, unencrypted. ` +
          "Use it only for a mock server on a private network, never for Xtopay itself."
      )
    }
    // The one line where the secret leaves its Redacted box: the header value, built once.
    const authorization = `Basic ${Base64.encode(`${options.clientId}:${Redacted.value(options.clientSecret)}`)}`
    const headers = { authorization, accept: "application/json", "user-agent": `effect-xtopay/${VERSION}` }
    // For users' own requests over `httpClient`; the request path builds its requests whole.
    const decorate = HttpClient.mapRequest((request: HttpClientRequest.HttpClientRequest) =>
      request.pipe(HttpClientRequest.prependUrl(baseUrl), HttpClientRequest.setHeaders(headers))
    )
    const base = yield* HttpClient.HttpClient
    // effect-xtopay/rate-limit's gate, read once here: a client built without one pays nothing per call.
    const rateGate = yield* Effect.serviceOption(XtopayRateGate)
    const attemptSpans = options.attemptSpans === true
    const tracePropagation = options.tracePropagation === true
    // Without attempt spans the platform traces nothing (the call's span is the client span); with
    // them, it propagates only when asked to.
    const platformSpans = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
      HttpClient.transform(client, (effect) =>
        attemptSpans
          ? Effect.provideService(effect, HttpClient.TracerPropagationEnabled, tracePropagation)
          : Effect.provideService(effect, HttpClient.TracerDisabledWhen, () => true))
    const transform = options.transformClient ?? ((client) => client)

    return XtopayClient.of({
      httpClient: platformSpans(transform(decorate(base))),
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      baseUrl,
      execute: makeExecute({
        httpClient: platformSpans(transform(base)),
        baseUrl,
        headers,
        timeout,
        maxRetries,
        maxResponseBytes,
        retrySchedule: options.retrySchedule,
        idempotencyKeyPrefix: "xtopay-effect-",
        serverAddress: new URL(baseUrl).hostname,
        serverHost: new URL(baseUrl).host,
        propagateFromCallSpan: tracePropagation && !attemptSpans,
        rateGate: Option.getOrUndefined(rateGate),
        clientId: options.clientId
      })
    })
  })

/**
 * The client against the real Xtopay (or any `XTOPAY_BASE_URL`), configured from the environment,
 * over `fetch`. Its only error is a `ConfigError`.
 *
 * @since 1.0.0
 */
export const XtopayLive: Layer.Layer<XtopayClient, Config.ConfigError> = XtopayClient.layerConfig().pipe(
  Layer.provide(FetchTransport)
)
