/**
 * `effect-xtopay/node` over real sockets: XtopayNode's configuration, keep-alive and its pool,
 * the refusal of redirects and the body-covering timeout, against local node:http servers (the
 * same rules test/client/live.test.ts and test/resilience/live.test.ts hold XtopayLive to).
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigError, ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import { importOptionalPeer, platformNodePeer } from "../../src/internal/optionalPeer.js"
import { Customers, XtopayClient, type XtopayClientOptions } from "../../src/index.js"
import { layerHttpClient, missingPlatformNodeMessage, type NodeHttpClientOptions, XtopayNode } from "../../src/node.js"
import { expectedUserAgent } from "../client/expectations.js"
import { answering, serve } from "./servers.js"

const CLIENT_ID = "cid_test_node"
const CLIENT_SECRET = "csk_test_node_secret"

const env = (baseUrl: string) =>
  ConfigProvider.fromMap(
    new Map([["XTOPAY_CLIENT_ID", CLIENT_ID], ["XTOPAY_CLIENT_SECRET", CLIENT_SECRET], ["XTOPAY_BASE_URL", baseUrl]])
  )

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
  it.scopedLive("reads XTOPAY_CLIENT_ID, XTOPAY_CLIENT_SECRET and XTOPAY_BASE_URL, and sends them over undici", () =>
    Effect.gen(function*() {
      const server = yield* answering
      const found = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(XtopayNode),
        Effect.withConfigProvider(env(`${server.url}/v1`))
      )
      assert.strictEqual(found.id, "cus_a1b2c3")
      assert.strictEqual(found.email, "ama@example.com")
      assert.strictEqual(server.hits.length, 1)
      const hit = server.hits[0]!
      assert.strictEqual(hit.line, "GET /v1/customers/cus_a1b2c3")
      assert.strictEqual(
        hit.headers.authorization,
        `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`
      )
      assert.strictEqual(hit.headers["user-agent"], expectedUserAgent)
      assert.strictEqual(hit.headers.accept, "application/json")
    }), { timeout: 20_000 })

  it.effect("a missing XTOPAY_CLIENT_SECRET is a ConfigError naming it, as with XtopayLive", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(XtopayClient, XtopayNode))
      assert.isTrue(ConfigError.isConfigError(error))
      assert.include(String(error), "XTOPAY_CLIENT_SECRET")
    }).pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["XTOPAY_CLIENT_ID", CLIENT_ID]])))))

  it.scopedLive("keeps its connections alive: 50 calls one after another reuse their sockets", () =>
    Effect.gen(function*() {
      const server = yield* answering
      yield* Effect.gen(function*() {
        for (let i = 0; i < 50; i++) yield* Customers.retrieve("cus_a1b2c3")
      }).pipe(Effect.provide(XtopayNode), Effect.withConfigProvider(env(`${server.url}/v1`)))
      assert.strictEqual(server.hits.length, 50)
      // undici may open a second socket while the first finishes its previous response (fetch does too).
      assert.isAtMost(server.connections(), 2)
    }), { timeout: 20_000 })

  it.scopedLive("opens at most `connections` sockets: 12 calls at once over a pool of 3", () =>
    Effect.gen(function*() {
      const server = yield* answering
      yield* Effect.all(Array.from({ length: 12 }, () => Customers.retrieve("cus_a1b2c3")), { concurrency: 12 }).pipe(
        Effect.provide(clientLayer(`${server.url}/v1`, {}, { connections: 3 }))
      )
      assert.strictEqual(server.hits.length, 12)
      assert.isAtMost(server.connections(), 3)
    }), { timeout: 20_000 })

  it.scopedLive("closes its sockets when the layer is released", () =>
    Effect.gen(function*() {
      const server = yield* answering
      yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(clientLayer(`${server.url}/v1`)))
      // Effect.provide released the layer after the call: the pool is destroyed with it.
      yield* eventually("the client's socket is closed", () => server.openSockets() === 0)
      assert.strictEqual(server.connections(), 1)
    }), { timeout: 20_000 })
})

/** A server that redirects everything to `target` with `status`. */
const redirecting = (status: number, target: string) =>
  serve((request, response) => {
    request.resume()
    response.writeHead(status, { location: `${target}${request.url ?? ""}` }).end()
  })

describe("redirects over XtopayNode", () => {
  it.scopedLive("a 302 to GET is not followed: UnexpectedResponse names the Location, the target receives nothing", () =>
    Effect.gen(function*() {
      const elsewhere = yield* answering
      const origin = yield* redirecting(302, elsewhere.url)
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(XtopayNode),
        Effect.withConfigProvider(env(`${origin.url}/v1`)),
        Effect.flip
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      if (error._tag === "UnexpectedResponse") {
        assert.strictEqual(error.location, `${elsewhere.url}/v1/customers/cus_a1b2c3`)
        assert.strictEqual(error.status, 302)
      }
      assert.deepStrictEqual(origin.hits.map((hit) => hit.line), ["GET /v1/customers/cus_a1b2c3"])
      assert.deepStrictEqual(elsewhere.hits, [])
    }), { timeout: 20_000 })

  it.scopedLive("307 and 308 to a POST are not followed either: the body and credentials stay put", () =>
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
  it.scopedLive("a body that stalls ends as ConnectionError within the timeout, and the connection is closed", () =>
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
      yield* Effect.promise(() => socketClosed).pipe(
        Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => "socket still open" })
      )
    }), { timeout: 20_000 })

  it.scopedLive("a server that never answers is retried, each attempt cut off at the timeout", () =>
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

  it.scopedLive("a refused connection is a ConnectionError saying why", () =>
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

describe("without @effect/platform-node", () => {
  it("the message names the package, its version and the command that installs it", () => {
    assert.include(missingPlatformNodeMessage, "effect-xtopay/node")
    assert.include(missingPlatformNodeMessage, "npm install @effect/platform-node@^0.108")
  })

  it.effect("a failed import of it is a defect with that message; any other failure is passed on as it is", () =>
    Effect.gen(function*() {
      const missing = Object.assign(new Error("Cannot find package '@effect/platform-node' imported from /app/x.js"), {
        code: "ERR_MODULE_NOT_FOUND"
      })
      const exit = yield* Effect.exit(
        importOptionalPeer(platformNodePeer, missingPlatformNodeMessage, () => Promise.reject(missing))
      )
      assert.isTrue(Exit.isFailure(exit) && (Cause.squash(exit.cause) as Error).message === missingPlatformNodeMessage)
      // Another package missing (a dependency of the peer, say) is not reported as the peer.
      const otherMissing = Object.assign(new Error("Cannot find package 'undici'"), { code: "ERR_MODULE_NOT_FOUND" })
      const otherExit = yield* Effect.exit(
        importOptionalPeer(platformNodePeer, missingPlatformNodeMessage, () => Promise.reject(otherMissing))
      )
      assert.isTrue(Exit.isFailure(otherExit) && Cause.squash(otherExit.cause) === otherMissing)
    }))
})
