/**
 * The retry rules both editions share: which failures are worth another attempt, the backoff's
 * bounds, and reading the server's wait hints (`Retry-After`, the IETF `RateLimit` header) into
 * milliseconds. Each edition builds its `Schedule` over these.
 */

/** Backoff: exponential from 500 ms, capped at 8 s, with full jitter. */
export const BASE_DELAY_MILLIS = 500
export const MAX_BACKOFF_MILLIS = 8_000
/** A server's wait hint above this fails at once instead of sleeping. */
export const MAX_RETRY_AFTER_MILLIS = 60_000

/** The 5xx answers retried: 501 (not implemented) is never going to change. */
export const RETRYABLE_SERVER_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504])

/** What the retry rule reads of a failure: its tag and, where it has them, status, code and reason. */
export interface RetryableShape {
  readonly _tag: string
  readonly status?: number | undefined
  readonly code?: string | undefined
  readonly reason?: string | undefined
}

/**
 * Is this failure worth another attempt? Connection failures (not an unreachable rate-limit store)
 * and timeouts (408 included), 409 `idempotency_key_in_use`, 429, and 500/502/503/504. Never other
 * 4xx, 501, or an answer the client could not use (a complete 2xx body that does not decode is not
 * going to improve).
 */
export const isRetryableFailure = (failure: RetryableShape): boolean => {
  switch (failure._tag) {
    case "ConnectionError":
      // The shared rate limit's store being down is this side's trouble: fail at once, nothing was sent.
      return failure.reason !== "RateLimitStore"
    case "RateLimited":
      return true
    case "IdempotencyConflict":
      return failure.status === 409 && failure.code === "idempotency_key_in_use"
    case "ServerError":
      return failure.status !== undefined && RETRYABLE_SERVER_STATUSES.has(failure.status)
    default:
      return false
  }
}

/** The full-jitter ceiling before retry number `retry` (1-based): min(8 s, 500 ms × 2^(retry − 1)). */
export const backoffCeilingMillis = (retry: number): number =>
  Math.min(MAX_BACKOFF_MILLIS, BASE_DELAY_MILLIS * 2 ** (retry - 1))

/** `RateLimit: "default";r=0;t=30, "burst";r=5;t=2` → the longest `t` among exhausted (or unspecified) quotas. */
const rateLimitWait = (header: string): number | undefined => {
  let wait: number | undefined
  for (const item of header.split(",")) {
    const params = new Map<string, string>()
    for (const part of item.split(";")) {
      const eq = part.indexOf("=")
      if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim())
    }
    const t = params.get("t")
    const r = params.get("r")
    // A quota with requests left is not a reason to wait.
    if (t === undefined || !/^\d+$/.test(t) || (r !== undefined && r !== "0")) continue
    wait = Math.max(wait ?? 0, Number(t))
  }
  return wait
}

const DAY = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
const MONTH = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
const TIME = "\\d{2}:\\d{2}:\\d{2}"

/** RFC 9110's HTTP-date: IMF-fixdate, the obsolete RFC 850 form, and asctime's. */
const HTTP_DATE = [
  new RegExp(`^${DAY}, \\d{2} ${MONTH} \\d{4} ${TIME} GMT$`),
  new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \\d{2}-${MONTH}-\\d{2} ${TIME} GMT$`),
  new RegExp(`^${DAY} ${MONTH} [ \\d]\\d ${TIME} \\d{4}$`)
]

/**
 * The wait the server asked for, in milliseconds: `Retry-After` (delta-seconds or an HTTP date)
 * first, else the `t` of the IETF `RateLimit` header. `undefined` when neither says anything usable.
 */
export const waitHintMillis = (
  headers: { readonly [name: string]: string | undefined },
  nowMillis: number
): number | undefined => {
  const retryAfter = headers["retry-after"]?.trim()
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Math.round(Number(retryAfter) * 1000)
    // Only an HTTP date's own forms: `Date.parse` reads almost anything ("retry 5") as some date.
    const form = HTTP_DATE.findIndex((date) => date.test(retryAfter))
    if (form >= 0) {
      // asctime's form names no zone, and `Date.parse` would take it as local time: it is GMT.
      const date = Date.parse(form === 2 ? `${retryAfter} GMT` : retryAfter)
      if (!Number.isNaN(date)) return Math.max(0, date - nowMillis)
    }
  }
  const rateLimit = headers["ratelimit"]
  if (rateLimit !== undefined) {
    const seconds = rateLimitWait(rateLimit)
    if (seconds !== undefined) return seconds * 1000
  }
  return undefined
}
