/**
 * The transport rules over real sockets, with Node's fetch against local node:http servers.
 */
import { assert, describe, it } from "@effect/vitest"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { Effect, Layer, Redacted } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { Customers, FetchTransport, XtopayClient, type XtopayClientOptions } from "../../src/index.js"
import { CLIENT_ID, CLIENT_SECRET, customer } from "./support.js"

interface LocalServer {
  readonly url: string
  /** Every request it received, as `METHOD /path`. */
  readonly hits: Array<string>
}

/** A node:http server on 127.0.0.1 for the test's scope. */
const serve = (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{ readonly server: ReturnType<typeof createServer> } & LocalServer>((resume) => {
      const hits: Array<string> = []
      const server = createServer((request, response) => {
        hits.push(`${request.method} ${request.url}`)
        handler(request, response)
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({ server, url: `http://127.0.0.1:${port}`, hits }))
      })
    }),
    ({ server }) =>
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

const clientLayer = (baseUrl: string, options: Partial<XtopayClientOptions> = {}) =>
  XtopayClient.layer({ clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET), baseUrl, ...options }).pipe(
    Layer.provide(FetchTransport),
    Layer.orDie
  )

/** A server that redirects everything to `target` with `status`. */
const redirecting = (status: number, target: string) =>
  serve((request, response) => {
    request.resume()
    response.writeHead(status, { location: `${target}${request.url ?? ""}` }).end()
  })

/** A server that would answer any request, and must receive none. */
const target = serve((request, response) => {
  request.resume()
  response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(customer()))
})

describe("redirects over fetch", () => {
  it.scopedLive("a 302 to GET is not followed: UnexpectedResponse names the Location, the target receives nothing", () =>
    Effect.gen(function*() {
      const elsewhere = yield* target
      const origin = yield* redirecting(302, elsewhere.url)
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(clientLayer(`${origin.url}/v1`)),
        Effect.flip
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      if (error._tag === "UnexpectedResponse") {
        assert.strictEqual(error.location, `${elsewhere.url}/v1/customers/cus_a1b2c3`)
        assert.strictEqual(error.status, 302)
      }
      assert.deepStrictEqual(origin.hits, ["GET /v1/customers/cus_a1b2c3"])
      assert.deepStrictEqual(elsewhere.hits, [])
    }), { timeout: 20_000 })

  it.scopedLive("307 and 308 to a POST are not followed either: the body and credentials stay put", () =>
    Effect.gen(function*() {
      for (const status of [307, 308]) {
        const elsewhere = yield* target
        const origin = yield* redirecting(status, elsewhere.url)
        const error = yield* Customers.create({ email: "ama@example.com" }).pipe(
          Effect.provide(clientLayer(`${origin.url}/v1`)),
          Effect.flip
        )
        assert.strictEqual(error._tag, "UnexpectedResponse")
        assert.strictEqual(error.attempts, 1)
        assert.deepStrictEqual(origin.hits, ["POST /v1/customers"])
        assert.deepStrictEqual(elsewhere.hits, [])
      }
    }), { timeout: 20_000 })

  it.scopedLive("a RequestInit asking fetch to follow redirects does not turn following back on", () =>
    Effect.gen(function*() {
      const elsewhere = yield* target
      const origin = yield* redirecting(302, elsewhere.url)
      const followInit = Layer.succeed(FetchHttpClient.RequestInit, { redirect: "follow", keepalive: false })
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(clientLayer(`${origin.url}/v1`).pipe(Layer.provide(followInit))),
        Effect.provideService(FetchHttpClient.RequestInit, { redirect: "follow" }),
        Effect.flip
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.deepStrictEqual(elsewhere.hits, [])
    }), { timeout: 20_000 })
})

describe("timeouts over fetch", () => {
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
      // The client aborted the request: the server sees its socket close without closing it itself.
      yield* Effect.promise(() => socketClosed).pipe(
        Effect.timeoutFail({ duration: "3 seconds", onTimeout: () => "socket still open" })
      )
    }), { timeout: 20_000 })

  it.scopedLive("a refused connection is a ConnectionError saying why and naming the host, with the transport's error as its cause", () =>
    Effect.gen(function*() {
      const closedPort = yield* Effect.scoped(serve(() => {}))
      const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(clientLayer(`${closedPort.url}/v1`, { maxRetries: 0 })),
        Effect.flip
      )
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Transport")
      assert.include(error.message, "ECONNREFUSED")
      // A mistyped XTOPAY_BASE_URL that left another host in place shows in one line.
      assert.include(error.message, `Could not reach Xtopay at ${new URL(closedPort.url).host} `)
      assert.instanceOf(error.cause, Error)
      assert.notInclude(JSON.stringify(error.cause) + String(error.cause), "Basic ")
    }), { timeout: 20_000 })
})
