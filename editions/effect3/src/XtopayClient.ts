/**
 * The `XtopayClient` service: configuration, authentication, the base URL, and the one request
 * path every endpoint uses. `XtopayLive` builds it from the environment over `fetch`.
 *
 * @since 0.1.0
 */
import { DEFAULT_MAX_RESPONSE_BYTES } from "#core/limits.js"
import { quote } from "#core/text.js"
import * as Urls from "#core/urls.js"
import { insecureHost, isRawPath } from "#core/urls.js"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import type { Schedule } from "effect"
import {
  Config,
  ConfigError,
  Context,
  Duration,
  Effect,
  Either,
  Encoding,
  Exit,
  FiberRef,
  Layer,
  Option,
  Predicate,
  Redacted,
  Schema,
  Tracer
} from "effect"
import { checkEdition } from "./internal/edition.js"
import { XtopayRateGate } from "./internal/rateGate.js"
import type { Method } from "./internal/endpoints.js"
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
 * @since 0.1.0
 */
export const DEFAULT_BASE_URL = "https://api.xtopay.co/v1"

/**
 * How to build a client.
 *
 * @since 0.1.0
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
   * container (`http://xtopay-mock:12111/v1`). Default false. The credentials then cross the
   * network unencrypted: building such a client logs one warning naming the host.
   */
  readonly allowInsecureHttp?: boolean | undefined
  /** The per-attempt timeout, covering the body. Default 30 seconds. */
  readonly timeout?: Duration.DurationInput | undefined
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
  /**
   * Also keep `@effect/platform`'s `http.client` span for every attempt, under the call's span.
   * Default false: each call has one span (`Xtopay.customers.create`, …) carrying the method, the
   * route, the status, the attempts and the request id. Each extra span costs CPU.
   */
  readonly attemptSpans?: boolean | undefined
  /** Your own middleware over the underlying `HttpClient` (logging, a proxy, …). */
  readonly transformClient?: ((client: HttpClient.HttpClient) => HttpClient.HttpClient) | undefined
}

/**
 * A request to an Xtopay endpoint this package does not wrap yet, for `XtopayClient.request`.
 *
 * @since 0.1.0
 */
export interface RawRequest<A = unknown> {
  readonly method: Method
  /** Below the base URL, starting with `/` (`/subscriptions/sub_1`); its query goes in `query`. */
  readonly path: string
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>> | undefined
  /** The JSON body (POST and PATCH). */
  readonly body?: unknown
  /** What a 2xx body decodes with; without it the JSON is given back as it came (`unknown`). */
  readonly schema?: Schema.Schema<A, any> | undefined
}

/** A path under the base URL, as core's rule reads it: `/`, then segments without a query, fragment, space, `.` or `..`. */
const checkPath = (path: string): InvalidRequest | undefined =>
  isRawPath(path) ? undefined : new InvalidRequest({
    code: "parameter_invalid",
    param: "path",
    message: `Invalid path: expected "/" and segments without a query, fragment, space, "." or "..", got ${quote(path, 120)}`
  })

/**
 * The options `layerConfig` reads from `Config`.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 */
export declare namespace XtopayClient {
  /**
   * What the `XtopayClient` service holds: the decorated `HttpClient` and the one request path.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** The decorated `HttpClient`: base URL, auth, JSON and User-Agent headers. */
    readonly httpClient: HttpClient.HttpClient
    /** The one request path. Endpoint modules call it; users rarely need to. */
    readonly execute: <A, K extends boolean, NF extends boolean>(
      spec: RequestSpec<A, K, NF>
    ) => Effect.Effect<A, ErrorsOf<K, NF>>
    /** The client id this client authenticates as. */
    readonly clientId: string
    /** The client secret, still `Redacted`: it keys webhook signatures (`Webhooks.constructEvent`). */
    readonly clientSecret: Redacted.Redacted<string>
    /** The base URL every request path is appended to, without a trailing `/`. */
    readonly baseUrl: string
  }
}

/** Core's base-URL rule, its refusal a `ConfigError` named as the user set it: the option, or the variable `layerConfig` read it from. */
const checkBaseUrl = (
  baseUrl: string,
  allowInsecureHttp: boolean,
  name: string = "baseUrl"
): Either.Either<string, ConfigError.ConfigError> => {
  const checked = Urls.checkBaseUrl(baseUrl, allowInsecureHttp)
  return checked._tag === "Valid" ? Either.right(checked.baseUrl) : Either.left(ConfigError.InvalidData([name], checked.message))
}

/** The client-wide timeout: a duration above zero. */
const checkTimeout = (input: Duration.DurationInput): Either.Either<Duration.Duration, ConfigError.ConfigError> => {
  const timeout = callLimits.timeout(input)
  return timeout !== undefined
    ? Either.right(timeout)
    : Either.left(ConfigError.InvalidData(["timeout"], `Expected a duration above zero, got ${String(input)}`))
}

/**
 * What an attempt span ends with, for whoever reads it later (an exporter, a custom tracer) outside
 * the fiber, where no redacted header names apply: the platform's exit holds the response or the
 * error, and both hold the request with its Authorization header. The span keeps the outcome, not
 * the request.
 */
const withoutRequest = (exit: Exit.Exit<unknown, unknown>): Exit.Exit<unknown, unknown> =>
  Exit.mapBoth(exit, {
    onSuccess: (value) =>
      Predicate.hasProperty(value, HttpClientResponse.TypeId)
        ? { _id: "HttpClientResponse", status: (value as unknown as HttpClientResponse.HttpClientResponse).status }
        : value,
    onFailure: (error) =>
      HttpClientError.isHttpClientError(error)
        ? Object.assign(new Error(error.message), { name: error._tag, reason: error.reason })
        : error
  })

/** `tracer`, whose spans end with `withoutRequest` of their exit. */
const requestFreeTracer = (tracer: Tracer.Tracer): Tracer.Tracer =>
  Tracer.make({
    span: (...args) => {
      const span = tracer.span(...args)
      // The span itself (its attributes, events and status live on it), with only `end` in front.
      return Object.assign(Object.create(span) as Tracer.Span, {
        end: (endTime: bigint, exit: Exit.Exit<unknown, unknown>) => span.end(endTime, withoutRequest(exit))
      })
    },
    context: (f, fiber) => tracer.context(f, fiber)
  })

const requestFreeTracers = new WeakMap<Tracer.Tracer, Tracer.Tracer>()

const mentionsAuthorization = (names: ReadonlyArray<string | RegExp>) =>
  names.some((name) => typeof name === "string" ? name.toLowerCase() === "authorization" : name.test("authorization"))

/**
 * The platform's `http.client` span (kept with `attemptSpans`) records request headers: keep
 * `Authorization` redacted there whatever the user set, and keep the request out of what the
 * span ends with.
 */
const redactingAuthorization = (client: HttpClient.HttpClient): HttpClient.HttpClient =>
  HttpClient.transform(client, (effect) =>
    Effect.flatMap(Effect.all([FiberRef.get(Headers.currentRedactedNames), Effect.tracer]), ([names, tracer]) => {
      let free = requestFreeTracers.get(tracer)
      if (free === undefined) requestFreeTracers.set(tracer, free = requestFreeTracer(tracer))
      const traced = Effect.withTracer(effect, free)
      // The default list already names it: only pay for a scoped change when the user removed it.
      return mentionsAuthorization(names)
        ? traced
        : Effect.locally(traced, Headers.currentRedactedNames, [...names, "authorization"])
    }))

/**
 * `FetchHttpClient` as `XtopayLive` uses it: redirects are never followed (fetch would otherwise
 * send the request on to wherever a 3xx points), whatever `RequestInit` is in context; the rest of
 * that `RequestInit` is kept. The `fetch` it calls is `FetchHttpClient.Fetch` when the layer is
 * built with one, else the global `fetch`. Provide it under `XtopayClient.layer` for the same
 * transport with your own options.
 *
 * @since 0.1.0
 */
export const FetchTransport: Layer.Layer<HttpClient.HttpClient> = Layer.effect(
  HttpClient.HttpClient,
  Effect.map(HttpClient.HttpClient, (client) =>
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
 * The `XtopayClient` service, which every endpoint needs. Provide it with `XtopayLive`,
 * `XtopayClient.layer(options)`, `XtopayClient.layerConfig(config)`, or `XtopayTest`.
 *
 * @since 0.1.0
 */
export class XtopayClient extends Context.Tag("effect-xtopay/XtopayClient")<XtopayClient, XtopayClient.Service>() {
  /**
   * A client from explicit options, over the `HttpClient` in context.
   *
   * Fails to build with a `ConfigError` when the base URL is not https (and neither loopback nor
   * allowed by `allowInsecureHttp`), or
   * `maxRetries` or `timeout` is invalid.
   *
   * @example
   * const Shop = XtopayClient.layer({
   *   clientId: "cid_live_shop",
   *   clientSecret: Redacted.make(secret),
   *   maxRetries: 3
   * }).pipe(Layer.provide(FetchTransport))
   *
   * @since 0.1.0
   */
  static readonly layer = (
    options: XtopayClientOptions
  ): Layer.Layer<XtopayClient, ConfigError.ConfigError, HttpClient.HttpClient> => Layer.effect(XtopayClient, make(options))

  /**
   * Runs `effect` and gives its value with the last Xtopay answer it received: status, request id,
   * idempotency key, replayed flag and attempts (stripe-node's `lastResponse`). For one page of a
   * list, wrap the `listPage` call. An effect that made no Xtopay request dies: there is nothing to report.
   *
   * @example
   * const [customer, response] = yield* XtopayClient.withResponse(Customers.create({ email: "ama@example.com" }))
   * console.log(response.requestId, response.replayed)
   *
   * @since 0.1.0
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
            ? Effect.dieMessage("XtopayClient.withResponse: the effect made no Xtopay request")
            : Effect.succeed([value, last] as const)
      )
    })

  /**
   * A request to an endpoint this package does not wrap yet, through the same path as every
   * endpoint: authentication, the base URL, an `Idempotency-Key` on POST and PATCH (made once per
   * call, or `options.idempotencyKey`), retries, the timeout, the shared rate limit, the error tags
   * and `withResponse`. Gives the answer's JSON as `unknown`, or decoded with `schema`. One span,
   * `Xtopay.request`, whose route attributes hold the path as given.
   *
   * Fails with `InvalidRequest` for a path that is not `/…` below the base URL (nothing is sent),
   * and otherwise as any call can.
   *
   * @example
   * const subscription = yield* XtopayClient.request({ method: "GET", path: "/subscriptions/sub_1" })
   *
   * @since 0.1.0
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
            urlParams: request.query === undefined
              ? undefined
              : Object.fromEntries(
                Object.entries(request.query).flatMap(([name, value]) => value === undefined ? [] : [[name, String(value)]])
              ),
            body: keyed ? request.body : undefined,
            response: (request.schema ?? Schema.Unknown) as Schema.Schema<A, any>,
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
   * Fails to build with a `ConfigError` naming the missing or invalid setting.
   *
   * @example
   * // SHOP_CLIENT_ID, SHOP_CLIENT_SECRET and, optionally, SHOP_BASE_URL
   * const settings = Config.all({
   *   clientId: Config.string("CLIENT_ID"),
   *   clientSecret: Config.redacted("CLIENT_SECRET"),
   *   baseUrl: Config.string("BASE_URL").pipe(Config.withDefault(DEFAULT_BASE_URL))
   * }).pipe(Config.nested("SHOP"))
   * const Shop = XtopayClient.layerConfig(settings).pipe(Layer.provide(FetchTransport))
   *
   * @since 0.1.0
   */
  static readonly layerConfig = (
    config: Config.Config.Wrap<XtopayClientConfig> = defaultConfig,
    extra?: Pick<XtopayClientOptions, "retrySchedule" | "transformClient">
  ): Layer.Layer<XtopayClient, ConfigError.ConfigError, HttpClient.HttpClient> =>
    Layer.effect(
      XtopayClient,
      Effect.flatMap(Config.unwrap(config), (options) => make({ ...options, ...extra }))
    )
}

/** A variable set but empty (`XTOPAY_BASE_URL=` in a compose file) means the same as one not set. */
const optionalString = (name: string): Config.Config<string | undefined> =>
  Config.string(name).pipe(
    Config.withDefault(""),
    Config.map((text) => (text.trim() === "" ? undefined : text.trim()))
  )

/** `true` or `false` and nothing else (not `1`, `yes` or `on`): a typo must not switch security off. */
const strictBoolean = (name: string): Config.Config<boolean> =>
  optionalString(name).pipe(
    Config.mapOrFail((text) =>
      text === undefined || text === "false"
        ? Either.right(false)
        : text === "true"
        ? Either.right(true)
        : Either.left(ConfigError.InvalidData([name], `Expected true or false, got ${JSON.stringify(text)}`))
    )
  )

/** A variable that must be set to something: set but empty (or blank) is refused by its name. */
const nonEmpty = <A>(name: string, config: Config.Config<A>, text: (value: A) => string): Config.Config<A> =>
  config.pipe(
    Config.mapOrFail((value) =>
      text(value).trim() === ""
        ? Either.left(ConfigError.InvalidData([name], `${name} is set but empty`))
        : Either.right(value)
    )
  )

const defaultConfig: Config.Config<XtopayClientConfig> = Config.all({
  clientId: nonEmpty("XTOPAY_CLIENT_ID", Config.string("XTOPAY_CLIENT_ID"), (id) => id),
  // Read as text and boxed at once: `Config.redacted` redacts its "missing" message too, which then
  // says nothing; a text read cannot fail on (and so never quotes) the value.
  clientSecret: nonEmpty("XTOPAY_CLIENT_SECRET", Config.map(Config.string("XTOPAY_CLIENT_SECRET"), Redacted.make), Redacted.value),
  baseUrl: optionalString("XTOPAY_BASE_URL").pipe(Config.map((url) => url ?? DEFAULT_BASE_URL)),
  allowInsecureHttp: strictBoolean("XTOPAY_ALLOW_INSECURE_HTTP")
}).pipe(
  // Checked here too, so that a bad URL is reported by the variable's name rather than the option's.
  Config.mapOrFail((options) =>
    Either.map(checkBaseUrl(options.baseUrl, options.allowInsecureHttp, "XTOPAY_BASE_URL"), () => options)
  )
)

/**
 * Builds the service over the `HttpClient` in context.
 *
 * @since 0.1.0
 */
export const make = (
  options: XtopayClientOptions
): Effect.Effect<XtopayClient.Service, ConfigError.ConfigError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    // Every call needs this service: where an ES module program first runs our code, it says so.
    checkEdition()
    const allowInsecureHttp = options.allowInsecureHttp === true
    const baseUrl = yield* checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, allowInsecureHttp)
    const timeout = yield* checkTimeout(options.timeout ?? Duration.seconds(30))
    const maxRetries = options.maxRetries ?? 2
    if (!callLimits.isMaxRetries(maxRetries)) {
      return yield* Effect.fail(ConfigError.InvalidData(["maxRetries"], `Expected a whole number ≥ 0, got ${maxRetries}`))
    }
    const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    if (!callLimits.isMaxResponseBytes(maxResponseBytes)) {
      return yield* Effect.fail(
        ConfigError.InvalidData(["maxResponseBytes"], `Expected a whole number ≥ 1, got ${maxResponseBytes}`)
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
    const authorization = `Basic ${Encoding.encodeBase64(`${options.clientId}:${Redacted.value(options.clientSecret)}`)}`
    const userAgent = `effect-xtopay/${VERSION}`
    const headers = { authorization, accept: "application/json", "user-agent": userAgent }
    // For users' own requests over `httpClient`; the request path builds its requests whole.
    const decorate = HttpClient.mapRequest((request) =>
      request.pipe(HttpClientRequest.prependUrl(baseUrl), HttpClientRequest.setHeaders(headers))
    )
    const base = yield* HttpClient.HttpClient
    const rateGate = yield* Effect.serviceOption(XtopayRateGate)
    const attemptSpans = options.attemptSpans === true
    const tracePropagation = options.tracePropagation === true
    // Without attempt spans the platform traces nothing; the call's span is the client span, and
    // the request path sends its trace headers when asked to.
    const platformSpans = (client: HttpClient.HttpClient) =>
      !attemptSpans
        ? HttpClient.withTracerDisabledWhen(client, () => true)
        : redactingAuthorization(tracePropagation ? client : HttpClient.withTracerPropagation(client, false))
    const transform = options.transformClient ?? ((client) => client)

    return XtopayClient.of({
      httpClient: platformSpans(transform(decorate(base))),
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      baseUrl,
      execute: makeExecute({
        // The same client whoever made it: ours, the user's, under the user's middleware or not.
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
 * The client against the real Xtopay (or any `XTOPAY_BASE_URL`), configured from the
 * environment, over `fetch`. Its only error is a `ConfigError`.
 *
 * @example
 * Effect.runPromise(Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(XtopayLive)))
 *
 * @since 0.1.0
 */
export const XtopayLive: Layer.Layer<XtopayClient, ConfigError.ConfigError> = XtopayClient.layerConfig().pipe(
  Layer.provide(FetchTransport)
)
