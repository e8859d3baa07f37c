/**
 * `effect-xtopay/node` over real sockets: XtopayNode's configuration, keep-alive and its pool,
 * the refusal of redirects and the body-covering timeout, against local node:http servers (the
 * same rules test/client/fetch.test.ts holds XtopayLive to).
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Config, ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import { importOptionalPeer, importOptionalPeers, platformNodePeer, redisPeer } from "../../src/internal/optionalPeer.js"
import { Customers, XtopayClient, type XtopayClientOptions } from "../../src/index.js"
import { layerHttpClient, missingPlatformNodeMessage, type NodeHttpClientOptions, XtopayNode } from "../../src/node.js"
import { expectedUserAgent } from "../client/expectations.js"
import { answering, closedWithin3s, serve } from "./servers.js"

const CLIENT_ID = "cid_test_node"
const CLIENT_SECRET = "csk_test_node_secret"

const env = (baseUrl: string) =>
  ConfigProvider.layer(ConfigProvider.fromEnv({
    env: { XTOPAY_CLIENT_ID: CLIENT_ID, XTOPAY_CLIENT_SECRET: CLIENT_SECRET, XTOPAY_BASE_URL: baseUrl }
  }))

/** XtopayNode configured from `env(baseUrl)`. */
const nodeOver = (baseUrl: string) => XtopayNode.pipe(Layer.provide(env(baseUrl)), Layer.orDie)

const clientLayer = (baseUrl: string, options: Partial<XtopayClientOptions> = {}, pool: NodeHttpClientOptions = {}) =>
  XtopayClient.layer({ clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET), baseUrl, ...options }).pipe(
    Layer.provide(layerHttpClient(pool)),
    Layer.orDie
  )

/** Polls `check` every 10 ms for up to 3 s. */
const eventually = (what: string, check: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 300; i++) {
      if (check()) return
      yield* Effect.sleep("10 millis")
    }
    assert.fail(`still not so after 3 s: ${what}`)
  })

describe("XtopayNode", () => {
  it.live("reads XTOPAY_CLIENT_ID, XTOPAY_CLIENT_SECRET and XTOPAY_BASE_URL, and sends them over undici", () =>
    Effect.gen(function*() {
      const server = yield* answering
      const found = yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(nodeOver(`${server.url}/v1`)))
      assert.strictEqual(found.id, "cus_a1b2c3")
      assert.strictEqual(found.email, "ama@example.com")
      assert.strictEqual(server.hits.length, 1)
      const hit = server.hits[0]!
      assert.strictEqual(hit.line, "GET /v1/customers/cus_a1b2c3")
      assert.strictEqual(hit.headers.authorization, `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`)
      assert.strictEqual(hit.headers["user-agent"], expectedUserAgent)
      assert.strictEqual(hit.headers.accept, "application/json")
    }), { timeout: 20_000 })

  it.effect("a missing XTOPAY_CLIENT_SECRET is a ConfigError naming it, as with XtopayLive", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Effect.provide(Effect.service(XtopayClient), XtopayNode.pipe(
          Layer.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: { XTOPAY_CLIENT_ID: CLIENT_ID } })))
        ))
      )
      assert.instanceOf(error, Config.ConfigError)
      assert.include(String(error), "XTOPAY_CLIENT_SECRET")
    }))

  it.live("keeps its connections alive: 50 calls one after another reuse their sockets", () =>
    Effect.gen(function*() {
      const server = yield* answering
      yield* Effect.gen(function*() {
        for (let i = 0; i < 50; i++) yield* Customers.retrieve("cus_a1b2c3")
      }).pipe(Effect.provide(nodeOver(`${server.url}/v1`)))
      assert.strictEqual(server.hits.length, 50)
      // undici may open a second socket while the first finishes its previous response (fetch does too).
      assert.isAtMost(server.connections(), 2)
    }), { timeout: 20_000 })

  it.live("opens at most `connections` sockets: 12 calls at once over a pool of 3", () =>
    Effect.gen(function*() {
      const server = yield* answering
      yield* Effect.all(Array.from({ length: 12 }, () => Customers.retrieve("cus_a1b2c3")), { concurrency: 12 }).pipe(
        Effect.provide(clientLayer(`${server.url}/v1`, {}, { connections: 3 }))
      )
      assert.strictEqual(server.hits.length, 12)
      assert.isAtMost(server.connections(), 3)
    }), { timeout: 20_000 })

  it.live("closes its sockets when the layer is released", () =>
    Effect.gen(function*() {
      const server = yield* answering
      yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(clientLayer(`${server.url}/v1`)))
      // Effect.provide released the layer after the call: the pool is destroyed with it.
      yield* eventually("the client's socket is closed", () => server.openSockets() === 0)
      assert.strictEqual(server.connections(), 1)
    }), { timeout: 20_000 })

  it.live("an idle socket is closed by the client after keepAlive", () =>
    Effect.gen(function*() {
      const server = yield* answering
      // No `Keep-Alive: timeout=5` hint from the server (undici would go by it) and no closing of its own.
      server.server.keepAliveTimeout = 0
      const client = yield* Layer.build(clientLayer(`${server.url}/v1`, {}, { keepAlive: "200 millis" }))
      yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(client))
      const called = Date.now()
      assert.strictEqual(server.openSockets(), 1, "the socket is kept for the next call")
      // The layer is still open: only the keep-alive timeout can close the socket.
      yield* eventually("the idle socket is closed", () => server.openSockets() === 0)
      assert.isBelow(Date.now() - called, 1_500)
    }), { timeout: 20_000 })
})

/** A server that redirects everything to `target` with `status`. */
const redirecting = (status: number, target: string) =>
  serve((request, response) => {
    request.resume()
    response.writeHead(status, { location: `${target}${request.url ?? ""}` }).end()
  })

describe("redirects over XtopayNode", () => {
  it.live("a 302 to GET is not followed: UnexpectedResponse names the Location, the target receives nothing", () =>
    Effect.gen(function*() {
      const elsewhere = yield* answering
      const origin = yield* redirecting(302, elsewhere.url)
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(nodeOver(`${origin.url}/v1`)), Effect.flip)
      assert.strictEqual(error._tag, "UnexpectedResponse")
      if (error._tag === "UnexpectedResponse") {
        assert.strictEqual(error.location, `${elsewhere.url}/v1/customers/cus_a1b2c3`)
        assert.strictEqual(error.status, 302)
      }
      assert.deepStrictEqual(origin.hits.map((hit) => hit.line), ["GET /v1/customers/cus_a1b2c3"])
      assert.deepStrictEqual(elsewhere.hits, [])
    }), { timeout: 20_000 })

  it.live("307 and 308 to a POST are not followed either: the body and credentials stay put", () =>
    Effect.gen(function*() {
      for (const status of [307, 308]) {
        const elsewhere = yield* answering
        const origin = yield* redirecting(status, elsewhere.url)
        const error = yield* Customers.create({ email: "ama@example.com" }).pipe(
          Effect.provide(clientLayer(`${origin.url}/v1`)),
          Effect.flip
        )
        assert.strictEqual(error._tag, "UnexpectedResponse")
        assert.strictEqual(error.attempts, 1)
        assert.deepStrictEqual(origin.hits.map((hit) => hit.line), ["POST /v1/customers"])
        assert.deepStrictEqual(elsewhere.hits, [])
      }
    }), { timeout: 20_000 })
})

describe("timeouts over XtopayNode", () => {
  it.live("a body that stalls ends as ConnectionError within the timeout, and the connection is closed", () =>
    Effect.gen(function*() {
      let closed: () => void = () => {}
      const socketClosed = new Promise<void>((resolve) => (closed = resolve))
      const stalling = yield* serve((request, response) => {
        request.resume()
        response.socket?.once("close", () => closed())
        response.writeHead(200, { "content-type": "application/json", "content-length": "500" })
        response.write("{\"id\":\"cus_a1b2c3\",\"email\":")
      })
      const started = Date.now()
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(clientLayer(`${stalling.url}/v1`, { timeout: "300 millis", maxRetries: 0 })),
        Effect.flip
      )
      const elapsed = Date.now() - started
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Timeout")
      assert.isAtLeast(elapsed, 290)
      assert.isBelow(elapsed, 3_000)
      assert.strictEqual(stalling.hits.length, 1)
      // The client aborted the request: the server sees its socket close without closing it itself.
      yield* closedWithin3s(socketClosed)
    }), { timeout: 20_000 })

  it.live("a server that never answers is retried, each attempt cut off at the timeout", () =>
    Effect.gen(function*() {
      const silent = yield* serve((request) => request.resume())
      const started = Date.now()
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(clientLayer(`${silent.url}/v1`, { timeout: "200 millis", maxRetries: 1 })),
        Effect.flip
      )
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Timeout")
      assert.strictEqual(silent.hits.length, 2)
      assert.isBelow(Date.now() - started, 5_000)
    }), { timeout: 20_000 })

  it.live("a refused connection is a ConnectionError saying why", () =>
    Effect.gen(function*() {
      const closedPort = yield* Effect.scoped(serve(() => {}))
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(clientLayer(`${closedPort.url}/v1`, { maxRetries: 0 })),
        Effect.flip
      )
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Transport")
      assert.include(error.message, "ECONNREFUSED")
    }), { timeout: 20_000 })
})

const defectOf = (exit: Exit.Exit<unknown, unknown>): unknown => {
  assert.isTrue(Exit.isFailure(exit))
  return Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
}

describe("without @effect/platform-node", () => {
  it("the message names the package, its version and the command that installs it", () => {
    assert.include(missingPlatformNodeMessage, "effect-xtopay/node")
    assert.include(missingPlatformNodeMessage, "npm install @effect/platform-node@^4.1.5")
  })

  it.effect("a failed import of it is a defect with that message; any other failure is passed on as it is", () =>
    Effect.gen(function*() {
      const missing = Object.assign(new Error("Cannot find package '@effect/platform-node' imported from /app/x.js"), {
        code: "ERR_MODULE_NOT_FOUND"
      })
      const exit = yield* Effect.exit(importOptionalPeer(platformNodePeer, missingPlatformNodeMessage, () => Promise.reject(missing)))
      assert.strictEqual((defectOf(exit) as Error).message, missingPlatformNodeMessage)
      // CommonJS names the subpath it could not find.
      const missingCjs = Object.assign(new Error("Cannot find module '@effect/platform-node/NodeHttpClient'\nRequire stack:"), {
        code: "MODULE_NOT_FOUND"
      })
      const cjsExit = yield* Effect.exit(importOptionalPeer(platformNodePeer, missingPlatformNodeMessage, () => Promise.reject(missingCjs)))
      assert.strictEqual((defectOf(cjsExit) as Error).message, missingPlatformNodeMessage)
      // Another package missing (a dependency of the peer, say) is not reported as the peer.
      const otherMissing = Object.assign(new Error("Cannot find package 'undici'"), { code: "ERR_MODULE_NOT_FOUND" })
      const otherExit = yield* Effect.exit(importOptionalPeer(platformNodePeer, missingPlatformNodeMessage, () => Promise.reject(otherMissing)))
      assert.strictEqual(defectOf(otherExit), otherMissing)
    }))

  it.effect("of several peers, the one missing is named: redis, when @effect/platform-node's NodeRedis cannot import it", () =>
    Effect.gen(function*() {
      const missingRedis = Object.assign(
        new Error("Cannot find package 'redis' imported from /app/node_modules/@effect/platform-node/dist/NodeRedis.js"),
        { code: "ERR_MODULE_NOT_FOUND" }
      )
      const exit = yield* Effect.exit(importOptionalPeers(
        [[platformNodePeer, "install platform-node"], [redisPeer, "install redis"]],
        () => Promise.reject(missingRedis)
      ))
      assert.strictEqual((defectOf(exit) as Error).message, "install redis")
    }))
})
