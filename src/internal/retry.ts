/**
 * Which failures are retried, how long to wait before the next attempt, and reading the server's
 * wait hints (`Retry-After`, `RateLimit`).
 */
import { Clock, Duration, Effect, Random, type Schedule, ScheduleDecision, ScheduleIntervals } from "effect"
import type { XtopayError } from "../XtopayError.js"

/** Backoff: exponential from 500 ms, capped at 8 s, with full jitter. */
export const BASE_DELAY_MILLIS = 500
export const MAX_BACKOFF_MILLIS = 8_000
/** A server's wait hint above this fails at once instead of sleeping. */
export const MAX_RETRY_AFTER_MILLIS = 60_000

/**
 * Is this failure worth another attempt? Connection failures and timeouts (408 included), 409
 * `idempotency_key_in_use`, 429, and 500/502/503/504. Never other 4xx, 501, or an answer the
 * client could not use (a complete 2xx body that does not decode is not going to improve).
 */
export const isRetryable = (error: XtopayError): boolean => {
  switch (error._tag) {
    case "ConnectionError":
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
    // An HTTP date names a weekday and a month: a bare or negative number is not one.
    if (/[a-z]/i.test(retryAfter)) {
      const date = Date.parse(retryAfter)
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

/** Full jitter: uniformly in [0, min(8 s, 500 ms × 2^(attempt − 1))), from Effect's `Random`. */
export const backoff = (attempt: number): Effect.Effect<Duration.Duration> => {
  const ceiling = Math.min(MAX_BACKOFF_MILLIS, BASE_DELAY_MILLIS * 2 ** (attempt - 1))
  return Effect.map(Random.next, (r) => Duration.millis(Math.floor(r * ceiling)))
}

/** Why the planner said not to retry, or how long to wait. */
export type Plan =
  | { readonly _tag: "Wait"; readonly delay: Duration.Duration }
  | { readonly _tag: "HintTooLong"; readonly hint: Duration.Duration }
  | { readonly _tag: "ScheduleDone" }

/**
 * A planner for one logical call (it holds the custom schedule's state): after attempt `attempt`
 * failed with `error`, the server having asked to wait `hint`, what next?
 *
 * - a hint above 60 s: give up now (the caller learns `retryAfter` and decides);
 * - no custom schedule: the hint if there is one, else the default backoff;
 * - a custom schedule: its delay, but never less than the server's hint.
 */
export const makePlanner = (schedule: Schedule.Schedule<unknown, XtopayError> | undefined) => {
  let state: unknown = schedule?.initial
  return (error: XtopayError, hint: Duration.Duration | undefined, attempt: number): Effect.Effect<Plan> => {
    if (hint !== undefined && Duration.toMillis(hint) > MAX_RETRY_AFTER_MILLIS) {
      return Effect.succeed({ _tag: "HintTooLong", hint })
    }
    if (schedule === undefined) {
      return Effect.map(hint !== undefined ? Effect.succeed(hint) : backoff(attempt), (delay) => ({
        _tag: "Wait",
        delay
      }))
    }
    return Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.map(schedule.step(now, error, state), ([next, _out, decision]): Plan => {
        state = next
        if (ScheduleDecision.isDone(decision)) return { _tag: "ScheduleDone" }
        const wait = Duration.millis(Math.max(0, ScheduleIntervals.start(decision.intervals) - now))
        return { _tag: "Wait", delay: hint !== undefined ? Duration.max(wait, hint) : wait }
      }))
  }
}
