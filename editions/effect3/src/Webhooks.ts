/**
 * Webhooks: verify a delivery's signature on its raw body, decode its event, answer it from an
 * `@effect/platform` router, and sign bodies as Xtopay does for your own tests. HMAC-SHA256 with
 * Web Crypto (`globalThis.crypto.subtle`) and "now" from Effect's `Clock`, so it runs on every
 * fetch runtime and on the `TestClock`.
 *
 * @since 0.1.0
 */
import type * as PlatformHeaders from "@effect/platform/Headers"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { quote, truncate } from "#core/text.js"
import { jsonTextNestsDeeperThan, MAX_JSON_DEPTH as CORE_MAX_JSON_DEPTH } from "#core/json.js"
import * as Core from "#core/webhooks.js"
import { Cause, Clock, Duration, Effect, Either, ParseResult, Redacted, Schema, Stream } from "effect"
import {
  type KnownEventType,
  CustomerCreatedEvent,
  CustomerDeletedEvent,
  CustomerUpdatedEvent,
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
 * @since 0.1.0
 */
export const TIMESTAMP_HEADER = Core.TIMESTAMP_HEADER

/**
 * The header that carries a delivery's signatures (`X-Xtopay-Signature: sha256=<hex>`).
 *
 * @since 0.1.0
 */
export const SIGNATURE_HEADER = Core.SIGNATURE_HEADER

/**
 * How far a delivery's timestamp may be from now, in either direction, by default: 300 seconds.
 *
 * @since 0.1.0
 */
export const DEFAULT_TOLERANCE: Duration.Duration = Duration.seconds(Core.DEFAULT_TOLERANCE_SECONDS)

/**
 * The largest body `handler` reads: 1 MiB. A larger one is answered 413.
 *
 * @since 0.1.0
 */
export const MAX_BODY_BYTES = Core.MAX_BODY_BYTES

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
 * @since 0.1.0
 */
export class WebhookVerificationError extends Schema.TaggedError<WebhookVerificationError>(
  "effect-xtopay/WebhookVerificationError"
)("WebhookVerificationError", {
  reason: Schema.Literal(...Core.WEBHOOK_REFUSAL_REASONS),
  message: Schema.String,
  /** The header at fault, for `MissingHeader` and `MalformedHeader`. */
  header: Schema.optional(Schema.String),
  /** Now minus the delivery's timestamp, in seconds (negative: ahead of this clock). */
  skewSeconds: Schema.optional(Schema.Number)
}) {}

/**
 * The headers of a delivery: `@effect/platform` `Headers`, web `Headers`, or a plain record
 * (Node's `IncomingHttpHeaders`, Express's `req.headers`). Names are matched case-insensitively.
 *
 * @since 0.1.0
 */
export type WebhookHeaders =
  | PlatformHeaders.Headers
  | globalThis.Headers
  | Readonly<Record<string, string | ReadonlyArray<string> | undefined>>

/**
 * What `constructEventWith` takes besides the body and headers.
 *
 * @since 0.1.0
 */
export interface VerifyOptions {
  /**
   * The secrets a signature may be made with: during a rotation, the old and the new client
   * secret. A delivery passes when any signature entry matches any secret.
   */
  readonly secrets: ReadonlyArray<Redacted.Redacted<string>>
  /**
   * How far the timestamp may be from now, in either direction, in whole seconds. Default 300
   * seconds. `0` accepts only the current second (it is not "no limit");
   * `Duration.infinity` turns the time check off, which lets a captured delivery be replayed
   * forever.
   */
  readonly tolerance?: Duration.DurationInput | undefined
}

/**
 * What `sign` takes.
 *
 * @since 0.1.0
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
 * `HttpClientRequest.setHeaders` and `constructEvent` all take (a type literal, not an interface,
 * so that it is assignable to a record of strings).
 *
 * @since 0.1.0
 */
export type SignedHeaders = Core.SignedHeaders

const refuse = (refusal: Core.WebhookRefusal) => new WebhookVerificationError(refusal)

/** Dies without Web Crypto (a runtime that cannot verify anything), before any promise is made. */
const needWebCrypto: Effect.Effect<void> = Effect.suspend(() =>
  Core.hasWebCrypto() ? Effect.void : Effect.dieMessage(Core.NO_WEB_CRYPTO)
)

const secretValues = (secrets: ReadonlyArray<Redacted.Redacted<string>>): ReadonlyArray<string> =>
  secrets.map((secret) => Redacted.value(secret))

// ---------------------------------------------------------------------------------------------
// Verifying and decoding
// ---------------------------------------------------------------------------------------------

const decodeEvent = Schema.decodeUnknownEither(XtopayEvent)

/** The member schema of each known type, to name the fields at fault when a known type fails. */
const memberSchemas: ReadonlyMap<string, Schema.Schema.AnyNoContext> = new Map<string, Schema.Schema.AnyNoContext>([
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
 * The field paths of a parse error's issues, walked without formatting them: Effect's formatters
 * render the value at fault, which for JSON nested thousands deep overflows the stack, and a
 * message must not hold the body anyway.
 */
const issuePaths = (root: ParseResult.ParseIssue): ReadonlyArray<string> => {
  const paths = new Set<string>()
  const pending: Array<readonly [ParseResult.ParseIssue, ReadonlyArray<PropertyKey>]> = [[root, []]]
  // Past a few more paths than are shown, the rest only adds "…".
  while (pending.length > 0 && paths.size <= MAX_FAULT_PATHS) {
    const [issue, path] = pending.pop()!
    switch (issue._tag) {
      case "Pointer":
        pending.push([issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])]])
        break
      case "Composite":
        // Reversed onto the stack, so that the issues are visited in order.
        for (const inner of (Array.isArray(issue.issues) ? [...issue.issues] : [issue.issues]).reverse()) {
          pending.push([inner as ParseResult.ParseIssue, path])
        }
        break
      case "Refinement":
      case "Transformation":
        pending.push([issue.issue, path])
        break
      default:
        paths.add(path.length === 0 ? "(the body)" : path.map(showKey).join("."))
    }
  }
  return [...paths]
}

/** Where the JSON is not an event: field paths only, never the values (nor the body). */
const faultPaths = (json: unknown, error: ParseResult.ParseError): string => {
  const type = typeof json === "object" && json !== null ? (json as { readonly type?: unknown }).type : undefined
  const member = typeof type === "string" ? memberSchemas.get(type) : undefined
  // A type this version does not know is read as an UnknownEvent: its issues, not the known members' `type`.
  const schema = member ?? (typeof type === "string" ? UnknownEvent : undefined)
  const issue = schema === undefined
    ? error.issue
    : Either.match(Schema.decodeUnknownEither(schema, { errors: "all" })(json), {
      onLeft: (memberError) => memberError.issue,
      onRight: () => error.issue
    })
  const paths = issuePaths(issue)
  return truncate(Core.notAnEvent(member === undefined ? undefined : String(type), paths, MAX_FAULT_PATHS))
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/**
 * How deep a delivery's JSON may nest, arrays and objects counted alike. Xtopay's events nest fewer
 * than 10 levels; past this, Effect's decoder (a union's discriminant is read with `String()`) and
 * a handler's own code may overflow the stack, which would answer 500 and be retried for days.
 *
 * @since 0.1.0
 */
export const MAX_JSON_DEPTH = CORE_MAX_JSON_DEPTH

const parseEvent = (body: Uint8Array): Either.Either<XtopayEvent, WebhookVerificationError> => {
  if (body.length === 0) return Either.left(refuse(Core.EMPTY_BODY))
  if (jsonTextNestsDeeperThan(body, MAX_JSON_DEPTH)) return Either.left(refuse(Core.TOO_DEEP))
  let json: unknown
  try {
    json = JSON.parse(utf8.decode(body))
  } catch {
    // The engine's parse message quotes the body, so it is not passed on.
    return Either.left(refuse(Core.notJson(body.length)))
  }
  return Either.mapLeft(decodeEvent(json), (error) => refuse({ reason: "InvalidPayload", message: faultPaths(json, error) }))
}

/** The tolerance in whole seconds; an infinite one turns the check off. */
const toleranceSeconds = (input: Duration.DurationInput | undefined): number => {
  const duration = Duration.decode(input ?? DEFAULT_TOLERANCE)
  return Duration.isFinite(duration) ? Core.toleranceSecondsOf(Duration.toMillis(duration)) : Number.POSITIVE_INFINITY
}

const verify = Effect.fnUntraced(function*(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyOptions
) {
  const blank = Core.blankSecretProblem(secretValues(options.secrets))
  // A configuration error, not a bad delivery: a defect, so that a handler answers 500 and Xtopay retries.
  if (blank !== undefined) return yield* Effect.dieMessage(`Webhooks: ${blank}`)
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
  return yield* parseEvent(raw)
})

/**
 * Verifies a delivery with the client secret of the `XtopayClient` in context, and decodes its
 * event. `body` is the raw body exactly as received (a string or its bytes), before any JSON
 * parsing. The timestamp may be 300 seconds from now in either direction. Dies when the client
 * secret is empty or only whitespace (a key anyone can sign with).
 *
 * @since 0.1.0
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
 * @since 0.1.0
 */
export const constructEventWith: (
  body: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyOptions
) => Effect.Effect<XtopayEvent, WebhookVerificationError> = Effect.fn("Xtopay.webhooks.constructEvent")(verify)

/**
 * The headers Xtopay would send with `payload`: its timestamp (default now, from the `Clock`)
 * and `sha256=` signature made with `secret`. For your own tests of a receiver.
 *
 * @since 0.1.0
 */
export const sign: (options: SignOptions) => Effect.Effect<SignedHeaders> = Effect.fn("Xtopay.webhooks.sign")(
  function*(options: SignOptions) {
    const timestamp = options.timestamp ?? Math.floor((yield* Clock.currentTimeMillis) / 1000)
    const problem = Core.signTimestampProblem(timestamp)
    if (problem !== undefined) return yield* Effect.dieMessage(problem)
    yield* needWebCrypto
    return yield* Effect.promise(() => Core.signedHeaders(options.payload, Redacted.value(options.secret), timestamp))
  }
)

// ---------------------------------------------------------------------------------------------
// The router handler
// ---------------------------------------------------------------------------------------------

const DRAIN_LIMIT_BYTES = Core.DRAIN_LIMIT_BYTES

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

// The platform's web request fails its stream when there is no body at all.
const isWebRequestWithoutBody = (request: HttpServerRequest.HttpServerRequest): boolean =>
  typeof Request !== "undefined" && request.source instanceof Request && request.source.body === null

/**
 * The raw body, read once from the stream and bounded. An oversized body is drained (up to 16 MiB)
 * rather than cut, so that the 413 reaches a client still sending.
 */
const readRawBody = (request: HttpServerRequest.HttpServerRequest): Effect.Effect<RawBody> => {
  const declared = Number(request.headers["content-length"] ?? 0)
  if (declared > DRAIN_LIMIT_BYTES) return Effect.succeed({ _tag: "TooLarge", drained: false })
  if (isWebRequestWithoutBody(request)) return Effect.succeed({ _tag: "Read", bytes: new Uint8Array(0) })
  return Effect.suspend(() => {
    const chunks: Array<Uint8Array> = []
    let size = 0
    return request.stream.pipe(
      Stream.runForEachWhile((chunk) =>
        Effect.sync(() => {
          size += chunk.length
          if (size <= MAX_BODY_BYTES) chunks.push(chunk)
          return size <= DRAIN_LIMIT_BYTES
        })
      ),
      Effect.map((): RawBody =>
        size > MAX_BODY_BYTES
          ? { _tag: "TooLarge", drained: size <= DRAIN_LIMIT_BYTES }
          : { _tag: "Read", bytes: concatChunks(chunks, size) }
      ),
      Effect.catchAll(() => Effect.succeed<RawBody>({ _tag: "Unreadable" }))
    )
  })
}

const answer = (reply: { readonly status: number; readonly body: unknown }, headers?: Record<string, string>) =>
  HttpServerResponse.unsafeJson(reply.body, { status: reply.status, ...(headers === undefined ? {} : { headers }) })

const tooLarge = (drained: boolean) => answer(Core.answers.tooLarge, drained ? {} : { connection: "close" })

const refused = (error: WebhookVerificationError) =>
  HttpServerResponse.unsafeJson(Core.refusedBody(error), { status: 400 })

/**
 * What `handler` and `router` take besides the code that handles an event.
 *
 * @since 0.1.0
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
  readonly tolerance?: Duration.DurationInput | undefined
}

/**
 * `XtopayClient` when the options take the secret from it (no `secrets` given), nothing otherwise.
 *
 * @since 0.1.0
 */
export type SecretSource<O> = O extends { readonly secrets: ReadonlyArray<Redacted.Redacted<string>> } ? never
  : XtopayClient

/** Refuses unusable secrets when a handler or router is made: a mistake in code or configuration, found before any delivery. */
const checkHandlerSecrets = (made: string, options: HandlerOptions | undefined): void => {
  const secrets = options?.secrets
  if (secrets === undefined) return
  if (secrets.length === 0) throw new Cause.IllegalArgumentException(Core.emptySecretsProblem(made))
  const blank = Core.blankSecretProblem(secretValues(secrets))
  if (blank !== undefined) throw new Cause.IllegalArgumentException(`${made}: ${blank}`)
}

/** The secrets to verify with: the options', or the client's (checked here, since its layer took it as given). */
const secretsFor = (
  options: HandlerOptions | undefined
): Effect.Effect<Either.Either<ReadonlyArray<Redacted.Redacted<string>>, string>, never, XtopayClient> => {
  const given = options?.secrets
  if (given !== undefined) return Effect.succeed(Either.right(given))
  return Effect.map(XtopayClient, (client) => {
    const blank = Core.blankSecretProblem([Redacted.value(client.clientSecret)])
    return blank === undefined ? Either.right([client.clientSecret]) : Either.left(`${blank} (the XtopayClient's clientSecret)`)
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
    if (Either.isLeft(secrets)) {
      yield* Effect.logError(Core.secretUnusableLog(made, secrets.left))
      return answer(Core.answers.secretUnusable(secrets.left))
    }
    const body = yield* readRawBody(request)
    if (body._tag === "TooLarge") return tooLarge(body.drained)
    if (body._tag === "Unreadable") return answer(Core.answers.unreadable)
    const verified = yield* Effect.either(
      constructEventWith(body.bytes, request.headers, { secrets: secrets.right, tolerance: options?.tolerance })
    )
    if (Either.isLeft(verified)) return refused(verified.left)
    const event = verified.right
    return yield* run(event).pipe(
      Effect.as(HttpServerResponse.empty({ status: 200 })),
      Effect.catchAllCause((cause) =>
        Cause.isInterruptedOnly(cause)
          ? Effect.interrupt
          : Effect.logWarning(Core.handlerFailedLog(made), cause).pipe(
            Effect.annotateLogs({ "xtopay.event_id": event.id, "xtopay.event_type": String(event.type) }),
            Effect.as(answer(Core.answers.handlerFailed))
          )
      )
    )
  })

/**
 * An `HttpApp` for `HttpRouter.post(path, Webhooks.handler(f))`: reads the raw body once (over
 * 1 MiB: 413), verifies it with the client secret of the `XtopayClient` in context (or with
 * `options.secrets`), decodes the event and runs `f(event)`. Answers 200 when `f` succeeds; 400
 * with a JSON body (`_tag`, `reason`, `message`) when verification or decoding fails; 500 when `f`
 * fails or dies, which is logged once at Warning (with the event's id and type, never the secret or
 * the signature) and makes Xtopay deliver the event again.
 *
 * Throws `IllegalArgumentException` when `options.secrets` is empty or holds a secret that is
 * empty or only whitespace. Without `options.secrets`, such a client secret answers every delivery
 * 500 (`InvalidWebhookSecret`), logged at Error.
 *
 * @since 0.1.0
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
 * @since 0.1.0
 */
export type EventOf<T extends KnownEventType> = Extract<XtopayEvent, { readonly type: T }>

/**
 * What `router` takes: at most one handler per known event type, each given its typed event.
 *
 * @since 0.1.0
 */
export type EventHandlers = {
  readonly [T in KnownEventType]?: (event: EventOf<T>) => Effect.Effect<unknown, any, any>
}

/**
 * The events no handler of `H` takes: known types without a handler, and every type this version
 * does not know (`UnknownEvent`).
 *
 * @since 0.1.0
 */
export type Unhandled<H> = Exclude<XtopayEvent, { readonly type: keyof H }>

/**
 * What `router` takes besides its handlers.
 *
 * @since 0.1.0
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
 * @since 0.1.0
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
 * An `HttpApp` that routes each event to the handler of its type, with the verification and the
 * answers of `handler` (400 bad signature or payload, 413 too large, 200 success, 500 failure):
 *
 * ```ts
 * HttpRouter.post("/webhooks/xtopay", Webhooks.router({
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
 * `IllegalArgumentException` as `handler` does for unusable `secrets`.
 *
 * @since 0.1.0
 */
export function router<H extends EventHandlers>(
  handlers: H & NoOtherKeys<H>
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, RouterContext<H, {}>>
/**
 * `router` with `before`, `orElse`, `after`, `secrets` or `tolerance`. (A second signature rather
 * than a default for `O`: a default would stop the hooks' parameters from being typed.)
 *
 * @since 0.1.0
 */
export function router<H extends EventHandlers, O extends RouterOptions<H>>(
  handlers: H & NoOtherKeys<H>,
  options: O
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, RouterContext<H, O>>
/**
 * The implementation of both signatures.
 *
 * @since 0.1.0
 */
export function router<H extends EventHandlers, O extends RouterOptions<H>>(
  handlers: H & NoOtherKeys<H>,
  options?: O
): Effect.Effect<HttpServerResponse.HttpServerResponse, never, RouterContext<H, O>> {
  checkHandlerSecrets("Webhooks.router", options)
  // Own properties only, so that a key such as "toString" never reaches Object.prototype.
  const handlerOf = (event: XtopayEvent) =>
    isKnownType(event.type) && Object.prototype.hasOwnProperty.call(handlers, event.type)
      ? (handlers as EventHandlers)[event.type] as ((event: XtopayEvent) => Effect.Effect<unknown, unknown, unknown>) | undefined
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
        : Effect.zipRight(route(event), Effect.suspend(() => options.after!(event))))
  // The handlers' and hooks' requirements are gathered by RouterContext from their types.
  return serveDeliveries("Webhooks.router", options, run) as Effect.Effect<
    HttpServerResponse.HttpServerResponse,
    never,
    RouterContext<H, O>
  >
}
