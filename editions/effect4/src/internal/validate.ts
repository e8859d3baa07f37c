/**
 * The client's checks of what a caller gives it, before anything is sent: a schema failure
 * becomes an `InvalidRequest` naming the field.
 */
import { Duration, Effect, Option, Result, Schema } from "effect"
import { IdempotencyKey, ObjectId } from "../Schemas.js"
import { InvalidRequest } from "../XtopayError.js"
import { firstIssue } from "./issues.js"

/** A schema failure on user input, as an `InvalidRequest` that names the offending top-level field. */
export const toInvalidRequest = (error: Schema.SchemaError, paramOverride?: string): InvalidRequest => {
  const issue = firstIssue(error)
  const param = paramOverride ?? issue.path[0]
  const where = issue.path.length > 0 ? issue.path.join(".") : param
  const message = where !== undefined ? `Invalid ${where}: ${issue.message}` : issue.message
  // The reference gives a bad phone number its own code.
  const code = issue.missing ? "parameter_missing" : param === "phone" ? "invalid_phone" : "parameter_invalid"
  return new InvalidRequest({ code, message, ...(param !== undefined ? { param } : {}) })
}

/** Validates a query's parameters, given as their type (a `DateTime` for a timestamp), and encodes them as they go on the wire. */
export const validateQuery = (schema: Schema.Codec<any, any>) => {
  const encode = Schema.encodeUnknownResult(schema, { errors: "first" })
  return (input: unknown): Result.Result<unknown, InvalidRequest> => Result.mapError(encode(input), (error) => toInvalidRequest(error))
}

/** Validates a body against `schema` and gives its wire form (decoded, then encoded again). */
export const validateBody = (schema: Schema.Codec<any, any>) => {
  const decode = Schema.decodeUnknownResult(schema, { errors: "first" })
  const encode = Schema.encodeUnknownResult(schema)
  return (input: unknown): Result.Result<unknown, InvalidRequest> =>
    Result.mapError(Result.flatMap(decode(input), (value) => encode(value)), (error) => toInvalidRequest(error))
}

/** Validates `input` against `schema`, naming `param` in the failure. */
const validateAs = <A>(schema: Schema.Codec<A, any>, param: string) => {
  const decode = Schema.decodeUnknownResult(schema, { errors: "first" })
  return (input: unknown): Result.Result<A, InvalidRequest> => Result.mapError(decode(input), (error) => toInvalidRequest(error, param))
}

/** Validates an id that goes into a path (against `schema`, `ObjectId` by default), and percent-encodes it. */
export const pathId = (param: string, schema: Schema.Codec<string, string> = ObjectId) => {
  const check = validateAs(schema, param)
  return (id: unknown): Result.Result<string, InvalidRequest> => Result.map(check(id), encodeURIComponent)
}

/** Validates a caller-supplied `Idempotency-Key`. */
export const validateIdempotencyKey = validateAs(IdempotencyKey, "idempotencyKey")

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

/** The rules for `timeout` and `maxRetries`, client-wide (a `ConfigError`) and per request (an `InvalidRequest`) alike. */
export const callLimits = {
  /** A timeout: a duration above zero, or `undefined`. */
  timeout: (input: Duration.Input): Duration.Duration | undefined => {
    const decoded = Duration.fromInput(input)
    return Option.isSome(decoded) && Duration.isGreaterThan(decoded.value, Duration.zero) ? decoded.value : undefined
  },
  /** A retry count: a whole number ≥ 0. */
  isMaxRetries: (value: number): boolean => Number.isInteger(value) && value >= 0
}
