/**
 * A per-attempt deadline that starts no fiber race, and no timer when the work ends at once.
 *
 * `Effect.timeoutFail` races the effect against a sleeping fiber: it forks both sides, merges the
 * winner's `FiberRef`s back and waits until the loser has been interrupted. With Effect's live
 * clock a sleep is just `setTimeout`, so here the effect runs in a fiber of its own, started at
 * once on the caller's stack (`Runtime.runFork`). If it ends before it first waits (the in-memory
 * Xtopay answers that way), its exit is the answer: no timer, no scheduling. A timer could not
 * have fired in between anyway: JavaScript runs one thing at a time. Otherwise a plain timer
 * interrupts it when the deadline passes. Any other `Clock` (the `TestClock` above all) keeps
 * `Effect.timeoutFail`, so timeouts stay exactly as testable. The attempt's `FiberRef` changes are
 * not merged back into the caller: the request path sets none that the caller reads.
 */
import { Clock, Context, DefaultServices, Duration, Effect, Fiber, FiberRef, FiberRefs, Option, Runtime } from "effect"

const liveClock = Context.get(DefaultServices.liveServices, Clock.Clock)

/** Timers longer than this never fire in JavaScript (they fire at once): treat them as no deadline. */
const MAX_TIMER_MILLIS = 2 ** 31 - 1

/** The attempt's failure is handled here: its fiber must not also report it as unhandled. */
const attemptOptions: Runtime.RunForkOptions = {
  updateRefs: (refs, fiberId) =>
    FiberRefs.updateAs(refs, { fiberId, fiberRef: FiberRef.unhandledErrorLogLevel, value: Option.none() })
}

/**
 * `self`, failed with `onTimeout()` if it has not ended within `duration`. On a timeout, `self` is
 * interrupted (for an HTTP request that aborts it) before the failure is given.
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
      // The caller's runtime: its services, `FiberRef`s and interruptibility.
      Effect.flatMap(restore(Effect.runtime<R>()), (runtime) => {
        // Runs `self` now, on this stack, until it ends or first waits.
        const fiber = Runtime.runFork(runtime, self, attemptOptions)
        const ended = fiber.unsafePoll()
        if (ended !== null) return ended
        const wait = Effect.async<A, E | E1>((resume) => {
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
          return Effect.sync(() => {
            settled = true
            clearTimeout(timer)
          })
        })
        // The caller was interrupted (while waiting, or before the wait began): stop the work too.
        return Effect.onInterrupt(restore(wait), () => Fiber.interrupt(fiber))
      })
    )
  })
