/**
 * The per-attempt timeout: it covers the body, it is set per client or per request, and a
 * stalled attempt gives its connection back.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigError, Duration, Effect, Exit, Fiber, Option, Redacted, TestClock } from "effect"
import { Customers, type XtopayError } from "../../src/index.js"
import {
  BASE_URL,
  buildClient,
  CLIENT_ID,
  CLIENT_SECRET,
  customer,
  customerDetails,
  json,
  runOnTestClock,
  scripted,
  settle,
  stall
} from "./support.js"

const errorOf = <A>(exit: Exit.Exit<A, XtopayError>): XtopayError => {
  if (Exit.isSuccess(exit)) return assert.fail("expected the call to fail")
  if (exit.cause._tag !== "Fail") return assert.fail(`expected one failure, got ${String(exit.cause)}`)
  return exit.cause.error
}

describe("the per-attempt timeout", () => {
  it.effect("is 30 s by default and covers a body that never finishes: ConnectionError Timeout at 30 s", () =>
    Effect.gen(function*() {
      const script = scripted([stall()], { maxRetries: 0 })
      const fiber = yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.fork)
      yield* settle
      yield* TestClock.adjust(Duration.millis(29_999))
      yield* settle
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)), "still waiting at 29999 ms")
      yield* TestClock.adjust(Duration.millis(1))
      yield* settle
      const error = errorOf(Option.getOrThrow(yield* Fiber.poll(fiber)))
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Timeout")
      assert.strictEqual(error.attempts, 1)
    }))

  it.effect("a stalled attempt is interrupted, which aborts its request (the connection is released)", () =>
    Effect.gen(function*() {
      const script = scripted([stall()], { maxRetries: 0, timeout: "2 seconds" })
      const exit = yield* runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer)))
      assert.strictEqual(errorOf(exit)._tag, "ConnectionError")
      assert.isTrue(script.requests[0]?.signal.aborted, "the request's AbortSignal fired")
    }))

  it.effect("is per attempt: a stalled attempt is retried with a fresh timeout", () =>
    Effect.gen(function*() {
      const script = scripted([stall(), stall(), json(200, customerDetails())], { timeout: "5 seconds" })
      const exit = yield* runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer)))
      assert.isTrue(Exit.isSuccess(exit))
      const [first, second, third] = script.requests.map((request) => request.at)
      // Each stalled attempt lasted exactly the timeout; the backoff came on top.
      assert.isAtLeast((second ?? 0) - (first ?? 0), 5_000)
      assert.isBelow((second ?? 0) - (first ?? 0), 5_500)
      assert.isAtLeast((third ?? 0) - (second ?? 0), 5_000)
      assert.isBelow((third ?? 0) - (second ?? 0), 6_000)
      assert.isTrue(script.requests.slice(0, 2).every((request) => request.signal.aborted))
    }))

  it.effect("per client: `timeout` replaces the 30 s", () =>
    Effect.gen(function*() {
      const script = scripted([stall()], { maxRetries: 0, timeout: "3 seconds" })
      const fiber = yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.fork)
      yield* settle
      yield* TestClock.adjust(Duration.millis(2_999))
      yield* settle
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust(Duration.millis(1))
      yield* settle
      assert.strictEqual(errorOf(Option.getOrThrow(yield* Fiber.poll(fiber)))._tag, "ConnectionError")
    }))

  it.effect("per request: options.timeout replaces the client's", () =>
    Effect.gen(function*() {
      const script = scripted([stall()], { timeout: "1 minute" })
      const fiber = yield* Customers.create({ email: "ama@example.com" }, { timeout: "500 millis", maxRetries: 0 }).pipe(
        Effect.provide(script.layer),
        Effect.fork
      )
      yield* settle
      yield* TestClock.adjust(Duration.millis(499))
      yield* settle
      assert.isTrue(Option.isNone(yield* Fiber.poll(fiber)))
      yield* TestClock.adjust(Duration.millis(1))
      yield* settle
      const error = errorOf(Option.getOrThrow(yield* Fiber.poll(fiber)))
      assert.strictEqual(error._tag, "ConnectionError")
      assert.include(error.message, "timed out")
    }))

  it.effect("an answer in time is not affected by the timeout", () =>
    Effect.gen(function*() {
      const script = scripted([json(201, customer())], { timeout: "1 millis" })
      const created = yield* Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(script.layer))
      assert.strictEqual(created.id, "cus_a1b2c3")
    }))

  it.effect("a bad per-request timeout fails with InvalidRequest before anything is sent", () =>
    Effect.gen(function*() {
      for (const timeout of [0, -5, "soon" as Duration.DurationInput]) {
        const script = scripted([])
        const error = yield* Customers.create({ email: "ama@example.com" }, { timeout }).pipe(
          Effect.provide(script.layer),
          Effect.flip
        )
        assert.strictEqual(error._tag, "InvalidRequest")
        assert.strictEqual(error.param, "timeout")
        assert.strictEqual(script.requests.length, 0)
      }
    }))

  it.effect("a bad client timeout or maxRetries fails to build the client with a ConfigError", () =>
    Effect.gen(function*() {
      const options = { clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET), baseUrl: BASE_URL }
      const build = (extra: { timeout?: Duration.DurationInput; maxRetries?: number }) =>
        Effect.flip(buildClient({ ...options, ...extra }))
      for (const extra of [{ timeout: 0 }, { timeout: "-1 seconds" as Duration.DurationInput }, { maxRetries: -1 }, {
        maxRetries: 0.5
      }]) {
        const error = yield* build(extra)
        assert.isTrue(ConfigError.isConfigError(error))
        assert.isTrue(error._op === "InvalidData", JSON.stringify(extra))
      }
    }))
})
