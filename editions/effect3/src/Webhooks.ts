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
export const TIMESTAMP_HEADER = "x-xtopay-timestamp"

/**
 * The header that carries a delivery's signatures (`X-Xtopay-Signature: sha256=<hex>`).
 *
 * @since 0.1.0
 */
export const SIGNATURE_HEADER = "x-xtopay-signature"

/**
 * How far a delivery's timestamp may be from now, in either direction, by default: 300 seconds.
 *
 * @since 0.1.0
 */
export const DEFAULT_TOLERANCE: Duration.Duration = Duration.seconds(300)

/**
 * The largest body `handler` reads: 1 MiB. A larger one is answered 413.
 *
 * @since 0.1.0
 */
export const MAX_BODY_BYTES = 1024 * 1024

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
  reason: Schema.Literal(
    "MissingHeader",
    "MalformedHeader",
    "NoMatchingSignature",
    "TimestampOutsideTolerance",
    "InvalidPayload"
  ),
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
export type SignedHeaders = {
  /** `application/json`, as on every delivery. */
  readonly "content-type": string
  /** Unix seconds, digits only. */
  readonly "x-xtopay-timestamp": string
  /** `sha256=<lower-case hex>`. */
  readonly "x-xtopay-signature": string
}

// ---------------------------------------------------------------------------------------------
// HMAC-SHA256 with Web Crypto
// ---------------------------------------------------------------------------------------------

const encoder = new TextEncoder()

// RFC 2104 pads a short key with zero bytes, so an empty key and one zero byte are the same key;
// Web Crypto refuses a zero-length key.
const ZERO_BYTE_KEY = new Uint8Array(1)

const subtle = (): SubtleCrypto | undefined => globalThis.crypto?.subtle

const bytesOf = (body: string | Uint8Array): Uint8Array => typeof body === "string" ? encoder.encode(body) : body

/** The signed string `"<timestamp>.<raw body>"`, as bytes: the body's own bytes, never re-encoded. */
const signedBytes = (timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> => {
  const prefix = encoder.encode(`${timestamp}.`)
  const out = new Uint8Array(prefix.length + body.length)
  out.set(prefix, 0)
  out.set(body, prefix.length)
  return out
}

const hmacSha256 = (secret: Redacted.Redacted<string>, message: Uint8Array<ArrayBuffer>): Effect.Effect<Uint8Array> => {
  const crypto = subtle()
  if (crypto === undefined) {
    return Effect.dieMessage("effect-xtopay Webhooks needs Web Crypto (globalThis.crypto.subtle), which this runtime lacks")
  }
  return Effect.promise(async () => {
    const keyBytes = encoder.encode(Redacted.value(secret))
    const key = await crypto.importKey(
      "raw",
      keyBytes.length === 0 ? ZERO_BYTE_KEY : keyBytes,
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"]
    )
    return new Uint8Array(await crypto.sign("HMAC", key, message))
  })
}

const toHex = (bytes: Uint8Array): string => {
  let hex = ""
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0")
  return hex
}

const fromHex = (hex: string): Uint8Array => {
  const out = new Uint8Array(hex.length / 2)
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16)
  return out
}

/** Equal bytes, in time that depends on the length only (never on where the first difference is). */
const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

// ---------------------------------------------------------------------------------------------
// Reading the headers
// ---------------------------------------------------------------------------------------------

const DISPLAY_NAME: Record<string, string> = {
  [TIMESTAMP_HEADER]: "X-Xtopay-Timestamp",
  [SIGNATURE_HEADER]: "X-Xtopay-Signature"
}

const refuse = (
  reason: WebhookVerificationError["reason"],
  message: string,
  extra: { readonly header?: string; readonly skewSeconds?: number } = {}
) => new WebhookVerificationError({ reason, message, ...extra })

const isWebHeaders = (headers: WebhookHeaders): headers is globalThis.Headers =>
  typeof (headers as { readonly get?: unknown }).get === "function"

/** One header's value, looked up case-insensitively; a list, or the name given twice, is malformed. */
const readHeader = (headers: WebhookHeaders, name: string): Either.Either<string, WebhookVerificationError> => {
  const display = DISPLAY_NAME[name] ?? name
  const missing = () =>
    Either.left(
      refuse(
        "MissingHeader",
        `The ${display} header is missing: the request was not sent by Xtopay, or a proxy dropped the header`,
        { header: display }
      )
    )
  if (isWebHeaders(headers)) {
    const value = headers.get(name)
    return value === null ? missing() : Either.right(value)
  }
  const values: Array<unknown> = []
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) values.push((headers as Record<string, unknown>)[key])
  }
  const present = values.filter((value) => value !== undefined)
  if (present.length === 0) return missing()
  if (present.length > 1 || typeof present[0] !== "string") {
    return Either.left(
      refuse(
        "MalformedHeader",
        `The ${display} header came as a list (or under several spellings of its name); pass it once, as one string`,
        { header: display }
      )
    )
  }
  return Either.right(present[0])
}

const TIMESTAMP_PATTERN = /^\d+$/
const SIGNATURE_ENTRY = /^sha256=([0-9a-f]{64})$/

/** The `sha256=` entries of the signature header, as bytes; entries of other schemes are skipped. */
const signatureEntries = (header: string): ReadonlyArray<Uint8Array> =>
  header.split(/[\s,]+/).flatMap((entry) => {
    const match = SIGNATURE_ENTRY.exec(entry)
    return match === null ? [] : [fromHex(match[1]!)]
  })

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
  const shown = paths.slice(0, MAX_FAULT_PATHS).join(", ")
  const described = member === undefined ? "an Xtopay event" : `a ${String(type)} event`
  return truncate(
    `The signed body is JSON but not ${described} (fields at fault: ${shown}${paths.length > MAX_FAULT_PATHS ? ", …" : ""})`
  )
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
  if (body.length === 0) return Either.left(refuse("InvalidPayload", "The signed body is empty; expected an event as JSON"))
  if (jsonTextNestsDeeperThan(body, MAX_JSON_DEPTH)) {
    return Either.left(
      refuse(
        "InvalidPayload",
        `The signed body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; no Xtopay event does`
      )
    )
  }
  let json: unknown
  try {
    json = JSON.parse(utf8.decode(body))
  } catch {
    // The engine's parse message quotes the body, so it is not passed on.
    return Either.left(
      refuse("InvalidPayload", `The signed body (${body.length} bytes) is not UTF-8 JSON; expected an event`)
    )
  }
  return Either.mapLeft(decodeEvent(json), (error) => refuse("InvalidPayload", faultPaths(json, error)))
}

const wholeSeconds = (duration: Duration.Duration) =>
  Duration.isFinite(duration) ? Math.floor(Duration.toMillis(duration) / 1000) : Number.POSITIVE_INFINITY

/**
 * Why these secrets cannot verify anything, or `undefined`. An empty or whitespace-only secret is
 * a key anyone can sign with (an unset `XTOPAY_CLIENT_SECRET` read as `""`, say), so it is never
 * used to verify. The message never holds a secret.
 */
const blankSecretProblem = (secrets: ReadonlyArray<Redacted.Redacted<string>>): string | undefined =>
  secrets.some((secret) => Redacted.value(secret).trim() === "")
    ? "a webhook secret is empty or only whitespace (is XTOPAY_CLIENT_SECRET set?). Anyone can sign with such a " +
      "key, so it verifies nothing: give the client secret of the credential that created the webhook endpoint"
    : undefined

const verify = Effect.fnUntraced(function*(
  body: string | Uint8Array,
  headers: WebhookHeaders,
  options: VerifyOptions
) {
  const blank = blankSecretProblem(options.secrets)
  // A configuration error, not a bad delivery: a defect, so that a handler answers 500 and Xtopay retries.
  if (blank !== undefined) return yield* Effect.dieMessage(`Webhooks: ${blank}`)
  const timestamp = yield* readHeader(headers, TIMESTAMP_HEADER)
  const signatureHeader = yield* readHeader(headers, SIGNATURE_HEADER)
  if (!TIMESTAMP_PATTERN.test(timestamp)) {
    const shown = quote(timestamp, 32)
    return yield* refuse(
      "MalformedHeader",
      `The X-Xtopay-Timestamp header must be unix seconds in digits only, got ${shown}`,
      { header: "X-Xtopay-Timestamp" }
    )
  }
  const entries = signatureEntries(signatureHeader)
  if (entries.length === 0) {
    return yield* refuse(
      "MalformedHeader",
      "The X-Xtopay-Signature header holds no \"sha256=<64 lower-case hex digits>\" entry",
      { header: "X-Xtopay-Signature" }
    )
  }
  const raw = bytesOf(body)
  const message = signedBytes(timestamp, raw)
  let matched = false
  for (const secret of options.secrets) {
    const expected = yield* hmacSha256(secret, message)
    // Every entry is compared, so the time taken does not tell which one matched.
    for (const entry of entries) matched = constantTimeEqual(entry, expected) || matched
    if (matched) break
  }
  if (!matched) {
    const secrets = options.secrets.length === 0
      ? "no secret (the list of secrets is empty)"
      : options.secrets.length === 1
      ? "the secret"
      : `any of the ${options.secrets.length} secrets`
    return yield* refuse(
      "NoMatchingSignature",
      `No signature in X-Xtopay-Signature matches the body with ${secrets}. Verify the raw bytes exactly as ` +
        "received, before any JSON parsing: a body parser that parsed and re-serialized the JSON (express.json(), " +
        "a framework's request.json()) changes them. Check too that the secret is the client secret of the " +
        "credential that created the webhook endpoint."
    )
  }
  const tolerance = wholeSeconds(Duration.decode(options.tolerance ?? DEFAULT_TOLERANCE))
  const now = Math.floor((yield* Clock.currentTimeMillis) / 1000)
  const skewSeconds = now - Number(timestamp)
  if (Math.abs(skewSeconds) > tolerance) {
    const direction = skewSeconds > 0 ? "older than this machine's clock" : "ahead of this machine's clock"
    return yield* refuse(
      "TimestampOutsideTolerance",
      `The delivery's timestamp is ${Math.abs(skewSeconds)} s ${direction}, beyond the tolerance of ${tolerance} s: ` +
        "a replayed delivery, or a clock out of sync (check that this machine keeps time with NTP)",
      { skewSeconds }
    )
  }
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
    if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
      return yield* Effect.dieMessage(`Webhooks.sign: timestamp must be unix seconds, a non-negative integer, got ${timestamp}`)
    }
    const signature = yield* hmacSha256(options.secret, signedBytes(String(timestamp), bytesOf(options.payload)))
    return {
      "content-type": "application/json",
      "x-xtopay-timestamp": String(timestamp),
      "x-xtopay-signature": `sha256=${toHex(signature)}`
    }
  }
)

// ---------------------------------------------------------------------------------------------
// The router handler
// ---------------------------------------------------------------------------------------------

/** Beyond this, an oversized body is no longer drained: the answer goes out and the connection closes. */
const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES

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

const tooLarge = (drained: boolean) =>
  HttpServerResponse.unsafeJson(
    {
      _tag: "PayloadTooLarge",
      message: `The body is larger than ${MAX_BODY_BYTES} bytes (1 MiB), the most this webhook handler reads`
    },
    { status: 413, headers: drained ? {} : { connection: "close" } }
  )

const unreadable = () =>
  HttpServerResponse.unsafeJson(
    { _tag: "RequestError", message: "The request body could not be read to its end" },
    { status: 400 }
  )

const refused = (error: WebhookVerificationError) =>
  HttpServerResponse.unsafeJson(
    { _tag: error._tag, reason: error.reason, message: error.message },
    { status: 400 }
  )

const handlerFailed = () =>
  HttpServerResponse.unsafeJson(
    { _tag: "HandlerFailed", message: "The webhook handler failed on this event; Xtopay will deliver it again" },
    { status: 500 }
  )

const secretUnusable = (problem: string) =>
  HttpServerResponse.unsafeJson(
    { _tag: "InvalidWebhookSecret", message: `This receiver's ${problem}. Xtopay will deliver the event again` },
    { status: 500 }
  )

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
  if (secrets.length === 0) {
    throw new Cause.IllegalArgumentException(
      `${made}: secrets is an empty list, so no delivery could ever pass; give at least one secret, or leave ` +
        "secrets out to verify with the client secret of the XtopayClient in context"
    )
  }
  const blank = blankSecretProblem(secrets)
  if (blank !== undefined) throw new Cause.IllegalArgumentException(`${made}: ${blank}`)
}

/** The secrets to verify with: the options', or the client's (checked here, since its layer took it as given). */
const secretsFor = (
  options: HandlerOptions | undefined
): Effect.Effect<Either.Either<ReadonlyArray<Redacted.Redacted<string>>, string>, never, XtopayClient> => {
  const given = options?.secrets
  if (given !== undefined) return Effect.succeed(Either.right(given))
  return Effect.map(XtopayClient, (client) => {
    const blank = blankSecretProblem([client.clientSecret])
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
      yield* Effect.logError(`${made}: refusing every delivery: the ${secrets.left}`)
      return secretUnusable(secrets.left)
    }
    const body = yield* readRawBody(request)
    if (body._tag === "TooLarge") return tooLarge(body.drained)
    if (body._tag === "Unreadable") return unreadable()
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
          : Effect.logWarning(
            `${made}: the handler failed on an event; answered 500 so that Xtopay delivers it again`,
            cause
          ).pipe(
            Effect.annotateLogs({ "xtopay.event_id": event.id, "xtopay.event_type": String(event.type) }),
            Effect.as(handlerFailed())
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
