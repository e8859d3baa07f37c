/**
 * Webhooks: verify a delivery's signature on its raw body, decode its event, answer it from an
 * `effect/http` router, and sign bodies as Xtopay does for your own tests. HMAC-SHA256 with Web
 * Crypto (`globalThis.crypto.subtle`, core's `webhooks` rules) and "now" from Effect's `Clock`, so
 * it runs on every fetch runtime and on the `TestClock`.
 *
 * @since 1.0.0
 */
import type * as HttpHeaders from "effect/http/Headers"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import { jsonTextNestsDeeperThan, MAX_JSON_DEPTH as CORE_MAX_JSON_DEPTH } from "#core/json.js"
import { quote, truncate } from "#core/text.js"
import * as Core from "#core/webhooks.js"
import {
  Cause,
  Clock,
  Duration,
  Effect,
  Redacted,
  Result,
  Schema,
  type SchemaIssue,
  Stream
} from "effect"
import {
  CustomerCreatedEvent,
  CustomerDeletedEvent,
  CustomerUpdatedEvent,
  type KnownEventType,
  PaymentMethodAddedEvent,
  PaymentMethodRemovedEvent,
  PaymentMethodUpdatedEvent,
  UnknownEvent,
  XtopayEvent
} from "./Schemas.js"
import { XtopayClient } from "./XtopayClient.js"

// ---------------------------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------------------------

/**
 * The header that carries a delivery's unix timestamp in seconds (`X-Xtopay-Timestamp`).
 *
 * @since 1.0.0
 */
export const TIMESTAMP_HEADER = Core.TIMESTAMP_HEADER

/**
 * The header that carries a delivery's signatures (`X-Xtopay-Signature: sha256=<hex>`).
 *
 * @since 1.0.0
 */
export const SIGNATURE_HEADER = Core.SIGNATURE_HEADER

/**
 * How far a delivery's timestamp may be from now, in either direction, by default: 300 seconds.
 *
 * @since 1.0.0
 */
export const DEFAULT_TOLERANCE: Duration.Duration = Duration.seconds(Core.DEFAULT_TOLERANCE_SECONDS)

/**
 * The largest body `handler` reads: 1 MiB. A larger one is answered 413.
 *
 * @since 1.0.0
 */
export const MAX_BODY_BYTES = Core.MAX_BODY_BYTES

/**
 * How deep a delivery's JSON may nest, arrays and objects counted alike. Xtopay's events nest fewer
 * than 10 levels; past this, a decoder or a handler's own code may overflow the stack, which would
 * answer 500 and be retried for days.
 *
 * @since 1.0.0
 */
export const MAX_JSON_DEPTH = CORE_MAX_JSON_DEPTH

/**
 * A delivery was refused. `reason` says why:
 * - `MissingHeader`: `X-Xtopay-Timestamp` or `X-Xtopay-Signature` is absent (`header` names it);
 * - `MalformedHeader`: a header is not digits only / holds no `sha256=<hex>` entry, or came as a
 *   list (`header` names it);
 * - `NoMatchingSignature`: no signature matches the raw body with any of the secrets;
 * - `TimestampOutsideTolerance`: the signature matches but the timestamp is too old or too far
 *   ahead (`skewSeconds`: now − timestamp);
 * - `InvalidPayload`: the signed body is not JSON, or not an event (a known type whose `data`
 *   does not decode).
 *
 * It never holds a secret, a signature or the body.
 *
 * @since 1.0.0
 */
export class WebhookVerificationError extends Schema.TaggedError<WebhookVerificationError>(
  "effect-xtopay/WebhookVerificationError"
)("WebhookVerificationError", {
  reason: Schema.Literals(Core.WEBHOOK_REFUSAL_REASONS),
  message: Schema.String,
  /** The header at fault, for `MissingHeader` and `MalformedHeader`. */
  header: Schema.optional(Schema.String),
  /** Now minus the delivery's timestamp, in seconds (negative: ahead of this clock). */
  skewSeconds: Schema.optional(Schema.Number)
}) {
  // Named after its tag in `String(error)`, logs and `Cause.pretty`, as in the Effect 3 edition.
  static {
    Object.defineProperty(this.prototype, "name", {
      value: "WebhookVerificationError",
      writable: true,
      configurable: true
    })
  }
}

/**
 * The headers of a delivery: `effect/http` `Headers`, web `Headers`, or a plain record (Node's
 * `IncomingHttpHeaders`, Express's `req.headers`). Names are matched case-insensitively.
 *
 * @since 1.0.0
 */
export type WebhookHeaders =
  | HttpHeaders.Headers
  | globalThis.Headers
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * What `constructEventWith` takes besides the body and headers.
 *
 * @since 1.0.0
 */
export interface VerifyOptions {
  /**
   * The secrets a signature may be made with: during a rotation, the old and the new client
   * secret. A delivery passes when any signature entry matches any secret.
   */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /**
   * How far the timestamp may be from now, in either direction, in whole seconds. Default 300
   * seconds. `0` accepts only the current second (it is not "no limit"); `Duration.infinity`
   * turns the time check off, which lets a captured delivery be replayed forever.
   */
  readonly tolerance?: Duration.Input | undefined
}

/**
 * What `sign` takes.
 *
 * @since 1.0.0
 */
export interface SignOptions {
  /** The body exactly as it will be sent. */
  readonly payload: string | Uint8Array
  /** The client secret to sign with. */
  readonly secret: Redacted.Redacted<string>
  /** Unix seconds, a non-negative integer. Default: now, from the `Clock`. */
  readonly timestamp?: number | undefined
}

/**
 * The headers Xtopay sends with a delivery, as `sign` makes them: a plain record that `fetch`,
 * `HttpClientRequest.setHeaders` and `constructEvent` all take.
 *
 * @since 1.0.0
 */
export type SignedHeaders = Core.SignedHeaders

// ---------------------------------------------------------------------------------------------
// Signing and verifying
// ---------------------------------------------------------------------------------------------

const refuse = (refusal: Core.WebhookRefusal) => new WebhookVerificationError(refusal)

/** Dies without Web Crypto (a runtime that cannot verify anything), before any promise is made. */
const needWebCrypto: Effect.Effect<void> = Effect.suspend(() =>
  Core.hasWebCrypto() ? Effect.void : Effect.die(new Error(Core.NO_WEB_CRYPTO))
)

/**
 * The headers Xtopay would send with `payload`: its timestamp (default now, from the `Clock`)
 * and `sha256=` signature made with `secret`. For your own tests of a receiver. Dies when
 * `timestamp` is not unix seconds (a non-negative integer).
 *
 * @since 1.0.0
 */
export const sign: (options: SignOptions) => Effect.Effect<SignedHeaders> = Effect.fn("Xtopay.webhooks.sign")(
  function*(options: SignOptions) {
    const timestamp = options.timestamp ?? Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const problem = Core.signTimestampProblem(timestamp)
    if (problem !== undefined) return yield* Effect.die(new Cause.IllegalArgumentError(problem))
    yield* needWebCrypto
    return yield* Effect.promise(() => Core.signedHeaders(options.payload, Redacted.value(options.secret), timestamp))
  }
)

/** The member schema of each known type, to name the fields at fault when a known type fails. */
const memberSchemas: ReadonlyMap<string, Schema.Top> = new Map<string, Schema.Top>([
  ["customer.created", CustomerCreatedEvent],
  ["customer.updated", CustomerUpdatedEvent],
  ["customer.deleted", CustomerDeletedEvent],
  ["customer.payment_method_added", PaymentMethodAddedEvent],
  ["customer.payment_method_updated", PaymentMethodUpdatedEvent],
  ["customer.payment_method_removed", PaymentMethodRemovedEvent]
])

/** The most fields a message names; beyond them, "…". */
const MAX_FAULT_PATHS = 5

/** One path segment as a message shows it: a plain key as is, any other quoted and bounded. */
const showKey = (key: PropertyKey): string =>
  typeof key === "number" || (typeof key === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key))
    ? String(key)
    : quote(typeof key === "symbol" ? String(key) : key, 40)

/**
 * The field paths of a schema issue, walked without formatting it: a formatter renders the value
 * at fault, which a message must not hold (it is the body).
 */
const issuePaths = (root: SchemaIssue.Issue): ReadonlyArray<string> => {
  const paths = new Set<string>()
  const pending: Array<readonly [SchemaIssue.Issue, ReadonlyArray<PropertyKey>]> = [[root, []]]
  // Past a few more paths than are shown, the rest only adds "…".
  while (pending.length > 0 && paths.size <= MAX_FAULT_PATHS) {
    const [issue, path] = pending.pop()!
    switch (issue._tag) {
      case "Pointer":
        pending.push([issue.issue, [...path, ...issue.path]])
        break
      case "Composite":
      case "AnyOf":
        // Reversed onto the stack, so that the issues are visited in order.
        for (const inner of [...issue.issues].reverse()) pending.push([inner, path])
        break
      case "Filter":
      case "Encoding":
        pending.push([issue.issue, path])
        break
      default:
        paths.add(path.length === 0 ? "(the body)" : path.map(showKey).join("."))
    }
  }
  return [...paths]
}

const decodeEvent = Schema.decodeUnknownResult(XtopayEvent)

/** Where the JSON is not an event: field paths only, never the values (nor the body). */
const faultPaths = (json: unknown, error: Schema.SchemaError): string => {
  const type = typeof json === "object" && json !== null ? (json as { readonly type?: unknown }).type : undefined
  const member = typeof type === "string" ? memberSchemas.get(type) : undefined
  // A type this version does not know is read as an UnknownEvent: its issues, not the known members' `type`.
  const schema = member ?? (typeof type === "string" ? UnknownEvent : undefined)
  let issue = error.issue
  if (schema !== undefined) {
    const decoded = Schema.decodeUnknownResult(schema as Schema.Codec<unknown, unknown>)(json, { errors: "all" })
    if (Result.isFailure(decoded)) issue = decoded.failure.issue
  }
  return truncate(Core.notAnEvent(member === undefined ? undefined : String(type), issuePaths(issue), MAX_FAULT_PATHS))
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** The body as an event: not empty, not nested past the limit, UTF-8 JSON, and an event. */
const parseEvent = (body: Uint8Array): Result.Result<XtopayEvent, WebhookVerificationError> => {
  if (body.length === 0) return Result.fail(refuse(Core.EMPTY_BODY))
  if (jsonTextNestsDeeperThan(body, MAX_JSON_DEPTH)) return Result.fail(refuse(Core.TOO_DEEP))
  let json: unknown
  try {
    json = JSON.parse(utf8.decode(body))
  } catch {
    return Result.fail(refuse(Core.notJson(body.length)))
  }
  const decoded = decodeEvent(json)
  return Result.isSuccess(decoded)
    ? Result.succeed(decoded.success)
    : Result.fail(refuse({ reason: "InvalidPayload", message: faultPaths(json, decoded.failure) }))
}

const secretValues = (secrets: ReadonlyArray<Redacted.Redacted<string>>): ReadonlyArray<string> =>
  secrets.map((secret) => Redacted.value(secret))

/** The tolerance in whole seconds; an infinite one turns the check off. */
const toleranceSeconds = (input: Duration.Input | undefined): number => {
  const duration = Duration.fromInputUnsafe(input ?? DEFAULT_TOLERANCE)
  return Duration.isFinite(duration) ? Core.toleranceSecondsOf(Duration.toMillis(duration)) : Number.POSITIVE_INFINITY
}

const verify = Effect.fnUntraced(function*(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyOptions
) {
  const blank = Core.blankSecretProblem(secretValues(options.secrets))
  // A configuration error, not a bad delivery: a defect, so that a handler answers 500 and Xtopay retries.
  if (blank !== undefined) return yield* Effect.die(new Error(`Webhooks: ${blank}`))
  const source = headers as Core.HeaderSource
  const timestamp = Core.readHeader(source, TIMESTAMP_HEADER)
  if (!timestamp.ok) return yield* refuse(timestamp.refusal)
  const signature = Core.readHeader(source, SIGNATURE_HEADER)
  if (!signature.ok) return yield* refuse(signature.refusal)
  const malformed = Core.timestampProblem(timestamp.value)
  if (malformed !== undefined) return yield* refuse(malformed)
  const entries = Core.signatureEntries(signature.value)
  if (entries.length === 0) return yield* refuse(Core.NO_SIGNATURE_ENTRY)
  const raw = Core.bytesOf(body)
  const message = Core.signedMessage(timestamp.value, raw)
  yield* needWebCrypto
  const secrets = secretValues(options.secrets)
  const matched = yield* Effect.promise(() => Core.anySignatureMatches(entries, secrets, message))
  if (!matched) return yield* refuse(Core.noMatchingSignature(secrets.length))
  const now = yield* Clock.currentTimeMillis
  const late = Core.toleranceProblem(timestamp.value, now, toleranceSeconds(options.tolerance))
  if (late !== undefined) return yield* refuse(late)
  const event = parseEvent(raw)
  return Result.isSuccess(event) ? event.success : yield* event.failure
})

/**
 * Verifies a delivery with the client secret of the `XtopayClient` in context, and decodes its
 * event. `body` is the raw body exactly as received (a string or its bytes), before any JSON
 * parsing. The timestamp may be 300 seconds from now in either direction. Dies when the client
 * secret is empty or only whitespace (a key anyone can sign with).
 *
 * @since 1.0.0
 */
export const constructEvent: (
  body: string | Uint8Array,
  headers: WebhookHeaders
) => Effect.Effect<XtopayEvent, WebhookVerificationError, XtopayClient> = Effect.fn("Xtopay.webhooks.constructEvent")(
  function*(body: string | Uint8Array, headers: WebhookHeaders) {
    const client = yield* XtopayClient
    return yield* verify(body, headers, { secrets: [client.clientSecret] })
  }
)

/**
 * Verifies a delivery with the secrets given (old and new during a rotation) and the tolerance
 * given, and decodes its event. Needs nothing in context. Dies when a secret is empty or only
 * whitespace (a key anyone can sign with).
 *
 * @since 1.0.0
 */
export const constructEventWith: (
  body: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyOptions
) => Effect.Effect<XtopayEvent, WebhookVerificationError> = Effect.fn("Xtopay.webhooks.constructEvent")(verify)

// ---------------------------------------------------------------------------------------------
// The router handler
// ---------------------------------------------------------------------------------------------

type RawBody =
  | { readonly _tag: "Read"; readonly bytes: Uint8Array }
  | { readonly _tag: "TooLarge"; readonly drained: boolean }
  | { readonly _tag: "Unreadable" }

const concatChunks = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  const out = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    out.set(chunk, offset)
    offset += chunk.length
  }
  return out
}

// A web request with no body at all has no stream to read.
const isWebRequestWithoutBody = (request: HttpServerRequest.HttpServerRequest): boolean =>
  typeof Request !== "undefined" && request.source instanceof Request && request.source.body === null

/**
 * The raw body, read once from the stream and bounded. An oversized body is drained (up to 16 MiB)
 * rather than cut, so that the 413 reaches a client still sending.
 */
const readRawBody = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<RawBody> => {
  const declared = Number(request.headers["content-length"] ?? 0)
  if (declared > Core.DRAIN_LIMIT_BYTES) return Effect.succeed({ _tag: "TooLarge", drained: false })
  if (isWebRequestWithoutBody(request)) return Effect.succeed({ _tag: "Read", bytes: new Uint8Array(0) })
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return request.stream.pipe(
      Stream.runForEachWhile((chunk) =>
        Effect.sync(() => {
          size += chunk.length
          if (size <= MAX_BODY_BYTES) chunks.push(chunk)
          return size <= Core.DRAIN_LIMIT_BYTES
        })
      ),
      Effect.map((): RawBody =>
        size > MAX_BODY_BYTES
          ? { _tag: "TooLarge", drained: size <= Core.DRAIN_LIMIT_BYTES }
          : { _tag: "Read", bytes: concatChunks(chunks, size) }
      ),
      Effect.catchCause(() => Effect.succeed<RawBody>({ _tag: "Unreadable" }))
    )
  })
}

const answer = (reply: { readonly status: number; readonly body: unknown }, headers?: Record<string, string>) =>
  HttpServerResponse.jsonUnsafe(reply.body, { status: reply.status, ...(headers === undefined ? {} : { headers }) })

const tooLarge = (drained: boolean) => answer(Core.answers.tooLarge, drained ? {} : { connection: "close" })

const refused = (error: WebhookVerificationError) =>
  HttpServerResponse.jsonUnsafe(Core.refusedBody(error), { status: 400 })

/**
 * What `handler` and `router` take besides the code that handles an event.
 *
 * @since 1.0.0
 */
export interface HandlerOptions {
  /**
   * The secrets a delivery may be signed with (during a rotation, the old and the new client
   * secret). Default: the client secret of the `XtopayClient` in context, which is then required.
   * An empty list, or a secret that is empty or only whitespace, is refused when the handler is
   * made.
   */
  readonly secrets?: ReadonlyArray<Redacted.Redacted<string>> | undefined
  /** As in `VerifyOptions`: default 300 seconds. */
  readonly tolerance?: Duration.Input | undefined
}

/**
 * `XtopayClient` when the options take the secret from it (no `secrets` given), nothing otherwise.
 *
 * @since 1.0.0
 */
export type SecretSource<O> = O extends { readonly secrets: ReadonlyArray<Redacted.Redacted<string>> } ? never
  : XtopayClient

/** Refuses unusable secrets when a handler or router is made: a mistake in code or configuration, found before any delivery. */
const checkHandlerSecrets = (made: string, options: HandlerOptions | undefined): void => {
  const secrets = options?.secrets
  if (secrets === undefined) return
  if (secrets.length === 0) throw new Cause.IllegalArgumentError(Core.emptySecretsProblem(made))
  const blank = Core.blankSecretProblem(secretValues(secrets))
  if (blank !== undefined) throw new Cause.IllegalArgumentError(`${made}: ${blank}`)
}

/** The secrets to verify with: the options', or the client's (checked here, since its layer took it as given). */
const secretsFor = (
  options: HandlerOptions | undefined
): Effect.Effect<Result.Result<ReadonlyArray<Redacted.Redacted<string>>, string>, never, XtopayClient> => {
  const given = options?.secrets
  if (given !== undefined) return Effect.succeed(Result.succeed(given))
  return Effect.gen(function*() {
    const client = yield* XtopayClient
    const blank = Core.blankSecretProblem([Redacted.value(client.clientSecret)])
    return blank === undefined
      ? Result.succeed<ReadonlyArray<Redacted.Redacted<string>>>([client.clientSecret])
      : Result.fail(`${blank} (the XtopayClient's clientSecret)`)
  })
}

/**
 * The shared delivery path of `handler` and `router`: read the raw body, verify and decode, run
 * `run`, answer. `made` names the function in logs.
 */
const serveDeliveries = <E, R>(
  made: string,
  options: HandlerOptions | undefined,
  run: (event: XtopayEvent) => Effect.Effect<unknown, E, R>
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  never,
  HttpServerRequest.HttpServerRequest | XtopayClient | R
> =>
  Effect.gen(function*() {
    const request = yield* HttpServerRequest.HttpServerRequest
    const secrets = yield* secretsFor(options)
    if (Result.isFailure(secrets)) {
      yield* Effect.logError(Core.secretUnusableLog(made, secrets.failure))
      return answer(Core.answers.secretUnusable(secrets.failure))
    }
    const body = yield* readRawBody(request)
    if (body._tag === "TooLarge") return tooLarge(body.drained)
    if (body._tag === "Unreadable") return answer(Core.answers.unreadable)
    const verified = yield* Effect.result(
      constructEventWith(body.bytes, request.headers, { secrets: secrets.success, tolerance: options?.tolerance })
    )
    if (Result.isFailure(verified)) return refused(verified.failure)
    const event = verified.success
    return yield* run(event).pipe(
      Effect.as(HttpServerResponse.empty({ status: 200 })),
      Effect.catchCause((cause) =>
        Cause.hasInterruptsOnly(cause)
          ? Effect.interrupt
          : Effect.logWarning(Core.handlerFailedLog(made), cause).pipe(
            Effect.annotateLogs({ "xtopay.event_id": event.id, "xtopay.event_type": String(event.type) }),
            Effect.as(answer(Core.answers.handlerFailed))
          )
      )
    )
  })

/**
 * A handler for `HttpRouter.add("POST", path, Webhooks.handler(f))`: reads the raw body once (over
 * 1 MiB: 413), verifies it with the client secret of the `XtopayClient` in context (or with
 * `options.secrets`), decodes the event and runs `f(event)`. Answers 200 when `f` succeeds; 400
 * with a JSON body (`_tag`, `reason`, `message`) when verification or decoding fails; 500 when `f`
 * fails or dies, which is logged once at Warning (with the event's id and type, never the secret or
 * the signature) and makes Xtopay deliver the event again.
 *
 * Throws `IllegalArgumentError` when `options.secrets` is empty or holds a secret that is empty
 * or only whitespace. Without `options.secrets`, such a client secret answers every delivery 500
 * (`InvalidWebhookSecret`), logged at Error.
 *
 * @since 1.0.0
 */
export const handler = <E, R, O extends HandlerOptions = {}>(
  f: (event: XtopayEvent) => Effect.Effect<unknown, E, R>,
  options?: O
): Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  never,
  HttpServerRequest.HttpServerRequest | SecretSource<O> | R
> => {
  checkHandlerSecrets("Webhooks.handler", options)
  // XtopayClient is only read when no secrets are given (secretsFor), which SecretSource says.
  return serveDeliveries("Webhooks.handler", options, f) as Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    never,
    HttpServerRequest.HttpServerRequest | SecretSource<O> | R
  >
}

// ---------------------------------------------------------------------------------------------
// The event router
// ---------------------------------------------------------------------------------------------

/**
 * The event of a known type, with its typed `data`: `EventOf<"customer.created">` is a
 * `CustomerCreatedEvent`.
 *
 * @since 1.0.0
 */
export type EventOf<T extends KnownEventType> = Extract<XtopayEvent, { readonly type: T }>

/**
 * What `router` takes: at most one handler per known event type, each given its typed event.
 *
 * @since 1.0.0
 */
export type EventHandlers = {
  readonly [T in KnownEventType]?: (event: EventOf<T>) => Effect.Effect<unknown, any, any>
}

/**
 * The events no handler of `H` takes: known types without a handler, and every type this version
 * does not know (`UnknownEvent`).
 *
 * @since 1.0.0
 */
export type Unhandled<H> = Exclude<XtopayEvent, { readonly type: keyof H }>

/**
 * What `router` takes besides its handlers.
 *
 * @since 1.0.0
 */
export interface RouterOptions<H> extends HandlerOptions {
  /**
   * Runs first, on every verified event: `true` handles it, `false` acknowledges it (200) without
   * handling it, e.g. an event id already handled (deliveries come at least once). A failure answers
   * 500, so Xtopay delivers the event again.
   */
  readonly before?: ((event: XtopayEvent) => Effect.Effect<boolean, any, any>) | undefined
  /**
   * Handles the events no handler takes; `known` says whether this version knows the type (a
   * known type you gave no handler for) or not (`subscription.*`, `payment.*`, …: `data` is
   * unknown JSON). Default: acknowledge them (200) and do nothing.
   */
  readonly orElse?:
    | ((event: Unhandled<H>, info: { readonly known: boolean }) => Effect.Effect<unknown, any, any>)
    | undefined
  /**
   * Runs after the handler (or `orElse`) succeeded and before the 200: where to record the event
   * id as handled. A failure answers 500, so Xtopay delivers the event again.
   */
  readonly after?: ((event: XtopayEvent) => Effect.Effect<unknown, any, any>) | undefined
}

/** Keys of `H` that are not known event types, each typed `never`: a typo is a type error. */
type NoOtherKeys<H> = { readonly [K in Exclude<keyof H, KnownEventType>]: never }

type ContextOf<F> = F extends (...args: ReadonlyArray<any>) => Effect.Effect<any, any, infer R> ? R : never
type Field<O, K extends PropertyKey> = K extends keyof O ? O[K] : never

/**
 * What a router needs in context: the request, its handlers' and hooks' requirements, and the
 * `XtopayClient` unless `secrets` is given.
 *
 * @since 1.0.0
 */
export type RouterContext<H, O> =
  | HttpServerRequest.HttpServerRequest
  | ContextOf<H[keyof H]>
  | ContextOf<Field<O, "before">>
  | ContextOf<Field<O, "orElse">>
  | ContextOf<Field<O, "after">>
  | SecretSource<O>

const isKnownType = (type: unknown): type is KnownEventType => typeof type === "string" && memberSchemas.has(type)

/**
 * A handler that routes each event to the handler of its type, with the verification and the
 * answers of `handler` (400 bad signature or payload, 413 too large, 200 success, 500 failure):
 *
 * ```ts
 * HttpRouter.add("POST", "/webhooks/xtopay", Webhooks.router({
 *   "customer.created": (event) => welcome(event.data.email),        // event.data: Customer
 *   "customer.payment_method_removed": (event) => forget(event.data.id) // event.data: PaymentMethod
 * }, {
 *   before: (event) => notYetHandled(event.id),  // false: 200 without handling (a duplicate)
 *   orElse: (event, { known }) => Effect.logDebug(`ignored ${String(event.type)} (known: ${known})`),
 *   after: (event) => markHandled(event.id)
 * }))
 * ```
 *
 * A key that is not a known event type is a type error. `before`, the handler (or `orElse`) and
 * `after` run in that order; the first failure answers 500, logged once at Warning. Throws
 * `IllegalArgumentError` as `handler` does for unusable `secrets`.
 *
 * @since 1.0.0
 */
export function router<H extends EventHandlers>(
  handlers: H & NoOtherKeys<H>
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, RouterContext<H, {}>>
/**
 * `router` with `before`, `orElse`, `after`, `secrets` or `tolerance`. (A second signature rather
 * than a default for `O`: a default would stop the hooks' parameters from being typed.)
 *
 * @since 1.0.0
 */
export function router<H extends EventHandlers, O extends RouterOptions<H>>(
  handlers: H & NoOtherKeys<H>,
  options: O
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, RouterContext<H, O>>
/**
 * The implementation of both signatures.
 *
 * @since 1.0.0
 */
export function router<H extends EventHandlers, O extends RouterOptions<H>>(
  handlers: H & NoOtherKeys<H>,
  options?: O
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, RouterContext<H, O>> {
  checkHandlerSecrets("Webhooks.router", options)
  // Own properties only, so that a key such as "toString" never reaches Object.prototype.
  const handlerOf = (event: XtopayEvent) =>
    isKnownType(event.type) && Object.prototype.hasOwnProperty.call(handlers, event.type)
      ? (handlers as EventHandlers)[event.type] as
        | ((event: XtopayEvent) => Effect.Effect<unknown, unknown, unknown>)
        | undefined
      : undefined
  const route = (event: XtopayEvent): Effect.Effect<unknown, unknown, unknown> => {
    const handle = handlerOf(event)
    if (handle !== undefined) return handle(event)
    if (options?.orElse !== undefined) return options.orElse(event as Unhandled<H>, { known: isKnownType(event.type) })
    return Effect.void
  }
  const run = (event: XtopayEvent): Effect.Effect<unknown, unknown, unknown> =>
    Effect.flatMap(options?.before === undefined ? Effect.succeed(true) : options.before(event), (handle) =>
      !handle
        ? Effect.void
        : options?.after === undefined
        ? route(event)
        : Effect.andThen(route(event), Effect.suspend(() => options.after!(event))))
  // The handlers' and hooks' requirements are gathered by RouterContext from their types.
  return serveDeliveries("Webhooks.router", options, run) as Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    never,
    RouterContext<H, O>
  >
}
