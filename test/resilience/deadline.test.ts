/**
 * The per-attempt deadline: on Effect's live clock a plain timer interrupts the work; on any other
 * clock (the TestClock) it is `Effect.timeoutFail`, so both must behave the same.
 */
import { assert, describe, it } from "@effect/vitest"
import { Context, Duration, Effect, Exit, Fiber, FiberRef, Logger, LogLevel, TestClock } from "effect"
import { withDeadline } from "../../src/internal/deadline.js"

const late = () => "late" as const

class Greeting extends Context.Tag("Greeting")<Greeting, string>() {}
const currentLabel = FiberRef.unsafeMake("none")

describe("withDeadline on the live clock", () => {
  it.live("fails with onTimeout once the duration has passed, after the work was interrupted", () =>
    Effect.gen(function*() {
      let interrupted = false
      const started = Date.now()
      const exit = yield* Effect.exit(
        withDeadline(Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true)))), Duration.millis(50), late)
      )
      assert.deepStrictEqual(exit, Exit.fail("late"))
      assert.isTrue(interrupted, "the work is stopped before the caller goes on")
      assert.isAtLeast(Date.now() - started, 45)
    }))

  it.live("gives the work's value, or its failure, when it ends in time", () =>
    Effect.gen(function*() {
      const value = yield* withDeadline(Effect.as(Effect.sleep("5 millis"), 42), Duration.seconds(5), late)
      assert.strictEqual(value, 42)
      const failed = yield* Effect.exit(withDeadline(Effect.fail("boom" as const), Duration.seconds(5), late))
      assert.deepStrictEqual(failed, Exit.fail("boom"))
    }))

  it.live("a failure it passes on is not also logged as an unhandled fiber failure (Debug logs stay quiet)", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const logger = Logger.make(({ message }) => lines.push(String(message)))
      const quietly = <A, E>(effect: Effect.Effect<A, E>) =>
        Effect.exit(effect).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      // Failing at once, and failing after the work first waited.
      assert.deepStrictEqual(yield* quietly(withDeadline(Effect.fail("boom" as const), Duration.seconds(5), late)), Exit.fail("boom"))
      const afterWaiting = Effect.zipRight(Effect.sleep("5 millis"), Effect.fail("boom" as const))
      assert.deepStrictEqual(yield* quietly(withDeadline(afterWaiting, Duration.seconds(5), late)), Exit.fail("boom"))
      yield* Effect.sleep("10 millis")
      assert.deepStrictEqual(lines, [])
    }))

  it.live("the work runs with the caller's services and FiberRefs, before and after it first waits", () =>
    Effect.gen(function*() {
      const read = Effect.zip(Greeting, FiberRef.get(currentLabel))
      const atOnce = yield* withDeadline(read, Duration.seconds(5), late)
      const later = yield* withDeadline(Effect.zipRight(Effect.sleep("5 millis"), read), Duration.seconds(5), late)
      assert.deepStrictEqual(atOnce, ["akwaaba", "call 7"])
      assert.deepStrictEqual(later, ["akwaaba", "call 7"])
    }).pipe(Effect.provideService(Greeting, "akwaaba"), Effect.locally(currentLabel, "call 7")))

  it.live("work the caller runs uninterruptibly is not cut short: the timeout waits for it, as Effect.timeoutFail does", () =>
    Effect.gen(function*() {
      let finished = false
      const work = Effect.zipRight(Effect.sleep("30 millis"), Effect.sync(() => (finished = true)))
      // Uninterruptible caller: the deadline cannot stop the work, as with Effect.timeoutFail.
      const exit = yield* Effect.exit(Effect.uninterruptible(withDeadline(work, Duration.millis(5), late)))
      assert.isTrue(finished, "the work ran to its end")
      assert.deepStrictEqual(exit, Exit.fail("late"))
    }))

  it.live("interrupting the caller interrupts the work", () =>
    Effect.gen(function*() {
      let interrupted = false
      const fiber = yield* Effect.fork(
        withDeadline(Effect.never.pipe(Effect.onInterrupt(() => Effect.sync(() => (interrupted = true)))), Duration.seconds(30), late)
      )
      yield* Effect.sleep("10 millis")
      yield* Fiber.interrupt(fiber)
      assert.isTrue(interrupted)
    }))
})

describe("withDeadline on the TestClock", () => {
  it.effect("times out when the TestClock passes the duration, not before", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.fork(withDeadline(Effect.never, Duration.seconds(30), late))
      yield* TestClock.adjust("29 seconds")
      assert.isTrue((yield* Fiber.poll(fiber))._tag === "None", "still running at 29 s")
      yield* TestClock.adjust("1 second")
      assert.deepStrictEqual(yield* Fiber.await(fiber), Exit.fail("late"))
    }))
})
