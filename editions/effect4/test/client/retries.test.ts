/**
 * Retries on the `TestClock`: which failures are retried and how often, the server's wait honoured,
 * the backoff, the timeout covering the body, and one idempotency key across a call's attempts.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { Customers, XtopayControl, XtopayTest, XtopayTestWith } from "../../src/index.js"

/**
 * Moves the TestClock by `duration`, straight after the fork: XtopayTest answers at once (no
 * microtask), so a forked call has reached its sleep by the time the test adjusts the clock.
 */
const advance = (duration: Duration.Input) => TestClock.adjust(duration)

const requestsTo = (route: string) =>
  Effect.map(Effect.flatMap(XtopayControl, (control) => control.requests), (requests) =>
    requests.filter((request) => request.route === route))

describe("retries on the TestClock", () => {
  it.effect("two 503s then a success: three attempts, one idempotency key, each after a backoff within the cap", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 2, route: "POST /customers", fault: { _tag: "Status", status: 503 } })
      const fiber = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }))
      yield* Effect.yieldNow
      assert.isAtLeast((yield* requestsTo("POST /customers")).length, 1, "the first attempt at once")
      // Full jitter: the first retry within 500 ms, the second within 1 s after it (both may come sooner).
      yield* advance("500 millis")
      assert.isAtLeast((yield* requestsTo("POST /customers")).length, 2)
      yield* advance("1 second")
      const customer = yield* Fiber.join(fiber)
      const sent = yield* requestsTo("POST /customers")
      assert.lengthOf(sent, 3)
      const keys = new Set(sent.map((request) => request.headers["idempotency-key"]))
      assert.strictEqual(keys.size, 1, "every attempt carries the same key")
      assert.match([...keys][0] ?? "", /^xtopay-effect-/)
      assert.strictEqual((yield* Customers.retrieve(customer.id)).id, customer.id)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("maxRetries bounds the attempts: 1 + maxRetries, then the last failure", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 10, route: "GET /customers", fault: { _tag: "Status", status: 500 } })
      const fiber = yield* Effect.forkChild(Effect.flip(Customers.listPage({}, { maxRetries: 3 })))
      for (let i = 0; i < 4; i++) yield* advance("10 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.attempts, 4)
      assert.lengthOf(yield* requestsTo("GET /customers"), 4)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a 429's Retry-After is waited out, no sooner", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "GET /customers", fault: { _tag: "RateLimit", retryAfterSeconds: 5 } })
      const fiber = yield* Effect.forkChild(Customers.listPage())
      yield* advance("4999 millis")
      assert.lengthOf(yield* requestsTo("GET /customers"), 1, "not before the server's 5 s")
      yield* advance("1 millis")
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requestsTo("GET /customers"), 2)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a custom retrySchedule still waits at least Retry-After", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "GET /customers", fault: { _tag: "RateLimit", retryAfterSeconds: 3 } })
      const fiber = yield* Effect.forkChild(Customers.listPage())
      yield* advance("2 seconds")
      assert.lengthOf(yield* requestsTo("GET /customers"), 1)
      yield* advance("1 second")
      yield* Fiber.join(fiber)
      assert.lengthOf(yield* requestsTo("GET /customers"), 2)
    }).pipe(Effect.provide(XtopayTestWith({ retrySchedule: Schedule.spaced("10 millis") }))))

  it.effect("a Retry-After above 60 s is not slept on: the RateLimited error comes at once", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "RateLimit", retryAfterSeconds: 120 } })
      const error = yield* Effect.flip(Customers.listPage())
      assert.strictEqual(error._tag, "RateLimited")
      assert.lengthOf(yield* control.requests, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("4xx other than 409 in-use and 429 are never retried", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Status", status: 400, code: "parameter_invalid" } })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }))
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.lengthOf(yield* control.requests, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a connection dropped after the create was processed: the retry with the same key is answered the same customer", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Drop", when: "before-headers" } })
      const fiber = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }))
      yield* advance("1 second")
      const customer = yield* Fiber.join(fiber)
      const everyone = yield* Customers.listPage()
      assert.deepStrictEqual(everyone.data.map((c) => c.id), [customer.id], "one customer, not two")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("the timeout covers the body: a stalled body ends the attempt after the timeout, and is retried", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 5, route: "GET /customers", fault: { _tag: "Stall" } })
      const fiber = yield* Effect.forkChild(Effect.flip(Customers.listPage({}, { timeout: "2 seconds", maxRetries: 1 })))
      yield* advance("1999 millis")
      assert.isUndefined(fiber.pollUnsafe(), "still waiting for the body")
      yield* advance("1 millis")
      yield* advance("1 second")
      yield* advance("2 seconds")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ConnectionError")
      assert.strictEqual(error._tag === "ConnectionError" ? error.reason : undefined, "Timeout")
      assert.strictEqual(error.attempts, 2)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a POST with a caller's key is retried with that key", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Status", status: 502 } })
      const fiber = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-42" }))
      yield* advance("1 second")
      yield* Fiber.join(fiber)
      const keys = (yield* requestsTo("POST /customers")).map((request) => request.headers["idempotency-key"])
      assert.deepStrictEqual(keys, ["order-42", "order-42"])
    }).pipe(Effect.provide(XtopayTest)))
})
