/**
 * The client's checks of what a caller gives it, before anything is sent: a schema failure
 * becomes an `InvalidRequest` naming the field.
 */
import { Duration, Effect, Either, Option, ParseResult, Schema } from "effect"
import { IdempotencyKey, ObjectId } from "../Schemas.js"
import { InvalidRequest } from "../XtopayError.js"

/** A schema failure on user input, as an `InvalidRequest` that names the offending top-level field. */
export const toInvalidRequest = (error: ParseResult.ParseError, paramOverride?: string): InvalidRequest => {
  const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
  const path = first?.path ?? []
  const param = paramOverride ?? (path.length > 0 ? String(path[0]) : undefined)
  const where = path.length > 0 ? path.map(String).join(".") : param
  const message = first === undefined
    ? "Invalid request parameters"
    : where !== undefined
    ? `Invalid ${where}: ${first.message}`
    : first.message
  // The reference gives a bad phone number its own code.
  const code = first?._tag === "Missing" ? "parameter_missing" : param === "phone" ? "invalid_phone" : "parameter_invalid"
  return new InvalidRequest({ code, message, ...(param !== undefined ? { param } : {}) })
}

/**
 * Validates a query's parameters, given as their type (a `DateTime` for a timestamp), and encodes
 * them as they go on the wire.
 */
export const validateQuery = <A, I>(schema: Schema.Schema<A, I>) => {
  const encode = Schema.encodeUnknownEither(schema, { errors: "first" })
  return (input: unknown): Either.Either<I, InvalidRequest> => Either.mapLeft(encode(input), (error) => toInvalidRequest(error))
}

/** Validates `input` against `schema`; the decoded value is what goes on the wire. */
export const validate = <A, I>(schema: Schema.Schema<A, I>, paramOverride?: string) => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "first" })
  return (input: unknown): Either.Either<A, InvalidRequest> =>
    Either.mapLeft(decode(input), (error) => toInvalidRequest(error, paramOverride))
}

/** Validates an id that goes into a path (against `schema`, `ObjectId` by default), and percent-encodes it. */
export const pathId = (param: string, schema: Schema.Schema<string> = ObjectId) => {
  const check = validate(schema, param)
  return (id: unknown): Either.Either<string, InvalidRequest> => Either.map(check(id), encodeURIComponent)
}

/** Validates a caller-supplied `Idempotency-Key`. */
export const validateIdempotencyKey = validate(IdempotencyKey, "idempotencyKey")

/** `prefetch` is how many pages to fetch ahead: a whole number from 0 to 16. */
export const validatePrefetch = (prefetch: number | undefined): Effect.Effect<number, InvalidRequest> =>
  prefetch === undefined
    ? Effect.succeed(0)
    : Number.isInteger(prefetch) && prefetch >= 0 && prefetch <= 16
    ? Effect.succeed(prefetch)
    : Effect.fail(
      new InvalidRequest({
        code: "parameter_invalid",
        param: "prefetch",
        message: `Invalid prefetch: expected a whole number from 0 to 16, got ${prefetch}`
      })
    )

/**
 * The rules for `timeout` and `maxRetries`, client-wide (a `ConfigError`) and per request (an
 * `InvalidRequest`) alike.
 */
export const callLimits = {
  /** A timeout: a duration above zero, or `undefined`. */
  timeout: (input: Duration.DurationInput): Duration.Duration | undefined => {
    const decoded = Duration.decodeUnknown(input)
    return Option.isSome(decoded) && Duration.greaterThan(decoded.value, Duration.zero) ? decoded.value : undefined
  },
  /** A retry count: a whole number ≥ 0. */
  isMaxRetries: (value: number): boolean => Number.isInteger(value) && value >= 0
}
