/**
 * The client's checks of what a caller gives it, before anything is sent: a schema failure
 * becomes an `InvalidRequest` naming the field.
 */
import { isMaxResponseBytes } from "#core/limits.js"
import { truncate } from "#core/text.js"
import { Duration, Effect, Either, Option, type ParseResult, Schema } from "effect"
import { IdempotencyKey, ObjectId } from "../Schemas.js"
import { InvalidRequest } from "../XtopayError.js"
import { faultsOf, showPath } from "./parseIssues.js"

/** A schema failure on user input, as an `InvalidRequest` that names the offending top-level field. */
export const toInvalidRequest = (error: ParseResult.ParseError, paramOverride?: string): InvalidRequest => {
  const first = faultsOf(error.issue, 1)[0]
  const path = first?.path ?? []
  const param = paramOverride ?? (path.length > 0 ? String(path[0]) : undefined)
  const where = path.length > 0 ? showPath(path) : param
  const message = first === undefined
    ? "Invalid request parameters"
    : where !== undefined
    ? `Invalid ${where}: ${first.reason}`
    : first.reason
  // The reference gives a bad phone number its own code.
  const code = first?.reason === "is missing" ? "parameter_missing" : param === "phone" ? "invalid_phone" : "parameter_invalid"
  return new InvalidRequest({ code, message, ...(param !== undefined ? { param: truncate(param, 100) } : {}) })
}

/** Past this depth a parameter's value is named as the one nested too deep: Xtopay's nest a few levels. */
const MAX_DEPTH = 64

/** The top-level field of `input` whose value nests deeper than `MAX_DEPTH`, walked without recursion. */
const tooDeep = (input: unknown): string | undefined => {
  if (typeof input !== "object" || input === null) return undefined
  for (const field of Object.keys(input)) {
    const pending: Array<readonly [unknown, number]> = [[(input as Record<string, unknown>)[field], 1]]
    while (pending.length > 0) {
      const [value, depth] = pending.pop()!
      if (typeof value !== "object" || value === null) continue
      if (depth > MAX_DEPTH) return field
      for (const child of Object.values(value)) pending.push([child, depth + 1])
    }
  }
  return undefined
}

/**
 * `decode`, failing with an `InvalidRequest`; a value nested so deep that Schema's decoding
 * overflows the stack (a union reads a discriminant with `String()`) is one too, naming its field.
 */
const guarded = <A>(
  decode: (input: unknown) => Either.Either<A, ParseResult.ParseError>,
  paramOverride: string | undefined
) =>
(input: unknown): Either.Either<A, InvalidRequest> => {
  try {
    return Either.mapLeft(decode(input), (error) => toInvalidRequest(error, paramOverride))
  } catch (error) {
    if (!(error instanceof RangeError)) throw error
    const param = paramOverride ?? tooDeep(input)
    return Either.left(
      new InvalidRequest({
        code: "parameter_invalid",
        ...(param !== undefined ? { param: truncate(param, 100) } : {}),
        message: `Invalid ${param !== undefined ? showPath([param]) : "request parameters"}: nests deeper than ${MAX_DEPTH} levels`
      })
    )
  }
}

/**
 * Validates a query's parameters, given as their type (a `DateTime` for a timestamp), and encodes
 * them as they go on the wire.
 */
export const validateQuery = <A, I>(schema: Schema.Schema<A, I>) => {
  return guarded(Schema.encodeUnknownEither(schema, { errors: "first" }), undefined)
}

/** Validates `input` against `schema`; the decoded value is what goes on the wire. */
export const validate = <A, I>(schema: Schema.Schema<A, I>, paramOverride?: string) => {
  return guarded(Schema.decodeUnknownEither(schema, { errors: "first" }), paramOverride)
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
  isMaxRetries: (value: number): boolean => Number.isInteger(value) && value >= 0,
  /** A response size limit: a whole number of bytes ≥ 1 (core's rule, shared with the Effect 4 edition). */
  isMaxResponseBytes
}
