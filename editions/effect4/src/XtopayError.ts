/**
 * The tagged errors every endpoint fails with, and the one place that builds them from an answer.
 *
 * @since 1.0.0
 */
import { type Duration, Predicate, Schema } from "effect"
import {
  classifyAnswer,
  CONNECTION_ERROR_REASONS,
  type ConnectionErrorReason,
  summarize as summarizeMessage,
  UNEXPECTED_RESPONSE_REASONS,
  type UnexpectedResponseReason,
  type XtopayErrorTag
} from "#core/errors.js"
import type { ErrorEnvelope } from "./Schemas.js"

/**
 * Marks every error of this SDK. A symbol from the global registry, so the ESM and CommonJS
 * copies of the package (or two installed versions) recognize each other's errors.
 *
 * @since 1.0.0
 */
export const TypeId: unique symbol = Symbol.for("effect-xtopay/XtopayError")

/**
 * The type of `TypeId`.
 *
 * @since 1.0.0
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
  retryAfter: Schema.optional(Schema.Duration),
  /**
   * What went wrong underneath (the transport's error, the decoding error), when there was something.
   * A `Defect`, so an error goes through `Schema.toCodecJson` whole (a stored workflow result, an RPC).
   */
  cause: Schema.optional(Schema.Defect())
}

type Details = Schema.Struct.MakeIn<typeof details>

/**
 * The message with what Xtopay support asks for first: status, code and request id (core's
 * `summarize`). Each error's constructor adds it, so `String(error)`, `error.message` and
 * `Cause.pretty` carry it.
 */
const summarize = <P extends Details>(props: P): P => {
  const message = summarizeMessage(props)
  return message === props.message ? props : { ...props, message }
}

/**
 * Names an error class's instances after its tag (`NotFound: …` in `String(error)`, logs and
 * `Cause.pretty`), as in the Effect 3 edition: Effect 4 names them after the schema identifier,
 * which stays `effect-xtopay/…` so that a user's own `NotFound` class is never taken for ours.
 */
const nameAfterTag = (self: { readonly prototype: object }, tag: XtopayErrorTag): void => {
  Object.defineProperty(self.prototype, "name", { value: tag, writable: true, configurable: true })
}

/**
 * A 400, a 422 that is not an idempotency mismatch, or bad input the client refused before
 * sending anything (then `status` is absent and nothing was sent).
 *
 * @since 1.0.0
 */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("effect-xtopay/InvalidRequest")(
  "InvalidRequest",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "InvalidRequest")
  }
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * A 401: credentials missing or wrong.
 *
 * @since 1.0.0
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("effect-xtopay/Unauthorized")(
  "Unauthorized",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "Unauthorized")
  }
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * A 403: the credential lacks the scope, or test and live were mixed.
 *
 * @since 1.0.0
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("effect-xtopay/Forbidden")("Forbidden", details) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "Forbidden")
  }
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * A 404: no such object in this environment.
 *
 * @since 1.0.0
 */
export class NotFound extends Schema.TaggedError<NotFound>("effect-xtopay/NotFound")("NotFound", details) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "NotFound")
  }
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * A 409 (the same idempotency key is still being processed) or a 422 `idempotency_key_mismatch`
 * (the same key was used with another body).
 *
 * @since 1.0.0
 */
export class IdempotencyConflict extends Schema.TaggedError<IdempotencyConflict>("effect-xtopay/IdempotencyConflict")(
  "IdempotencyConflict",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "IdempotencyConflict")
  }
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * A 429. `retryAfter` is how long Xtopay asked to wait, when it said.
 *
 * @since 1.0.0
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("effect-xtopay/RateLimited")("RateLimited", details) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "RateLimited")
  }
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * A 5xx from Xtopay.
 *
 * @since 1.0.0
 */
export class ServerError extends Schema.TaggedError<ServerError>("effect-xtopay/ServerError")(
  "ServerError",
  details
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "ServerError")
  }
  constructor(props: Details, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * The request never got a complete answer: the connection failed or was cut, the attempt
 * timed out (`reason: "Timeout"`), or the shared rate-limit store could not be reached
 * (`reason: "RateLimitStore"`; then nothing was sent).
 *
 * @since 1.0.0
 */
export class ConnectionError extends Schema.TaggedError<ConnectionError>("effect-xtopay/ConnectionError")(
  "ConnectionError",
  {
    ...details,
    reason: Schema.Literals(CONNECTION_ERROR_REASONS)
  }
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "ConnectionError")
  }
  constructor(props: Details & { readonly reason: ConnectionErrorReason }, options?: Schema.MakeOptions) {
    super(summarize(props), options)
  }
}

/**
 * An answer the client cannot use: a body that is not JSON or not of the expected shape, a
 * redirect (`location` names where it pointed), a status this endpoint cannot answer with, or an
 * answer longer than `maxResponseBytes` (`reason: "ResponseTooLarge"`; not retried).
 *
 * @since 1.0.0
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>("effect-xtopay/UnexpectedResponse")(
  "UnexpectedResponse",
  {
    ...details,
    location: Schema.optional(Schema.String),
    /** `ResponseTooLarge`: the answer was longer than `maxResponseBytes`, and was not read further. */
    reason: Schema.optional(Schema.Literals(UNEXPECTED_RESPONSE_REASONS))
  }
) {
  /** Marks one of this SDK's errors, in any copy of the package (`isXtopayError` reads it). */
  readonly [TypeId]: TypeId = TypeId
  static {
    nameAfterTag(this, "UnexpectedResponse")
  }
  constructor(
    props: Details & { readonly location?: string | undefined; readonly reason?: UnexpectedResponseReason | undefined },
    options?: Schema.MakeOptions
  ) {
    super(summarize(props), options)
  }
}

/**
 * Any error of this SDK.
 *
 * @since 1.0.0
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
 * @since 1.0.0
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
 * @since 1.0.0
 */
export const isXtopayError = (u: unknown): u is XtopayError => Predicate.hasProperty(u, TypeId)

/**
 * What the client knows of a failed answer, before it picks the tag.
 *
 * @since 1.0.0
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
 * The status → tag mapping (core's `classifyAnswer`, the same table in every edition), with
 * what only this edition holds: `retryAfter` as a `Duration`, and the attempt count.
 *
 * @since 1.0.0
 */
export const fromResponse = (answer: FailedAnswer): XtopayError => {
  const classified = classifyAnswer({ status: answer.status, error: answer.envelope?.error, requestId: answer.requestId })
  const fields: Details = {
    ...classified.details,
    ...(answer.retryAfter !== undefined ? { retryAfter: answer.retryAfter } : {}),
    attempts: answer.attempts
  }
  switch (classified.tag) {
    case "InvalidRequest":
      return new InvalidRequest(fields)
    case "Unauthorized":
      return new Unauthorized(fields)
    case "Forbidden":
      return new Forbidden(fields)
    case "NotFound":
      return new NotFound(fields)
    case "IdempotencyConflict":
      return new IdempotencyConflict(fields)
    case "RateLimited":
      return new RateLimited(fields)
    case "ServerError":
      return new ServerError(fields)
    case "UnexpectedResponse":
      return new UnexpectedResponse(fields)
    case "ConnectionError":
      return new ConnectionError({ ...fields, reason: classified.reason })
  }
}
