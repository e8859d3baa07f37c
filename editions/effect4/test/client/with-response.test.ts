/**
 * `XtopayClient.withResponse`: the last Xtopay answer an effect received (status, request id,
 * idempotency key, replayed flag, attempts).
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { Customers, XtopayClient, XtopayControl, XtopayTest } from "../../src/index.js"

describe("XtopayClient.withResponse", () => {
  it.effect("a create: 201, its request id and key, not replayed, one attempt; the same key again is the replay, 200", () =>
    Effect.gen(function*() {
      const [ama, first] = yield* XtopayClient.withResponse(Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-1" }))
      assert.strictEqual(first.status, 201)
      assert.strictEqual(first.idempotencyKey, "order-1")
      assert.isFalse(first.replayed)
      assert.strictEqual(first.attempts, 1)
      assert.match(first.requestId ?? "", /^req_/)

      const [again, replay] = yield* XtopayClient.withResponse(Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-1" }))
      assert.strictEqual(again.id, ama.id)
      assert.strictEqual(replay.status, 200)
      assert.isTrue(replay.replayed)
      assert.notStrictEqual(replay.requestId, first.requestId)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a create without a key reports the key the client made, the one it sent", () =>
    Effect.gen(function*() {
      const [, response] = yield* XtopayClient.withResponse(Customers.create({ email: "ama@example.com" }))
      const sent = (yield* (yield* XtopayControl).requests).at(-1)?.headers["idempotency-key"]
      assert.isDefined(sent)
      assert.strictEqual(response.idempotencyKey, sent)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("one page of a list: 200, no idempotency key", () =>
    Effect.gen(function*() {
      yield* Customers.create({ email: "ama@example.com" })
      const [page, response] = yield* XtopayClient.withResponse(Customers.listPage({ limit: 1 }))
      assert.lengthOf(page.data, 1)
      assert.strictEqual(response.status, 200)
      assert.isUndefined(response.idempotencyKey)
      assert.strictEqual(response.attempts, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("after retries on the TestClock: the last answer, and how many attempts it took", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 2, route: "GET /customers", fault: { _tag: "Status", status: 503 } })
      const fiber = yield* Effect.forkChild(XtopayClient.withResponse(Customers.listPage()))
      yield* TestClock.adjust("10 seconds")
      const [, response] = yield* Fiber.join(fiber)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.attempts, 3)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a failed call still reports its last answer; an effect that made no request dies", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(XtopayClient.withResponse(Customers.retrieve("cus_missing")))
      assert.isTrue(Exit.isFailure(exit))
      const none = yield* Effect.exit(XtopayClient.withResponse(Effect.succeed(1)))
      assert.isTrue(Exit.isFailure(none) && Cause.hasDies(none.cause))
    }).pipe(Effect.provide(XtopayTest)))
})
