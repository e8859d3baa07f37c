/**
 * The mock server delivers events over real HTTP: to a receiver on 127.0.0.1 that verifies them
 * with `Webhooks.handler`, retried on `webhookRetryDelays` (the `--webhook-retry-delays` flag),
 * never delaying the API's answers, and stopping when the server stops.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Layer, Ref, Schedule, Stream } from "effect"
import { createServer } from "node:http"
import {
  Customers,
  Events,
  SetupIntents,
  WebhookEndpoints,
  Webhooks,
  XtopayControl,
  type XtopayEvent,
  XtopayTestWith
} from "../../src/index.js"
import { MockServer } from "../../src/testing/server.js"

/** A receiver on a free loopback port: `Webhooks.handler`, failing the first `failures` deliveries. */
const receiver = (failures: number) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<XtopayEvent>>([])
    let calls = 0
    const router = HttpRouter.empty.pipe(
      HttpRouter.post(
        "/webhooks/xtopay",
        Webhooks.handler((event) => ++calls <= failures ? Effect.fail("not yet") : Ref.update(seen, (all) => [...all, event]))
      ),
      // Answers long after the API has: the API must not wait for it.
      HttpRouter.post("/slow", Effect.as(Effect.sleep("1500 millis"), HttpServerResponse.empty()))
    )
    const server = yield* NodeHttpServer.make(() => createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(router)
    const address = server.address
    if (address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
    return { base: `http://127.0.0.1:${address.port}`, seen: Ref.get(seen), calls: Effect.sync(() => calls) }
  })

/** Polls `check` every 20 ms for up to 5 s (real time: deliveries cross real sockets). */
const eventually = <A, R>(check: Effect.Effect<A, never, R>, until: (a: A) => boolean) =>
  check.pipe(
    Effect.filterOrFail(until, () => "not yet"),
    Effect.retry(Schedule.spaced("20 millis")),
    Effect.timeoutFail({ duration: "5 seconds", onTimeout: () => new Error("timed out waiting") }),
    Effect.orDie
  )

const mock = (delays: ReadonlyArray<number>) => {
  const server = MockServer.layer({ webhookRetryDelays: delays.map((ms) => Duration.millis(ms)) }).pipe(Layer.orDie)
  return Layer.merge(MockServer.layerClient().pipe(Layer.provide(server), Layer.provide(FetchHttpClient.layer), Layer.orDie), server)
}

describe("the mock server delivers webhooks over HTTP", () => {
  it.live("a loopback receiver with Webhooks.handler gets customer.payment_method_added, signed with the account's secret", () =>
    Effect.gen(function*() {
      const { base, seen } = yield* receiver(0)
      yield* WebhookEndpoints.create({ url: `${base}/webhooks/xtopay`, events: ["customer.payment_method_added"] })
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      const control = yield* XtopayControl
      const card = yield* control.completeSetupIntent(intent.id, { type: "card" })
      const events = yield* eventually(seen, (all) => all.length > 0)
      assert.deepStrictEqual(events.map((event) => event.type), ["customer.payment_method_added"])
      assert.strictEqual((events[0]!.data as { id: string }).id, card.id)
    }).pipe(Effect.scoped, Effect.provide(mock([200, 400]))))

  it.live("retries on the shortened schedule (--webhook-retry-delays); the attempts list shows failed, failed, succeeded", () =>
    Effect.gen(function*() {
      const { base, seen } = yield* receiver(2)
      yield* WebhookEndpoints.create({ url: `${base}/webhooks/xtopay` })
      yield* Customers.create({ email: "ama@example.com" })
      const [event] = (yield* Events.listPage()).data
      yield* eventually(seen, (all) => all.length > 0)
      const attempts = Chunk.toReadonlyArray(yield* Stream.runCollect(Events.deliveryAttempts(event!.id)))
      assert.deepStrictEqual(attempts.map((a) => [a.status, a.response_status]), [["failed", 500], ["failed", 500], ["succeeded", 200]])
      const gaps = [1, 2].map((i) => attempts[i]!.attempted_at.epochMillis - attempts[i - 1]!.attempted_at.epochMillis)
      assert.isAtLeast(gaps[0]!, 200)
      assert.isAtLeast(gaps[1]!, 400)
      // A replay delivers once more.
      yield* Events.replay(event!.id)
      yield* eventually(seen, (all) => all.length === 2)
    }).pipe(Effect.scoped, Effect.provide(mock([200, 400]))))

  it.live("a receiver that answers late does not delay the API, and a dead one is recorded as failed", () =>
    Effect.gen(function*() {
      const { base } = yield* receiver(0)
      const slow = yield* WebhookEndpoints.create({ url: `${base}/slow` })
      const dead = yield* WebhookEndpoints.create({ url: "http://127.0.0.1:9/dead" })
      const [took] = yield* Effect.timed(Customers.create({ email: "ama@example.com" }))
      assert.isBelow(Duration.toMillis(took), 1_000)
      const [event] = (yield* Events.listPage()).data
      const attempts = yield* eventually(
        Effect.map(Stream.runCollect(Events.deliveryAttempts(event!.id)), Chunk.toReadonlyArray).pipe(Effect.orDie),
        (all) => all.length === 2
      )
      const byEndpoint = new Map(attempts.map((a) => [a.endpoint_id, [a.status, a.response_status]]))
      assert.deepStrictEqual([byEndpoint.get(slow.id), byEndpoint.get(dead.id)], [["succeeded", 204], ["failed", null]])
      // The dead endpoint's retry, a minute away, must not hold the server's close.
    }).pipe(Effect.scoped, Effect.provide(mock([60_000]))), { timeout: 20_000 })

  it.live("deliveries stop when the server stops", () =>
    Effect.gen(function*() {
      const { base, calls, seen } = yield* receiver(1)
      yield* Effect.gen(function*() {
        yield* WebhookEndpoints.create({ url: `${base}/webhooks/xtopay` })
        yield* Customers.create({ email: "ama@example.com" })
        yield* Effect.sleep("100 millis")
      }).pipe(Effect.provide(mock([300])))
      // The first attempt reached the handler and failed; the retry was due 300 ms later, after the server had stopped.
      assert.strictEqual(yield* calls, 1)
      yield* Effect.sleep("600 millis")
      assert.strictEqual(yield* calls, 1)
      assert.deepStrictEqual(yield* seen, [])
    }).pipe(Effect.scoped, Effect.provide(XtopayTestWith())))
})
