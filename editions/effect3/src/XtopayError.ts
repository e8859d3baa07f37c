/**
 * The tagged errors every endpoint fails with, and the one place that builds them from an answer.
 *
 * @since 0.1.0
 */
import { truncate } from "#core/text.js"
import { type Duration, Predicate, Schema } from "effect"
import type { ErrorEnvelope } from "./Schemas.js"

/**
 * Marks every error of this SDK. A symbol from the global registry, so the ESM and CommonJS
 * copies of the package (or two installed versions) recognize each other's errors.
 *
 * @since 0.1.0
 */
export const TypeId: unique symbol = Symbol.for("effect-xtopay/XtopayError")

/**
 * The type of `TypeId`.
 *
 * @since 0.1.0
 */
export type TypeId = typeof TypeId

const details = {
  /** The HTTP status, when an answer came. */
  status: Schema.optional(Schema.Number),
  /** Xtopay's error code, e.g. `customer_not_found`. */
  code: Schema.optional(Schema.String),
  message: Schema.String,
  /** The request field the error is about, when Xtopay (or the client's own check) names one. */
  param: Schema.optional(Schema.String),
  /** A link to Xtopay's page about this error. */
  docUrl: Schema.optional(Schema.String),
  /** The `X-Request-Id` of the answer: quote it to Xtopay's support. */
  requestId: Schema.optional(Schema.String),
  /** How many attempts the client made before giving up (retries included). */
  attempts: Schema.optional(Schema.Number),
  /** How long Xtopay asked to wait before trying again (`Retry-After` or `RateLimit`), when it said. */
  retryAfter: Schema.optional(Schema.DurationFromSelf),
  /** What went wrong underneath (the transport's error, the decoding error), when there was something. */
  cause: Schema.optional(Schema.Unknown)
}

type Details = Schema.Struct.Constructor<typeof details>

/**
 * The message with what Xtopay support asks for first: status, code and request id. Each error's
 * constructor adds it, so `String(error)`, `error.message` and `Cause.pretty` carry it.
 */
const summarize = (props: Details): Details => {
  const parts: Array<string> = []
  if (props.status !== undefined) parts.push(`HTTP ${props.status}`)
  if (props.code !== undefined) parts.push(props.code)
  if (props.requestId !== undefined) parts.push(`request ${props.requestId}`)
  const suffix = parts.length > 0 ? ` [${parts.join(", ")}]` : ""
  return suffix === "" || props.message.endsWith(suffix) ? props : { ...props, message: `${props.message}${suffix}` }
}

/**
 * A 400, a 422 that is not an idempotency mismatch, or bad input the client refused before
 * sending anything (then `status` is absent and nothing was sent).
 *
 * @since 0.1.0
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("effect-xtopay/InvalidRequest")(
  "InvalidRequest",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props) as Details, options)
  }
}

/**
 * A 401: credentials missing or wrong.
 *
 * @since 0.1.0
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("effect-xtopay/Unauthorized")(
  "Unauthorized",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props) as Details, options)
  }
}

/**
 * A 403: the credential lacks the scope, or test and live were mixed.
 *
 * @since 0.1.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("effect-xtopay/Forbidden")("Forbidden", details) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props) as Details, options)
  }
}

/**
 * A 404: no such object in this environment.
 *
 * @since 0.1.0
 */
export class NotFound extends Schema.TaggedError<NotFound>("effect-xtopay/NotFound")("NotFound", details) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props) as Details, options)
  }
}

/**
 * A 409 (the same idempotency key is still being processed) or a 422 `idempotency_key_mismatch`
 * (the same key was used with another body).
 *
 * @since 0.1.0
 */
export class IdempotencyConflict extends Schema.TaggedError<IdempotencyConflict>("effect-xtopay/IdempotencyConflict")(
  "IdempotencyConflict",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props) as Details, options)
  }
}

/**
 * A 429. `retryAfter` is how long Xtopay asked to wait, when it said.
 *
 * @since 0.1.0
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("effect-xtopay/RateLimited")("RateLimited", details) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props) as Details, options)
  }
}

/**
 * A 5xx from Xtopay.
 *
 * @since 0.1.0
 */
export class ServerError extends Schema.TaggedError<ServerError>("effect-xtopay/ServerError")(
  "ServerError",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props) as Details, options)
  }
}

/**
 * The request never got a complete answer: the connection failed or was cut, the attempt
 * timed out (`reason: "Timeout"`), or the shared rate-limit store could not be reached
 * (`reason: "RateLimitStore"`; then nothing was sent).
 *
 * @since 0.1.0
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>("effect-xtopay/ConnectionError")(
  "ConnectionError",
  {
    ...details,
    reason: Schema.Literal("Transport", "Timeout", "BodyCut", "RateLimitStore")
  }
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(props: Details & { readonly reason: "Transport" | "Timeout" | "BodyCut" | "RateLimitStore" }, options?: Schema.MakeOptions) {
    super(summarize(props) as Details & { readonly reason: "Transport" | "Timeout" | "BodyCut" | "RateLimitStore" }, options)
  }
}

/**
 * An answer the client cannot use: a body that is not JSON or not of the expected shape, a
 * redirect (`location` names where it pointed), or a status this endpoint cannot answer with.
 *
 * @since 0.1.0
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>("effect-xtopay/UnexpectedResponse")(
  "UnexpectedResponse",
  {
    ...details,
    location: Schema.optional(Schema.String),
    /** `ResponseTooLarge`: the answer was longer than `maxResponseBytes`, and was not read further. */
    reason: Schema.optional(Schema.Literal("ResponseTooLarge"))
  }
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  constructor(
    props: Details & { readonly location?: string | undefined; readonly reason?: "ResponseTooLarge" | undefined },
    options?: Schema.MakeOptions
  ) {
    super(summarize(props) as Details & { readonly location?: string | undefined; readonly reason?: "ResponseTooLarge" | undefined }, options)
  }
}

/**
 * Any error of this SDK.
 *
 * @since 0.1.0
 */
export type XtopayError =
  | InvalidRequest
  | Unauthorized
  | Forbidden
  | NotFound
  | IdempotencyConflict
  | RateLimited
  | ServerError
  | ConnectionError
  | UnexpectedResponse

/**
 * The errors every endpoint can fail with, whatever it does.
 *
 * @since 0.1.0
 */
export type CommonError =
  | InvalidRequest
  | Unauthorized
  | Forbidden
  | RateLimited
  | ServerError
  | ConnectionError
  | UnexpectedResponse

/**
 * Is this value one of this SDK's errors?
 *
 * @since 0.1.0
 */
export const isXtopayError = (u: unknown): u is XtopayError => Predicate.hasProperty(u, TypeId)

/**
 * What the client knows of a failed answer, before it picks the tag.
 *
 * @since 0.1.0
 */
export interface FailedAnswer {
  readonly status: number
  readonly envelope: ErrorEnvelope | undefined
  readonly requestId: string | undefined
  readonly retryAfter: Duration.Duration | undefined
  /** The attempt this answer came to (1 for the first). */
  readonly attempts: number
}

/**
 * The status → tag mapping, in one place.
 *
 * @since 0.1.0
 */
export const fromResponse = (answer: FailedAnswer): XtopayError => {
  const { envelope, requestId, status } = answer
  const error = envelope?.error
  // What the server says is quoted, bounded: an error body can be megabytes.
  const fields = {
    status,
    message: error?.message !== undefined ? truncate(error.message, 500) : `Xtopay answered HTTP ${status} without an error body`,
    ...(error?.code !== undefined ? { code: truncate(error.code, 100) } : {}),
    ...(error?.param != null ? { param: truncate(error.param, 200) } : {}),
    ...(error?.doc_url != null ? { docUrl: truncate(error.doc_url, 300) } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
    ...(answer.retryAfter !== undefined ? { retryAfter: answer.retryAfter } : {}),
    attempts: answer.attempts
  }
  if (status === 400) return new InvalidRequest(fields)
  if (status === 401) return new Unauthorized(fields)
  if (status === 403) return new Forbidden(fields)
  if (status === 404) return new NotFound(fields)
  if (status === 409) return new IdempotencyConflict(fields)
  if (status === 422) {
    return error?.code === "idempotency_key_mismatch" ? new IdempotencyConflict(fields) : new InvalidRequest(fields)
  }
  if (status === 429) {
    return new RateLimited(fields)
  }
  if (status >= 500 && status <= 599) return new ServerError(fields)
  if (status >= 300 && status <= 399) {
    return new UnexpectedResponse({ ...fields, message: `Xtopay answered with a redirect (HTTP ${status})` })
  }
  // 408 and any other 4xx the reference does not list
  if (status === 408) return new ConnectionError({ ...fields, reason: "Timeout" })
  return new InvalidRequest(fields)
}
