/**
 * Which failures are retried, the retry policy as a `Schedule` (how long to wait before the next
 * attempt), and reading the server's wait hints (`Retry-After`, `RateLimit`).
 */
import { Cause, Duration, Effect, Option, Pull, Random, Schedule } from "effect"
import type { XtopayError } from "../XtopayError.js"
import { backoffCeilingMillis, isRetryableFailure, MAX_RETRY_AFTER_MILLIS, waitHintMillis } from "#core/retry.js"

/** The server's wait (core reads `Retry-After`, else `RateLimit`) as a `Duration`; `undefined` when none. */
export const parseWaitHint = (headers: Readonly<Record<string, string | undefined>>, nowMillis: number) =>
  Option.getOrUndefined(Option.map(Option.fromUndefinedOr(waitHintMillis(headers, nowMillis)), Duration.millis))

/** Full jitter: uniformly in [0, min(8 s, 500 ms × 2^(retry − 1))), from Effect's `Random`. */
export const backoff = (retry: number): Effect.Effect<Duration.Duration> => {
  const ceiling = backoffCeilingMillis(retry)
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
  if (!isRetryableFailure(error)) return Effect.succeed(false)
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
