import { Duration, Effect, Option, Random } from "effect"
import type { XtopayError } from "../XtopayError.js"

/** Backoff: exponential from 500 ms, capped at 8 s, with full jitter. */
export const BASE_DELAY_MILLIS = 500
export const MAX_BACKOFF_MILLIS = 8_000
/** A server's wait hint above this fails at once instead of sleeping. */
export const MAX_RETRY_AFTER_MILLIS = 60_000

/**
 * Is this failure worth another attempt? Connection failures and timeouts (408 included), 409
 * `idempotency_key_in_use`, 429, and 500/502/503/504. Never other 4xx, 501, or a response the
 * client could not decode.
 */
export const isRetryable = (error: XtopayError): boolean => {
  switch (error._tag) {
    case "ConnectionError":
    case "RateLimited":
      return true
    case "IdempotencyConflict":
      return error.status === 409 && error.code !== "idempotency_key_mismatch"
    case "ServerError":
      return error.status === 500 || error.status === 502 || error.status === 503 || error.status === 504
    default:
      return false
  }
}

/** The wait the server asked for, from `Retry-After` (seconds or an HTTP date) or else `RateLimit`'s `t`. */
export const parseWaitHint = (
  headers: { readonly [name: string]: string | undefined },
  nowMillis: number
): Duration.Duration | undefined => {
  const retryAfter = headers["retry-after"]?.trim()
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Duration.millis(Math.round(Number(retryAfter) * 1000))
    const date = Date.parse(retryAfter)
    if (!Number.isNaN(date)) return Duration.millis(Math.max(0, date - nowMillis))
  }
  const rateLimit = headers["ratelimit"]
  if (rateLimit !== undefined) {
    const t = /(?:^|[;,\s])t=(\d+)/.exec(rateLimit)
    if (t?.[1] !== undefined) return Duration.seconds(Number(t[1]))
  }
  return undefined
}

/**
 * How long to wait before attempt `attempt + 1`, after `attempt` failed with `error`; `None`
 * means do not retry (the server asked for longer than the cap).
 */
export const defaultDelay = (error: XtopayError, attempt: number): Effect.Effect<Option.Option<Duration.Duration>> => {
  const hint = error._tag === "RateLimited" ? error.retryAfter : undefined
  if (hint !== undefined) {
    return Effect.succeed(
      Duration.toMillis(hint) > MAX_RETRY_AFTER_MILLIS ? Option.none() : Option.some(hint)
    )
  }
  const ceiling = Math.min(MAX_BACKOFF_MILLIS, BASE_DELAY_MILLIS * 2 ** (attempt - 1))
  return Effect.map(Random.next, (r) => Option.some(Duration.millis(Math.floor(r * ceiling))))
}
