/**
 * `XtopayClient.withResponse`: the last Xtopay answer an effect received (status, request id,
 * idempotency key, replayed flag, attempts), in memory and over real sockets.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Schedule } from "effect"
import { Customers, XtopayClient, XtopayControl, XtopayTest, XtopayTestWith } from "../../src/index.js"
import { MockServer } from "../../src/testing/server.js"

describe("XtopayClient.withResponse, in memory", () => {
  it.effect("a create: 201, its request id and key, not replayed, one attempt; the same key again is the replay, 200", () =>
    Effect.gen(function*() {
      const [ama, first] = yield* XtopayClient.withResponse(
        Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-1" })
      )
      assert.strictEqual(first.status, 201)
      assert.strictEqual(first.idempotencyKey, "order-1")
      assert.isFalse(first.replayed)
      assert.strictEqual(first.attempts, 1)
      const recorded = (yield* (yield* XtopayControl).requests).at(-1)
      assert.match(first.requestId ?? "", /^req_/)

      const [again, replay] = yield* XtopayClient.withResponse(
        Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-1" })
      )
      assert.strictEqual(again.id, ama.id)
      assert.strictEqual(replay.status, 200)
      assert.isTrue(replay.replayed)
      assert.notStrictEqual(replay.requestId, first.requestId)
      assert.strictEqual(recorded?.headers["idempotency-key"], "order-1")
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
      assert.strictEqual(page.data.length, 1)
      assert.strictEqual(response.status, 200)
      assert.isUndefined(response.idempotencyKey)
      assert.strictEqual(response.attempts, 1)
    }).pipe(Effect.provide(XtopayTest)))

  it.live("after retries: the last answer, and how many attempts it took", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 2, route: "GET /customers", fault: { _tag: "Status", status: 503 } })
      const [, response] = yield* XtopayClient.withResponse(Customers.listPage())
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.attempts, 3)
    }).pipe(Effect.provide(XtopayTestWith({ retrySchedule: Schedule.spaced("1 millis") }))))

  it.effect("several calls: the last one's answer", () =>
    Effect.gen(function*() {
      const [, response] = yield* XtopayClient.withResponse(
        Effect.zipRight(Customers.create({ email: "ama@example.com" }), Customers.listPage())
      )
      assert.strictEqual(response.status, 200)
      assert.isUndefined(response.idempotencyKey)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("an effect that made no Xtopay request dies, saying so", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(XtopayClient.withResponse(Effect.succeed(1)))
      assert.isTrue(Exit.isFailure(exit) && Cause.isDie(exit.cause))
      if (Exit.isFailure(exit)) assert.include(Cause.pretty(exit.cause), "made no Xtopay request")
    }))
})

describe("XtopayClient.withResponse, over real sockets", () => {
  it.live("the mock server's status and X-Request-Id reach the caller", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      const [, response] = yield* XtopayClient.withResponse(Customers.create({ email: "ama@example.com" }))
      const recorded = (yield* control.requests).at(-1)
      assert.strictEqual(response.status, 201)
      assert.match(response.requestId ?? "", /^req_/)
      assert.strictEqual(response.idempotencyKey, recorded?.headers["idempotency-key"])
      const [, missing] = yield* XtopayClient.withResponse(Effect.either(Customers.retrieve("cus_missing")))
      assert.strictEqual(missing.status, 404)
    }).pipe(
      Effect.provide(MockServer.layerClient().pipe(Layer.provideMerge(MockServer.layer()), Layer.provide(FetchHttpClient.layer)))
    ))
})
