/**
 * The per-attempt deadline: on Effect's live clock a plain timer interrupts the work; on any other
 * clock (the TestClock) it is `Effect.timeoutFail`, so both must behave the same.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Logger, LogLevel, TestClock } from "effect"
import { withDeadline } from "../../src/internal/deadline.js"

const late = () => "late" as const

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
      const exit = yield* Effect.exit(withDeadline(Effect.fail("boom" as const), Duration.seconds(5), late)).pipe(
        Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
        Logger.withMinimumLogLevel(LogLevel.Debug)
      )
      assert.deepStrictEqual(exit, Exit.fail("boom"))
      yield* Effect.sleep("10 millis")
      assert.deepStrictEqual(lines, [])
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
