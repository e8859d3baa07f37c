/**
 * Webhook signatures with no Effect in them: the header names and formats, HMAC-SHA256 over
 * `"<timestamp>.<raw body>"` with Web Crypto (`globalThis.crypto.subtle`), the comparison, the
 * tolerance arithmetic and every refusal's words. Each edition's `Webhooks` module wraps these in
 * its own Effect (its `Clock`, its tagged error), so both editions refuse a delivery for the same
 * reason in the same words. Secrets come in as plain strings and never appear in a message.
 */
import { MAX_JSON_DEPTH } from "./json.js"
import { quote } from "./text.js"

/** The header that carries a delivery's unix timestamp in seconds (`X-Xtopay-Timestamp`). */
export const TIMESTAMP_HEADER = "x-xtopay-timestamp"

/** The header that carries a delivery's signatures (`X-Xtopay-Signature: sha256=<hex>`). */
export const SIGNATURE_HEADER = "x-xtopay-signature"

/** How far a delivery's timestamp may be from now, in either direction, by default. */
export const DEFAULT_TOLERANCE_SECONDS = 300

/** The largest body a webhook handler reads: 1 MiB. A larger one is answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024

/** Beyond this, an oversized body is no longer drained: the 413 goes out and the connection closes. */
export const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES

/** Why a delivery was refused: a `WebhookVerificationError`'s `reason`. */
export const WEBHOOK_REFUSAL_REASONS = [
  "MissingHeader",
  "MalformedHeader",
  "NoMatchingSignature",
  "TimestampOutsideTolerance",
  "InvalidPayload"
] as const

/** One of `WEBHOOK_REFUSAL_REASONS`. */
export type WebhookRefusalReason = (typeof WEBHOOK_REFUSAL_REASONS)[number]

/** A refusal, as each edition's `WebhookVerificationError` holds it. Never a secret, a signature or the body. */
export interface WebhookRefusal {
  readonly reason: WebhookRefusalReason
  readonly message: string
  /** The header at fault, for `MissingHeader` and `MalformedHeader`. */
  readonly header?: string
  /** Now minus the delivery's timestamp, in seconds (negative: ahead of this clock). */
  readonly skewSeconds?: number
}

/** The headers as HTTP names them, for messages. */
const DISPLAY_NAME: Readonly<Record<string, string>> = {
  [TIMESTAMP_HEADER]: "X-Xtopay-Timestamp",
  [SIGNATURE_HEADER]: "X-Xtopay-Signature"
}

// ---------------------------------------------------------------------------------------------
// Reading the headers
// ---------------------------------------------------------------------------------------------

/** Headers as any runtime gives them: something with `get` (web `Headers`), or a record of names. */
export type HeaderSource =
  | { readonly get: (name: string) => string | null }
  | Readonly<Record<string, unknown>>

/** A header's value, or why it cannot be used. */
export type HeaderRead =
  | { readonly ok: true; readonly value: string }
  | { readonly ok: false; readonly refusal: WebhookRefusal }

const hasGet = (headers: HeaderSource): headers is { readonly get: (name: string) => string | null } =>
  typeof (headers as { readonly get?: unknown }).get === "function"

/** One header's value, looked up case-insensitively; a list, or the name given twice, is malformed. */
export const readHeader = (headers: HeaderSource, name: string): HeaderRead => {
  const display = DISPLAY_NAME[name] ?? name
  const missing: HeaderRead = {
    ok: false,
    refusal: {
      reason: "MissingHeader",
      message: `The ${display} header is missing: the request was not sent by Xtopay, or a proxy dropped the header`,
      header: display
    }
  }
  if (hasGet(headers)) {
    const value = headers.get(name)
    return value === null ? missing : { ok: true, value }
  }
  const values: Array<unknown> = []
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === name) values.push(headers[key])
  }
  const present = values.filter((value) => value !== undefined)
  if (present.length === 0) return missing
  if (present.length > 1 || typeof present[0] !== "string") {
    return {
      ok: false,
      refusal: {
        reason: "MalformedHeader",
        message:
          `The ${display} header came as a list (or under several spellings of its name); pass it once, as one string`,
        header: display
      }
    }
  }
  return { ok: true, value: present[0] }
}

const TIMESTAMP_PATTERN = /^\d+$/
const SIGNATURE_ENTRY = /^sha256=([0-9a-f]{64})$/

/** Why the timestamp header's value is not unix seconds, or `undefined`. */
export const timestampProblem = (value: string): WebhookRefusal | undefined =>
  TIMESTAMP_PATTERN.test(value) ? undefined : {
    reason: "MalformedHeader",
    message: `The X-Xtopay-Timestamp header must be unix seconds in digits only, got ${quote(value, 32)}`,
    header: "X-Xtopay-Timestamp"
  }

/** The `sha256=` entries of the signature header, as bytes; entries of other schemes are skipped. */
export const signatureEntries = (header: string): ReadonlyArray<Uint8Array> =>
  header.split(/[\s,]+/).flatMap((entry) => {
    const match = SIGNATURE_ENTRY.exec(entry)
    return match === null ? [] : [fromHex(match[1]!)]
  })

/** The refusal for a signature header with no usable entry. */
export const NO_SIGNATURE_ENTRY: WebhookRefusal = {
  reason: "MalformedHeader",
  message: "The X-Xtopay-Signature header holds no \"sha256=<64 lower-case hex digits>\" entry",
  header: "X-Xtopay-Signature"
}

// ---------------------------------------------------------------------------------------------
// HMAC-SHA256 with Web Crypto
// ---------------------------------------------------------------------------------------------

const encoder = new TextEncoder()

// RFC 2104 pads a short key with zero bytes, so an empty key and one zero byte are the same key;
// Web Crypto refuses a zero-length key.
const ZERO_BYTE_KEY = new Uint8Array(1)

/** What a runtime without Web Crypto is told (each edition turns it into a defect). */
export const NO_WEB_CRYPTO = "effect-xtopay Webhooks needs Web Crypto (globalThis.crypto.subtle), which this runtime lacks"

/** Is Web Crypto there? Checked before `hmacSha256`, whose promise would otherwise reject. */
export const hasWebCrypto = (): boolean => globalThis.crypto?.subtle !== undefined

/** The body's bytes: a string as UTF-8, bytes as they are. */
export const bytesOf = (body: string | Uint8Array): Uint8Array => typeof body === "string" ? encoder.encode(body) : body

/** The signed string `"<timestamp>.<raw body>"`, as bytes: the body's own bytes, never re-encoded. */
export const signedMessage = (timestamp: string, body: Uint8Array): Uint8Array<ArrayBuffer> => {
  const prefix = encoder.encode(`${timestamp}.`)
  const out = new Uint8Array(prefix.length + body.length)
  out.set(prefix, 0)
  out.set(body, prefix.length)
  return out
}

/** HMAC-SHA256 of `message` with `secret` (UTF-8). Rejects when the runtime has no Web Crypto. */
export const hmacSha256 = async (secret: string, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> => {
  const subtle = globalThis.crypto?.subtle
  if (subtle === undefined) throw new Error(NO_WEB_CRYPTO)
  const keyBytes = encoder.encode(secret)
  const key = await subtle.importKey(
    "raw",
    keyBytes.length === 0 ? ZERO_BYTE_KEY : keyBytes,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"]
  )
  return new Uint8Array(await subtle.sign("HMAC", key, message))
}

export const toHex = (bytes: Uint8Array): string => {
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
export const constantTimeEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false
  let diff = 0
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!
  return diff === 0
}

/**
 * Does any entry match the message signed with any secret? Every entry is compared against each
 * secret's signature, so the time taken does not tell which entry matched.
 */
export const anySignatureMatches = async (
  entries: ReadonlyArray<Uint8Array>,
  secrets: ReadonlyArray<string>,
  message: Uint8Array<ArrayBuffer>
): Promise<boolean> => {
  let matched = false
  for (const secret of secrets) {
    const expected = await hmacSha256(secret, message)
    for (const entry of entries) matched = constantTimeEqual(entry, expected) || matched
    if (matched) return true
  }
  return false
}

/** The refusal when no signature matches, naming how many secrets were tried (never which). */
export const noMatchingSignature = (secretCount: number): WebhookRefusal => {
  const secrets = secretCount === 0
    ? "no secret (the list of secrets is empty)"
    : secretCount === 1
    ? "the secret"
    : `any of the ${secretCount} secrets`
  return {
    reason: "NoMatchingSignature",
    message: `No signature in X-Xtopay-Signature matches the body with ${secrets}. Verify the raw bytes exactly as ` +
      "received, before any JSON parsing: a body parser that parsed and re-serialized the JSON (express.json(), " +
      "a framework's request.json()) changes them. Check too that the secret is the client secret of the " +
      "credential that created the webhook endpoint."
  }
}

// ---------------------------------------------------------------------------------------------
// Time, secrets and signing
// ---------------------------------------------------------------------------------------------

/**
 * The refusal when the timestamp is more than `toleranceSeconds` from `nowMillis` in either
 * direction, or `undefined`. `toleranceSeconds` is whole seconds (`Infinity`: no check).
 */
export const toleranceProblem = (
  timestamp: string,
  nowMillis: number,
  toleranceSeconds: number
): WebhookRefusal | undefined => {
  const now = Math.floor(nowMillis / 1000)
  const skewSeconds = now - Number(timestamp)
  if (Math.abs(skewSeconds) <= toleranceSeconds) return undefined
  const direction = skewSeconds > 0 ? "older than this machine's clock" : "ahead of this machine's clock"
  return {
    reason: "TimestampOutsideTolerance",
    message: `The delivery's timestamp is ${
      Math.abs(skewSeconds)
    } s ${direction}, beyond the tolerance of ${toleranceSeconds} s: ` +
      "a replayed delivery, or a clock out of sync (check that this machine keeps time with NTP)",
    skewSeconds
  }
}

/** A tolerance in milliseconds as whole seconds, rounded down; an infinite one stays infinite. */
export const toleranceSecondsOf = (millis: number): number =>
  Number.isFinite(millis) ? Math.floor(millis / 1000) : Number.POSITIVE_INFINITY

/**
 * Why these secrets cannot verify anything, or `undefined`. An empty or whitespace-only secret is
 * a key anyone can sign with (an unset `XTOPAY_CLIENT_SECRET` read as `""`, say), so it is never
 * used to verify. The message never holds a secret.
 */
export const blankSecretProblem = (secrets: ReadonlyArray<string>): string | undefined =>
  secrets.some((secret) => secret.trim() === "")
    ? "a webhook secret is empty or only whitespace (is XTOPAY_CLIENT_SECRET set?). Anyone can sign with such a " +
      "key, so it verifies nothing: give the client secret of the credential that created the webhook endpoint"
    : undefined

/** What a handler or router made with `secrets: []` is told. */
export const emptySecretsProblem = (made: string): string =>
  `${made}: secrets is an empty list, so no delivery could ever pass; give at least one secret, or leave ` +
  "secrets out to verify with the client secret of the XtopayClient in context"

/** Why `timestamp` cannot be signed with, or `undefined`: unix seconds, a non-negative integer. */
export const signTimestampProblem = (timestamp: number): string | undefined =>
  Number.isSafeInteger(timestamp) && timestamp >= 0
    ? undefined
    : `Webhooks.sign: timestamp must be unix seconds, a non-negative integer, got ${timestamp}`

/** The headers Xtopay sends with a delivery (a type literal, so it is assignable to a record of strings). */
export type SignedHeaders = {
  /** `application/json`, as on every delivery. */
  readonly "content-type": string
  /** Unix seconds, digits only. */
  readonly "x-xtopay-timestamp": string
  /** `sha256=<lower-case hex>`. */
  readonly "x-xtopay-signature": string
}

/** The headers Xtopay would send with `payload` signed with `secret` at `timestamp` (checked by the caller). */
export const signedHeaders = async (
  payload: string | Uint8Array,
  secret: string,
  timestamp: number
): Promise<SignedHeaders> => {
  const signature = await hmacSha256(secret, signedMessage(String(timestamp), bytesOf(payload)))
  return {
    "content-type": "application/json",
    "x-xtopay-timestamp": String(timestamp),
    "x-xtopay-signature": `sha256=${toHex(signature)}`
  }
}

// ---------------------------------------------------------------------------------------------
// The body
// ---------------------------------------------------------------------------------------------

/** The refusal for an empty signed body. */
export const EMPTY_BODY: WebhookRefusal = {
  reason: "InvalidPayload",
  message: "The signed body is empty; expected an event as JSON"
}

/** The refusal for a body nesting past `MAX_JSON_DEPTH`. */
export const TOO_DEEP: WebhookRefusal = {
  reason: "InvalidPayload",
  message: `The signed body nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep; no Xtopay event does`
}

/** The refusal for a body that is not UTF-8 JSON; the engine's parse message quotes the body, so it is not used. */
export const notJson = (byteLength: number): WebhookRefusal => ({
  reason: "InvalidPayload",
  message: `The signed body (${byteLength} bytes) is not UTF-8 JSON; expected an event`
})

/** The words of a body that is JSON but not an event: field paths only, never the values. */
export const notAnEvent = (knownType: string | undefined, paths: ReadonlyArray<string>, maxPaths: number): string => {
  const shown = paths.slice(0, maxPaths).join(", ")
  const described = knownType === undefined ? "an Xtopay event" : `a ${knownType} event`
  return `The signed body is JSON but not ${described} (fields at fault: ${shown}${paths.length > maxPaths ? ", …" : ""})`
}

// ---------------------------------------------------------------------------------------------
// The router's answers
// ---------------------------------------------------------------------------------------------

/** The JSON bodies (and statuses) a webhook handler answers with, the same in both editions. */
export const answers = {
  tooLarge: {
    status: 413,
    body: {
      _tag: "PayloadTooLarge",
      message: `The body is larger than ${MAX_BODY_BYTES} bytes (1 MiB), the most this webhook handler reads`
    }
  },
  unreadable: {
    status: 400,
    body: { _tag: "RequestError", message: "The request body could not be read to its end" }
  },
  handlerFailed: {
    status: 500,
    body: { _tag: "HandlerFailed", message: "The webhook handler failed on this event; Xtopay will deliver it again" }
  },
  secretUnusable: (problem: string) => ({
    status: 500,
    body: { _tag: "InvalidWebhookSecret", message: `This receiver's ${problem}. Xtopay will deliver the event again` }
  })
} as const

/** The 400 body of a refused delivery. */
export const refusedBody = (refusal: { readonly _tag: string; readonly reason: string; readonly message: string }) => ({
  _tag: refusal._tag,
  reason: refusal.reason,
  message: refusal.message
})

/** The warning logged when the code handling an event failed. */
export const handlerFailedLog = (made: string): string =>
  `${made}: the handler failed on an event; answered 500 so that Xtopay delivers it again`

/** The error logged when the client secret cannot verify anything. */
export const secretUnusableLog = (made: string, problem: string): string => `${made}: refusing every delivery: the ${problem}`
