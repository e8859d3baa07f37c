/**
 * Which failures are retried, the retry policy as a `Schedule` (how long to wait before the next
 * attempt), and reading the server's wait hints (`Retry-After`, `RateLimit`).
 */
import { Cause, Duration, Effect, Pull, Random, Schedule } from "effect"
import type { XtopayError } from "../XtopayError.js"

/** Backoff: exponential from 500 ms, capped at 8 s, with full jitter. */
export const BASE_DELAY_MILLIS = 500
export const MAX_BACKOFF_MILLIS = 8_000
/** A server's wait hint above this fails at once instead of sleeping. */
export const MAX_RETRY_AFTER_MILLIS = 60_000

/**
 * Is this failure worth another attempt? Connection failures (not an unreachable rate-limit store)
 * and timeouts (408 included), 409 `idempotency_key_in_use`, 429, and 500/502/503/504. Never other
 * 4xx, 501, or an answer the client could not use.
 */
export const isRetryable = (error: XtopayError): boolean => {
  switch (error._tag) {
    case "ConnectionError":
      // The shared rate limit's store being down is this side's trouble: nothing was sent.
      return error.reason !== "RateLimitStore"
    case "RateLimited":
      return true
    case "IdempotencyConflict":
      return error.status === 409 && error.code === "idempotency_key_in_use"
    case "ServerError":
      return error.status === 500 || error.status === 502 || error.status === 503 || error.status === 504
    default:
      return false
  }
}

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
 * The wait the server asked for: `Retry-After` (delta-seconds or an HTTP date) first, else the
 * `t` of the IETF `RateLimit` header. `undefined` when neither says anything usable.
 */
export const parseWaitHint = (
  headers: { readonly [name: string]: string | undefined },
  nowMillis: number
): Duration.Duration | undefined => {
  const retryAfter = headers["retry-after"]?.trim()
  if (retryAfter !== undefined && retryAfter !== "") {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Duration.millis(Math.round(Number(retryAfter) * 1000))
    // Only an HTTP date's own forms: `Date.parse` reads almost anything ("retry 5") as some date.
    const form = HTTP_DATE.findIndex((date) => date.test(retryAfter))
    if (form >= 0) {
      // asctime's form names no zone, and `Date.parse` would take it as local time: it is GMT.
      const date = Date.parse(form === 2 ? `${retryAfter} GMT` : retryAfter)
      if (!Number.isNaN(date)) return Duration.millis(Math.max(0, date - nowMillis))
    }
  }
  const rateLimit = headers["ratelimit"]
  if (rateLimit !== undefined) {
    const seconds = rateLimitWait(rateLimit)
    if (seconds !== undefined) return Duration.seconds(seconds)
  }
  return undefined
}

/** Full jitter: uniformly in [0, min(8 s, 500 ms × 2^(retry − 1))), from Effect's `Random`. */
export const backoff = (retry: number): Effect.Effect<Duration.Duration> => {
  const ceiling = Math.min(MAX_BACKOFF_MILLIS, BASE_DELAY_MILLIS * 2 ** (retry - 1))
  return Effect.map(Random.next, (r) => Duration.millis(Math.floor(r * ceiling)))
}

interface Where {
  readonly method: string
  readonly route: string
}

const logRetry = (message: string, where: Where, error: XtopayError, retry: number, delay: Duration.Duration) =>
  Effect.logDebug(message).pipe(
    Effect.annotateLogs({
      "xtopay.method": where.method,
      "xtopay.route": where.route,
      "xtopay.attempt": retry,
      "xtopay.reason": [error._tag, error.status, error.code].filter((part) => part !== undefined).join(" "),
      "xtopay.delay_ms": Duration.toMillis(delay)
    })
  )

/** Retryable, and no server's wait above 60 s (that gives up at once, with a log line: the caller learns `retryAfter`). */
const willRetry = (error: XtopayError, where: Where): Effect.Effect<boolean> => {
  if (!isRetryable(error)) return Effect.succeed(false)
  const hint = error.retryAfter
  if (hint === undefined || Duration.toMillis(hint) <= MAX_RETRY_AFTER_MILLIS) return Effect.succeed(true)
  return Effect.as(
    logRetry(
      `Xtopay asked to wait ${Duration.format(hint)}, above the ${Duration.format(Duration.millis(MAX_RETRY_AFTER_MILLIS))} cap; not retrying`,
      where,
      error,
      error.attempts ?? 0,
      hint
    ),
    false
  )
}

/**
 * The retry policy of one call, a `Schedule` over its failures: a failure that is not retried ends
 * it before anything else is stepped, so a custom `schedule` sees only failures that will be
 * retried. At most `maxRetries` retries, each after the server's wait when it gave one, else the
 * default backoff; a custom `schedule` replaces the backoff (and may stop sooner) but never waits
 * less than the server asked. The schedule is a description: its state lives in each run.
 */
export const retryPolicy = (
  schedule: Schedule.Schedule<unknown, XtopayError> | undefined,
  maxRetries: number,
  where: Where
): Schedule.Schedule<number, XtopayError> =>
  Schedule.fromStep(Effect.gen(function*() {
    const custom = schedule === undefined ? undefined : yield* Schedule.toStep(schedule)
    let retries = 0
    return (now: number, error: XtopayError): Pull.Pull<[number, Duration.Duration], never, number> =>
      Effect.flatMap(willRetry(error, where), (again) => {
        if (!again || retries >= maxRetries) return Cause.done(retries)
        const retry = ++retries
        const hint = error.retryAfter
        const wait: Pull.Pull<Duration.Duration, never, number> = custom !== undefined
          ? Pull.catchDone(
            Effect.map(custom(now, error), ([, delay]) => hint !== undefined ? Duration.max(delay, hint) : delay),
            () => Cause.done(retries)
          )
          : hint !== undefined
          ? Effect.succeed(hint)
          : backoff(retry)
        return Effect.flatMap(wait, (delay) =>
          Effect.as(
            logRetry(`Xtopay request failed; retrying in ${Duration.format(delay)}`, where, error, retry, delay),
            [retry, delay] as [number, Duration.Duration]
          ))
      })
  }))
