/**
 * Which failures are retried, the retry policy as a `Schedule` (how long to wait before the next
 * attempt), and reading the server's wait hints (`Retry-After`, `RateLimit`).
 */
import { Duration, Effect, Option, Random, Schedule, ScheduleDecision } from "effect"
import type { XtopayError } from "../XtopayError.js"
import { backoffCeilingMillis, isRetryableFailure, MAX_RETRY_AFTER_MILLIS, waitHintMillis } from "#core/retry.js"

/** The server's wait (core reads `Retry-After`, else `RateLimit`) as a `Duration`; `undefined` when none. */
export const parseWaitHint = (headers: Readonly<Record<string, string | undefined>>, nowMillis: number) =>
  Option.getOrUndefined(Option.map(Option.fromNullable(waitHintMillis(headers, nowMillis)), Duration.millis))

/** Full jitter: uniformly in [0, min(8 s, 500 ms × 2^(attempt − 1))), from Effect's `Random`. */
export const backoff = (attempt: number): Effect.Effect<Duration.Duration> => {
  const ceiling = backoffCeilingMillis(attempt)
  return Effect.map(Random.next, (r) => Duration.millis(Math.floor(r * ceiling)))
}

const hintTooLong = (error: XtopayError): boolean =>
  error.retryAfter !== undefined && Duration.toMillis(error.retryAfter) > MAX_RETRY_AFTER_MILLIS

const logRetry = (message: string, where: Where, error: XtopayError, attempt: number, delay: Duration.Duration) =>
  Effect.logDebug(message).pipe(
    Effect.annotateLogs({
      "xtopay.method": where.method,
      "xtopay.route": where.route,
      "xtopay.attempt": attempt,
      "xtopay.reason": [error._tag, error.status, error.code].filter((part) => part !== undefined).join(" "),
      "xtopay.delay_ms": Duration.toMillis(delay)
    })
  )

interface Where {
  readonly method: string
  readonly route: string
}

/**
 * Whether to try again after `error`: retryable, and no server's wait above 60 s (that gives up at
 * once, with a log line: the caller learns `retryAfter` and decides).
 */
const willRetry = (error: XtopayError, where: Where): Effect.Effect<boolean> =>
  !isRetryableFailure(error)
    ? Effect.succeed(false)
    : !hintTooLong(error)
    ? Effect.succeed(true)
    : Effect.as(
      logRetry(
        `Xtopay asked to wait ${Duration.format(error.retryAfter!)}, above the ${
          Duration.format(Duration.millis(MAX_RETRY_AFTER_MILLIS))
        } cap; not retrying`,
        where,
        error,
        error.attempts ?? 0,
        error.retryAfter!
      ),
      false
    )

/**
 * The retry policy of one call, a `Schedule` over its failures. A failure that is not retried
 * ends it before anything else is stepped, so a custom `schedule` (and the count) sees only the
 * failures that will be retried. Otherwise: at most `maxRetries` retries, each after the server's
 * wait when it gave one, else the default backoff; a custom `schedule` replaces the backoff (and
 * may stop sooner) but never waits less than the server asked.
 */
export const retryPolicy = (
  schedule: Schedule.Schedule<unknown, XtopayError> | undefined,
  maxRetries: number,
  where: Where
): Schedule.Schedule<[number, XtopayError], XtopayError> => {
  const counted = Schedule.intersect(Schedule.recurs(maxRetries), Schedule.identity<XtopayError>())
  const base = schedule === undefined ? counted : Schedule.map(Schedule.intersect(schedule, counted), ([, c]) => c)
  const waited = Schedule.modifyDelayEffect(base, ([retry, error], delay) => {
    const wait = schedule !== undefined
      ? Effect.succeed(error.retryAfter !== undefined ? Duration.max(delay, error.retryAfter) : delay)
      : error.retryAfter !== undefined
      ? Effect.succeed(error.retryAfter)
      : backoff(retry + 1)
    return Effect.tap(wait, (next) =>
      logRetry(`Xtopay request failed; retrying in ${Duration.format(next)}`, where, error, retry + 1, next))
  })
  // `Effect.retry`'s `while` is asked only after the schedule has stepped: the check goes first here
  // instead. A finished schedule's output is never read; `[0, error]` only fills its place.
  return Schedule.makeWithState(waited.initial, (now, error: XtopayError, state) =>
    Effect.flatMap(willRetry(error, where), (again) =>
      again
        ? waited.step(now, error, state)
        : Effect.succeed([state, [0, error] as [number, XtopayError], ScheduleDecision.done] as const)))
}
