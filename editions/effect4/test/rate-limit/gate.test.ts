/**
 * XtopayRateLimit in one process: the client takes a token before each attempt (TestClock), a
 * 429's wait holds back every call sharing the budget, and a Redis that cannot be reached fails
 * the call at once before anything is sent (or, with failOpen, sends anyway), and is used again
 * once it is back.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Exit, Fiber, Layer, Redacted } from "effect"
import * as RateLimiter from "effect/persistence/RateLimiter"
import { TestClock } from "effect/testing"
import { Customers, FetchTransport, XtopayClient, XtopayControl, XtopayTestWith } from "../../src/index.js"
import { XtopayRateGate } from "../../src/internal/rateGate.js"
import { ConnectionError } from "../../src/XtopayError.js"
import { missingRedisMessage, type RateLimitOptions, XtopayRateLimit } from "../../src/rate-limit.js"
import { answering } from "../node/servers.js"
import { type AddressInfo, createServer, type Server, type Socket } from "node:net"
import { freePort, redisServer } from "./support.js"

const postsSoFar = Effect.flatMap(Effect.service(XtopayControl), (control) => control.requests).pipe(
  Effect.map((requests) => requests.filter((request) => request.route === "POST /customers").length)
)

/** Lets forked fibers run up to their next wait on the TestClock. */
const settle = TestClock.adjust(Duration.zero)

const testOver = (gate: Layer.Layer<XtopayRateGate>) => XtopayTestWith().pipe(Layer.provide(gate))

describe("the client's gate hook", () => {
  it.effect("each attempt takes a token first, retries included; a 429's Retry-After is handed to backOff", () =>
    Effect.gen(function*() {
      const takes: Array<string> = []
      const backOffs: Array<readonly [string, number]> = []
      const gate = Layer.succeed(XtopayRateGate, {
        take: (clientId) => Effect.sync(() => void takes.push(clientId)),
        backOff: (clientId, wait) => Effect.sync(() => void backOffs.push([clientId, Duration.toMillis(wait)]))
      })
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "RateLimit", retryAfterSeconds: 2 } })
        const fiber = yield* Effect.forkChild(Customers.create({ email: "ama@example.com" }))
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(fiber)
        assert.strictEqual(yield* postsSoFar, 2)
      }).pipe(Effect.provide(XtopayTestWith({ clientId: "cid_test_gated", clientSecret: Redacted.make("csk_test_gated") }).pipe(
        Layer.provide(gate)
      )))
      assert.deepStrictEqual(takes, ["cid_test_gated", "cid_test_gated"])
      assert.deepStrictEqual(backOffs, [["cid_test_gated", 2_000]])
    }))

  it.effect("a take that fails fails the call with its error, and nothing is sent", () =>
    Effect.gen(function*() {
      const gate = Layer.succeed(XtopayRateGate, {
        take: () => Effect.fail(new ConnectionError({ reason: "RateLimitStore", message: "store down. Nothing was sent." })),
        backOff: () => Effect.void
      })
      yield* Effect.gen(function*() {
        const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }))
        assert.strictEqual(error._tag, "ConnectionError")
        assert.strictEqual(error._tag === "ConnectionError" ? error.reason : undefined, "RateLimitStore")
        // Not retried either: the store's answer would be the same.
        assert.strictEqual(error.attempts ?? 0, 0)
        assert.strictEqual(yield* postsSoFar, 0)
      }).pipe(Effect.provide(testOver(gate)))
    }))
})

describe("XtopayRateLimit.layerMemory", () => {
  it.effect("a full bucket lets `limit` calls go at once, then one every window/limit", () =>
    Effect.gen(function*() {
      const fiber = yield* Effect.forkChild(
        Effect.forEach([1, 2, 3, 4, 5], (i) => Customers.create({ email: `c${i}@example.com` }), { concurrency: 5 })
      )
      yield* settle
      assert.strictEqual(yield* postsSoFar, 2)
      yield* TestClock.adjust("499 millis")
      assert.strictEqual(yield* postsSoFar, 2)
      yield* TestClock.adjust("1 millis")
      assert.strictEqual(yield* postsSoFar, 3)
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(fiber)).length, 5)
      assert.strictEqual(yield* postsSoFar, 5)
    }).pipe(Effect.provide(testOver(XtopayRateLimit.layerMemory({ limit: 2, window: "1 second" })))))

  it.effect("a 429 asking for 2 s holds back every call that shares the budget for 2 s", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "RateLimit", retryAfterSeconds: 2 } })
      const first = yield* Effect.forkChild(Customers.create({ email: "first@example.com" }))
      yield* settle
      assert.strictEqual(yield* postsSoFar, 1)
      // Tokens are left in the bucket, but the 429's wait took them and the two seconds besides.
      const second = yield* Effect.forkChild(Customers.create({ email: "second@example.com" }))
      yield* TestClock.adjust("1999 millis")
      assert.strictEqual(yield* postsSoFar, 1)
      yield* TestClock.adjust("2 seconds")
      yield* Fiber.join(first)
      yield* Fiber.join(second)
      assert.strictEqual(yield* postsSoFar, 3)
    }).pipe(Effect.provide(testOver(XtopayRateLimit.layerMemory({ limit: 10, window: "1 second" })))))

  it.effect("the budget is per client id: two clients of one layer each have their own bucket", () =>
    Effect.gen(function*() {
      const gate = yield* Layer.build(XtopayRateLimit.layerMemory({ limit: 1, window: "1 second" }))
      const shop = (clientId: string) =>
        XtopayTestWith({ clientId, clientSecret: Redacted.make("csk_test_x") }).pipe(Layer.provide(Layer.succeedContext(gate)))
      const a = yield* Layer.build(shop("cid_test_a"))
      const b = yield* Layer.build(shop("cid_test_b"))
      const started = yield* Effect.forkChild(Effect.all([
        Customers.create({ email: "a1@example.com" }).pipe(Effect.provide(a)),
        Customers.create({ email: "b1@example.com" }).pipe(Effect.provide(b)),
        Customers.create({ email: "a2@example.com" }).pipe(Effect.provide(a))
      ], { concurrency: "unbounded" }))
      yield* settle
      // a1 and b1 go at once (a bucket each); a2 waits for a's next token.
      assert.isUndefined(started.pollUnsafe())
      yield* TestClock.adjust("1 second")
      assert.lengthOf(yield* Fiber.join(started), 3)
    }))
})

/** A client over FetchTransport to `baseUrl`, its budget from `gate`. */
const clientOver = (baseUrl: string, gate: Layer.Layer<XtopayRateGate>) =>
  XtopayClient.layer({ clientId: "cid_test_shop", clientSecret: Redacted.make("csk_test_shop"), baseUrl, maxRetries: 0 }).pipe(
    Layer.provide(FetchTransport),
    Layer.provide(gate),
    Layer.orDie
  )

const redisAt = (port: number, extra: Partial<Parameters<typeof XtopayRateLimit.layerRedis>[0]> = {}) =>
  XtopayRateLimit.layerRedis({ limit: 5, window: "1 second", redis: { host: "127.0.0.1", port }, ...extra })

describe("XtopayRateLimit.layerRedis without a Redis", () => {
  it.live("the call fails within 0.6 s with a ConnectionError naming the store, and nothing is sent", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const server = yield* answering
      const client = yield* Layer.build(clientOver(`${server.url}/v1`, redisAt(port)))
      for (let i = 0; i < 3; i++) {
        const started = Date.now()
        const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(client)))
        assert.isBelow(Date.now() - started, 600)
        assert.strictEqual(error._tag, "ConnectionError")
        assert.strictEqual(error._tag === "ConnectionError" ? error.reason : undefined, "RateLimitStore")
        assert.include(error.message, `redis 127.0.0.1:${port}`)
        assert.include(error.message, "ECONNREFUSED")
        assert.include(error.message, "Nothing was sent")
      }
      assert.deepStrictEqual(server.hits, [])
    }), 20_000)

  it.live("with failOpen: true the call goes through without a budget", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const server = yield* answering
      const customer = yield* Customers.create({ email: "ama@example.com" }).pipe(
        Effect.provide(clientOver(`${server.url}/v1`, redisAt(port, { failOpen: true })))
      )
      assert.strictEqual(customer.email, "ama@example.com")
      assert.deepStrictEqual(server.hits.map((hit) => hit.line), ["POST /v1/customers"])
    }), 20_000)

  it.live("every take on a closed loopback port fails with RateLimitStore in under 0.6 s, for seconds on end", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const took = yield* Effect.gen(function*() {
        const gate = yield* XtopayRateGate
        const took: Array<number> = []
        const started = Date.now()
        while (Date.now() - started < 3_000) {
          const before = Date.now()
          const error = yield* Effect.flip(gate.take("cid_test_down"))
          took.push(Date.now() - before)
          assert.strictEqual(error.reason, "RateLimitStore")
          assert.include(error.message, `redis 127.0.0.1:${port}`)
          yield* Effect.sleep("20 millis")
        }
        return took
      }).pipe(Effect.provide(redisAt(port)))
      assert.isAtLeast(took.length, 10)
      assert.isBelow(Math.max(...took), 600, `takes took ${took.join(", ")} ms`)
    }), 30_000)
})

/** A TCP server on loopback that takes connections and never says a word, like a Redis that hangs. */
const mute = Effect.acquireRelease(
  Effect.callback<{ readonly server: Server; readonly sockets: Set<Socket> }>((resume) => {
    const sockets = new Set<Socket>()
    const server = createServer((socket) => {
      sockets.add(socket)
      socket.on("error", () => {})
      socket.on("close", () => sockets.delete(socket))
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, sockets })))
  }),
  ({ server, sockets }) =>
    Effect.callback<void>((resume) => {
      for (const socket of sockets) socket.destroy()
      server.close(() => resume(Effect.void))
    })
)

describe("XtopayRateLimit.layerRedis with a Redis that does not answer", () => {
  it.live("a connection that never gets an answer fails the take at storeTimeout, and takes just after at once; nothing is sent", () =>
    Effect.gen(function*() {
      const { server } = yield* mute
      const port = (server.address() as AddressInfo).port
      const http = yield* answering
      const client = yield* Layer.build(clientOver(`${http.url}/v1`, redisAt(port, { storeTimeout: "300 millis" })))
      const took: Array<number> = []
      for (let i = 0; i < 2; i++) {
        const started = Date.now()
        const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(client)))
        took.push(Date.now() - started)
        assert.strictEqual(error._tag === "ConnectionError" ? error.reason : error._tag, "RateLimitStore")
        assert.include(error.message, "could not be reached: no connection within 300ms. Nothing was sent.")
      }
      // The first waited for the connection; the second, right after, is not made to wait again.
      assert.isAtLeast(took[0]!, 280)
      assert.isBelow(took[0]!, 1_500)
      assert.isBelow(took[1]!, 100)
      assert.deepStrictEqual(http.hits, [])
    }), 20_000)

  it.live("a Redis that stops answering (SIGSTOP) fails each take at storeTimeout; once it goes on (SIGCONT), takes count again", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer()
      yield* Effect.gen(function*() {
        const gate = yield* XtopayRateGate
        yield* gate.take("cid_test_paused")
        redis.signal("SIGSTOP")
        for (let i = 0; i < 2; i++) {
          const started = Date.now()
          const error = yield* Effect.flip(gate.take("cid_test_paused"))
          const took = Date.now() - started
          assert.strictEqual(error.reason, "RateLimitStore")
          assert.include(error.message, "could not be reached: no answer within 300ms")
          assert.isAtLeast(took, 280)
          assert.isBelow(took, 1_500)
        }
        redis.signal("SIGCONT")
        yield* gate.take("cid_test_paused")
      }).pipe(Effect.provide(redisAt(redis.port, { storeTimeout: "300 millis" })))
    }), 30_000)
})

describe("XtopayRateLimit.layerRedis with a Redis that goes down and comes back", () => {
  it.live("takes count in Redis; once it is stopped they fail in under 0.6 s; once it is back they count again", () =>
    Effect.gen(function*() {
      const first = yield* redisServer()
      const port = first.port
      yield* Effect.gen(function*() {
        const gate = yield* XtopayRateGate
        // A bucket of 5: five takes go at once, the sixth waits for a token (200 ms).
        const started = Date.now()
        for (let i = 0; i < 6; i++) yield* gate.take("cid_test_updown")
        assert.isAtLeast(Date.now() - started, 150)

        yield* first.stop
        const tookDown: Array<number> = []
        for (let i = 0; i < 10; i++) {
          const before = Date.now()
          const error = yield* Effect.flip(gate.take("cid_test_updown"))
          tookDown.push(Date.now() - before)
          assert.strictEqual(error.reason, "RateLimitStore")
          yield* Effect.sleep("100 millis")
        }
        assert.isBelow(Math.max(...tookDown), 600, `takes took ${tookDown.join(", ")} ms`)

        // Same port, a fresh (empty) Redis: the gate finds it again on its own.
        yield* redisServer(port)
        let ok = false
        const back = Date.now()
        while (!ok && Date.now() - back < 10_000) {
          ok = Exit.isSuccess(yield* Effect.exit(gate.take("cid_test_updown")))
          if (!ok) yield* Effect.sleep("100 millis")
        }
        assert.isTrue(ok, "the gate never used the restarted Redis")
        console.log(`rate-limit: the gate used the restarted Redis after ${Date.now() - back} ms`)
      }).pipe(Effect.provide(redisAt(port)))
    }), 60_000)
})

describe("XtopayRateLimit refuses a budget it cannot honour, when the layer is built", () => {
  const bad: ReadonlyArray<readonly [Partial<{ limit: number; window: Duration.Input }>, RegExp]> = [
    [{ window: 0 }, /window must be a positive, finite duration .*got 0/],
    [{ window: "0 millis" }, /window must be a positive, finite duration .*got "0 millis"/],
    [{ window: -1000 }, /window must be a positive, finite duration .*got -1000/],
    [{ window: "-1 second" }, /window must be a positive, finite duration .*got "-1 second"/],
    [{ window: Duration.infinity }, /window must be a positive, finite duration/],
    [{ window: Number.NaN }, /window must be a positive, finite duration .*got NaN/],
    [{ window: "soon" as Duration.Input }, /window must be a positive, finite duration .*got "soon"/],
    [{ limit: 0 }, /limit must be a whole number ≥ 1 .*got 0/],
    [{ limit: -5 }, /limit must be a whole number ≥ 1 .*got -5/],
    [{ limit: 2.5 }, /limit must be a whole number ≥ 1 .*got 2.5/],
    [{ limit: Number.NaN }, /limit must be a whole number ≥ 1 .*got NaN/]
  ]
  const defectOf = (exit: Exit.Exit<unknown, unknown>): string => {
    assert.isTrue(Exit.isFailure(exit), "the layer was built")
    const defect = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
    return defect instanceof Error ? defect.message : String(defect)
  }
  const build = (gate: Layer.Layer<XtopayRateGate>) => Effect.exit(Effect.scoped(Layer.build(gate)))

  it.effect("a window of zero or less, or a limit below 1 or not whole: the build dies naming the option and the value", () =>
    Effect.gen(function*() {
      for (const [override, expected] of bad) {
        const options: RateLimitOptions = { limit: 5, window: "1 second", ...override }
        const inContext = XtopayRateLimit.layer(options).pipe(
          Layer.provide(RateLimiter.layer),
          Layer.provide(RateLimiter.layerStoreMemory)
        )
        // layerRedis refuses before it loads node-redis or opens a connection: no Redis listens on port 9.
        const redis = XtopayRateLimit.layerRedis({ ...options, redis: { host: "127.0.0.1", port: 9 } })
        for (const gate of [XtopayRateLimit.layerMemory(options), inContext, redis]) {
          const message = defectOf(yield* build(gate))
          assert.match(message, /^XtopayRateLimit: /)
          assert.match(message, expected)
        }
      }
      // The smallest budget that means something is accepted.
      assert.isTrue(Exit.isSuccess(yield* build(XtopayRateLimit.layerMemory({ limit: 1, window: "1 millis" }))))
    }))
})

describe("without redis (node-redis)", () => {
  it("layerRedis's message names both packages it needs, their versions and one command that installs them", () => {
    assert.include(missingRedisMessage, "XtopayRateLimit.layerRedis")
    assert.include(missingRedisMessage, "npm install @effect/platform-node@^4.1.5 redis@^5.1.0")
  })
})
