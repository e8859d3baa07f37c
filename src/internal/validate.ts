import { Duration, Effect, Either, Option, ParseResult, type Schema } from "effect"
import { IdempotencyKey, ObjectId } from "../Schemas.js"
import { InvalidRequest } from "../XtopayError.js"
import { decodeEither } from "./compile.js"

/**
 * Turns a schema failure on user input into an `InvalidRequest` that names the offending
 * top-level field, so bad input fails before anything is sent.
 */
export const toInvalidRequest = (error: ParseResult.ParseError, paramOverride?: string): InvalidRequest => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const path = first?.path ?? []
  const param = paramOverride ?? (path.length > 0 ? String(path[0]) : undefined)
  const where = path.length > 0 ? path.map(String).join(".") : param
  const message = first === undefined
    ? "Invalid request parameters"
    : where !== undefined
    ? `Invalid ${where}: ${first.message}`
    : first.message
  // The reference gives a bad phone number its own code; the in-memory Xtopay answers the same.
  const code = first?._tag === "Missing" ? "parameter_missing" : param === "phone" ? "invalid_phone" : "parameter_invalid"
  return new InvalidRequest({
    code,
    message,
    ...(param !== undefined ? { param } : {})
  })
}

/**
 * Validates `input` against `schema`; the decoded value is what goes on the wire.
 */
export const validate = <A, I>(schema: Schema.Schema<A, I>, paramOverride?: string) => {
  // Compiled where the schema allows (`compile.ts`); the schema itself for anything it refuses.
  const decode = decodeEither(schema, { errors: "first" })
  return (input: unknown): Effect.Effect<A, InvalidRequest> => {
    const result = decode(input)
    return Either.isRight(result)
      ? Effect.succeed(result.right)
      : Effect.fail(toInvalidRequest(result.left, paramOverride))
  }
}

/** Validates an id that goes into a path, and percent-encodes it. */
export const pathId = (param: string) => {
  const check = validate(ObjectId, param)
  return (id: unknown): Effect.Effect<string, InvalidRequest> => Effect.map(check(id), encodeURIComponent)
}

/** Validates a caller-supplied `Idempotency-Key`. */
export const validateIdempotencyKey = validate(IdempotencyKey, "idempotencyKey")

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
