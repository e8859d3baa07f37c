/**
 * A per-attempt deadline that forks one fiber instead of racing two.
 *
 * `Effect.timeoutFail` races the effect against a sleeping fiber: it forks both sides, merges the
 * winner's `FiberRef`s back and waits until the loser has been interrupted. With Effect's live
 * clock a sleep is just `setTimeout`, so here the effect runs in one forked fiber and a plain timer
 * interrupts it. Any other `Clock` (the `TestClock` above all) keeps `Effect.timeoutFail`, so
 * timeouts stay exactly as testable. The attempt's `FiberRef` changes are not merged back into the
 * caller: the request path sets none that the caller reads.
 */
import { Clock, Context, DefaultServices, Duration, Effect, Fiber, Option } from "effect"

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** Timers longer than this never fire in JavaScript (they fire at once): treat them as no deadline. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/**
 * `self`, failed with `onTimeout()` if it has not ended within `duration`. On a timeout, `self` is
 * interrupted (for an HTTP request that aborts it).
 */
export const withDeadline = <A, E, R, E1>(
  self: Effect.Effect<A, E, R>,
  duration: Duration.Duration,
  onTimeout: () => E1
): Effect.Effect<A, E | E1, R> =>
  Effect.clockWith((clock) => {
    const millis = Duration.toMillis(duration)
    if (clock !== liveClock || millis > MAX_TIMER_MILLIS) return Effect.timeoutFail(self, { duration, onTimeout })
    return Effect.uninterruptibleMask((restore) =>
      // The attempt's failure is handled here: its fiber must not also report it as unhandled.
      Effect.flatMap(Effect.withUnhandledErrorLogLevel(Effect.fork(restore(self)), Option.none()), (fiber) =>
        Effect.async<A, E | E1>((resume) => {
          let settled = false
          const timer = setTimeout(() => {
            if (settled) return
            settled = true
            // As Effect.timeoutFail does: the work is stopped (its request aborted) before the caller goes on.
            resume(Effect.zipRight(Fiber.interrupt(fiber), Effect.fail(onTimeout())))
          }, millis)
          fiber.addObserver((exit) => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            resume(exit)
          })
          // The caller was interrupted: stop the timer and the work.
          return Effect.suspend(() => {
            settled = true
            clearTimeout(timer)
            return Effect.asVoid(Fiber.interrupt(fiber))
          })
        }))
    )
  })
