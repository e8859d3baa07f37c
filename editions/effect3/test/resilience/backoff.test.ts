/**
 * How long the client waits between attempts, on the TestClock with a seeded Random.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Option, Random, Schedule, TestClock } from "effect"
import { Customers, type XtopayError } from "../../src/index.js"
import { isRetryableFailure as isRetryable } from "#core/retry.js"
import { ConnectionError, IdempotencyConflict, RateLimited, ServerError, UnexpectedResponse } from "../../src/XtopayError.js"
import { apiError, customerDetails, json, runOnTestClock, scripted, settle, type Step } from "./support.js"

const SEED = 20260524

/** Forks a retrieve over `steps` with the seeded Random, and lets it make its first attempt. */
const start = (steps: ReadonlyArray<Step>, options: Parameters<typeof scripted>[1] = {}) =>
  Effect.gen(function*() {
    const script = scripted(steps, options)
    const fiber = yield* Customers.retrieve("cus_a1b2c3").pipe(
      Effect.provide(script.layer),
      Effect.withRandom(Random.make(SEED)),
      Effect.fork
    )
    yield* settle
    return { fiber, requests: script.requests }
  })

/** Moves the TestClock on and lets the fibers woken by it run. */
const advance = (millis: number) => Effect.zipRight(TestClock.adjust(Duration.millis(millis)), settle)

/** The fiber's result, which must be there already (a fiber still waiting fails the test rather than hanging it). */
const finished = <A, E>(fiber: Fiber.RuntimeFiber<A, E>) =>
  Effect.flatMap(Fiber.poll(fiber), (done) =>
    Option.isSome(done) ? Effect.succeed(done.value) : Effect.dieMessage("the call is still waiting"))

const errorOf = <A>(exit: Exit.Exit<A, XtopayError>): XtopayError => {
  if (Exit.isSuccess(exit)) return assert.fail("expected the call to fail")
  if (exit.cause._tag !== "Fail") return assert.fail(`expected one failure, got ${String(exit.cause)}`)
  return exit.cause.error
}

describe("exponential backoff with full jitter", () => {
  it.effect("a 503, 503, 200 sequence waits exactly the seeded jittered delays, and nothing is sent early", () =>
    Effect.gen(function*() {
      // The same seed drawn the same way: full jitter below 500 ms, then below 1 s.
      const [r1, r2] = yield* Effect.withRandom(Effect.all([Random.next, Random.next]), Random.make(SEED))
      const first = Math.floor(r1 * 500)
      const second = Math.floor(r2 * 1000)
      assert.isAbove(first, 1, "pick a seed whose delays leave room to look before them")
      assert.isAbove(second, 1)

      const { fiber, requests } = yield* start([
        apiError(503, "api_error"),
        apiError(503, "api_error"),
        json(200, customerDetails())
      ])
      assert.strictEqual(requests.length, 1)

      yield* advance(first - 1)
      assert.strictEqual(requests.length, 1, "no retry before the first delay has passed")
      yield* advance(1)
      assert.strictEqual(requests.length, 2)

      yield* advance(second - 1)
      assert.strictEqual(requests.length, 2, "no retry before the second delay has passed")
      yield* advance(1)
      assert.strictEqual(requests.length, 3)

      assert.deepStrictEqual(requests.map((request) => request.at), [0, first, first + second])
      const customer = yield* Effect.flatten(finished(fiber))
      assert.strictEqual(customer.id, "cus_a1b2c3")
    }))

  it.effect("delays stay below 500 ms × 2^(n−1) and never above 8 s", () =>
    Effect.gen(function*() {
      const failures = Array.from({ length: 9 }, () => apiError(500, "api_error"))
      const script = scripted(failures, { maxRetries: 8 })
      const exit = yield* runOnTestClock(
        Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer))
      )
      assert.strictEqual(errorOf(exit).attempts, 9)
      const gaps = script.requests.slice(1).map((request, i) => request.at - (script.requests[i]?.at ?? 0))
      gaps.forEach((gap, i) => {
        assert.isBelow(gap, Math.min(8_000, 500 * 2 ** i) + 1, `gap ${i + 1}`)
      })
    }))
})

describe("what is retried", () => {
  it("a connection failure is, an unreachable rate-limit store is not (nothing was sent, and waiting does not bring it back)", () => {
    assert.isTrue(isRetryable(new ConnectionError({ reason: "Transport", message: "reset" })))
    assert.isTrue(isRetryable(new ConnectionError({ reason: "Timeout", message: "slow" })))
    assert.isFalse(isRetryable(new ConnectionError({ reason: "RateLimitStore", message: "redis down" })))
  })
})

describe("the server's wait hint", () => {
  it.effect("Retry-After in seconds is respected to the millisecond", () =>
    Effect.gen(function*() {
      const { fiber, requests } = yield* start([
        apiError(429, "rate_limit_exceeded", { "retry-after": "3" }),
        json(200, customerDetails())
      ])
      yield* advance(2_999)
      assert.strictEqual(requests.length, 1, "nothing at 2999 ms")
      yield* advance(1)
      assert.strictEqual(requests.length, 2, "the retry at 3000 ms")
      yield* Effect.flatten(finished(fiber))
    }))

  it.effect("Retry-After as an HTTP date is respected", () =>
    Effect.gen(function*() {
      const now = Date.UTC(2026, 4, 24, 10, 0, 0)
      yield* TestClock.setTime(now)
      const { fiber, requests } = yield* start([
        apiError(503, "api_error", { "retry-after": new Date(now + 7_000).toUTCString() }),
        json(200, customerDetails())
      ])
      yield* advance(6_999)
      assert.strictEqual(requests.length, 1)
      yield* advance(1)
      assert.strictEqual(requests.length, 2)
      assert.strictEqual(requests[1]?.at, now + 7_000)
      yield* Effect.flatten(finished(fiber))
    }))

  it.effect("the RateLimit header's t is respected when there is no Retry-After", () =>
    Effect.gen(function*() {
      const { fiber, requests } = yield* start([
        apiError(429, "rate_limit_exceeded", { ratelimit: "\"default\";r=0;t=5", "ratelimit-policy": "\"default\";q=100;w=60" }),
        json(200, customerDetails())
      ])
      yield* advance(4_999)
      assert.strictEqual(requests.length, 1)
      yield* advance(1)
      assert.strictEqual(requests.length, 2)
      yield* Effect.flatten(finished(fiber))
    }))

  it.effect("Retry-After wins over RateLimit", () =>
    Effect.gen(function*() {
      const { fiber, requests } = yield* start([
        apiError(429, "rate_limit_exceeded", { "retry-after": "2", ratelimit: "\"default\";r=0;t=10" }),
        json(200, customerDetails())
      ])
      yield* advance(2_000)
      assert.strictEqual(requests.length, 2)
      assert.strictEqual(requests[1]?.at, 2_000)
      yield* Effect.flatten(finished(fiber))
    }))

  it.effect("a wait of exactly 60 s is still honoured", () =>
    Effect.gen(function*() {
      const { fiber, requests } = yield* start([
        apiError(429, "rate_limit_exceeded", { "retry-after": "60" }),
        json(200, customerDetails())
      ])
      yield* advance(59_999)
      assert.strictEqual(requests.length, 1)
      yield* advance(1)
      assert.strictEqual(requests.length, 2)
      yield* Effect.flatten(finished(fiber))
    }))

  it.effect("a hint above 60 s fails at once with RateLimited carrying retryAfter, without sleeping", () =>
    Effect.gen(function*() {
      const { fiber, requests } = yield* start([
        apiError(429, "rate_limit_exceeded", { "retry-after": "61" }),
        json(200, customerDetails())
      ])
      const error = errorOf(yield* finished(fiber))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") {
        assert.deepStrictEqual(error.retryAfter, Duration.seconds(61))
      }
      assert.strictEqual(error.attempts, 1)
      assert.strictEqual(requests.length, 1)
    }))

  it.effect("a RateLimited that ends the retries still carries retryAfter and the attempt count", () =>
    Effect.gen(function*() {
      const limited = apiError(429, "rate_limit_exceeded", { "retry-after": "1" })
      const script = scripted([limited, limited, limited])
      const exit = yield* runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer)))
      const error = errorOf(exit)
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") assert.deepStrictEqual(error.retryAfter, Duration.seconds(1))
      assert.strictEqual(error.attempts, 3)
    }))
})

describe("a custom retrySchedule", () => {
  it.effect("replaces the default backoff, still bounded by maxRetries", () =>
    Effect.gen(function*() {
      const failure = apiError(503, "api_error")
      const { fiber, requests } = yield* start([failure, failure, failure], {
        retrySchedule: Schedule.spaced("250 millis")
      })
      yield* advance(249)
      assert.strictEqual(requests.length, 1)
      yield* advance(1)
      assert.strictEqual(requests.length, 2)
      yield* advance(250)
      assert.strictEqual(requests.length, 3)
      const error = errorOf(yield* finished(fiber))
      assert.strictEqual(error.attempts, 3)
      assert.deepStrictEqual(requests.map((request) => request.at), [0, 250, 500])
    }))

  it.effect("that ends stops the retries early", () =>
    Effect.gen(function*() {
      const failure = apiError(503, "api_error")
      const script = scripted([failure, failure], {
        maxRetries: 5,
        retrySchedule: Schedule.recurs(1)
      })
      const exit = yield* runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer)))
      assert.strictEqual(errorOf(exit).attempts, 2)
      assert.strictEqual(script.requests.length, 2)
    }))

  it.effect("still waits at least as long as the server asked", () =>
    Effect.gen(function*() {
      const { fiber, requests } = yield* start([
        apiError(429, "rate_limit_exceeded", { "retry-after": "3" }),
        json(200, customerDetails())
      ], { retrySchedule: Schedule.spaced("250 millis") })
      yield* advance(2_999)
      assert.strictEqual(requests.length, 1)
      yield* advance(1)
      assert.strictEqual(requests.length, 2)
      yield* Effect.flatten(finished(fiber))
    }))

  it.effect("is not asked about failures that are never retried", () =>
    Effect.gen(function*() {
      // What the schedule is stepped with: a schedule that logs or counts its input must see retries only.
      const asked: Array<string> = []
      const retrySchedule = Schedule.forever.pipe(
        Schedule.tapInput((error: XtopayError) => Effect.sync(() => asked.push(error._tag)))
      )
      const notFound = scripted([apiError(404, "customer_not_found")], { retrySchedule })
      const exit = yield* runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(notFound.layer)))
      assert.strictEqual(errorOf(exit)._tag, "NotFound")
      assert.strictEqual(notFound.requests.length, 1)
      // A wait above the 60 s cap ends the call too, and the schedule is not asked about it either.
      const tooLong = scripted([apiError(503, "api_error"), apiError(429, "rate_limit_exceeded", { "retry-after": "61" })], {
        retrySchedule
      })
      const limited = yield* runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(tooLong.layer)))
      assert.strictEqual(errorOf(limited)._tag, "RateLimited")
      assert.strictEqual(tooLong.requests.length, 2)
      assert.deepStrictEqual(asked, ["ServerError"])
    }))

  it.effect("gets a fresh state for each call", () =>
    Effect.gen(function*() {
      const failure = apiError(503, "api_error")
      const ok = json(200, customerDetails())
      const script = scripted([failure, ok, failure, ok], { retrySchedule: Schedule.recurs(1) })
      const exit = yield* runOnTestClock(
        Effect.zip(Customers.retrieve("cus_a1b2c3"), Customers.retrieve("cus_a1b2c3")).pipe(
          Effect.provide(script.layer)
        )
      )
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      assert.strictEqual(script.requests.length, 4)
    }))
})

// The parsing itself (delta-seconds, the three HTTP-date forms, RateLimit) is core's: test/core/retry.test.ts.
describe("reading hints and classifying failures", () => {
  it.effect("a Retry-After that is neither digits nor an HTTP date is no retryAfter on the error (the backoff applies)", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(429, "rate_limit_exceeded", { "retry-after": "retry 5" })], { maxRetries: 0 })
      const exit = yield* runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.flip))
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) {
        assert.strictEqual(exit.value._tag, "RateLimited")
        assert.isUndefined(exit.value.retryAfter)
      }
    }))

  it("retries exactly what is safe to retry", () => {
    const server = (status: number) => new ServerError({ status, message: "x" })
    assert.isTrue(isRetryable(new ConnectionError({ reason: "Transport", message: "x" })))
    assert.isTrue(isRetryable(new ConnectionError({ reason: "Timeout", message: "x" })))
    assert.isTrue(isRetryable(new ConnectionError({ reason: "BodyCut", message: "x" })))
    assert.isTrue(isRetryable(new RateLimited({ status: 429, message: "x" })))
    for (const status of [500, 502, 503, 504]) assert.isTrue(isRetryable(server(status)), String(status))
    for (const status of [501, 505, 599]) assert.isFalse(isRetryable(server(status)), String(status))
    assert.isTrue(isRetryable(new IdempotencyConflict({ status: 409, code: "idempotency_key_in_use", message: "x" })))
    assert.isFalse(isRetryable(new IdempotencyConflict({ status: 409, code: "idempotency_key_mismatch", message: "x" })))
    assert.isFalse(isRetryable(new IdempotencyConflict({ status: 422, code: "idempotency_key_mismatch", message: "x" })))
    assert.isFalse(isRetryable(new UnexpectedResponse({ status: 200, message: "x" })))
  })
})
