/**
 * `FetchTransport` and `XtopayLive` over real sockets (a node:http server on loopback): redirects
 * are never followed, even with a `RequestInit` of the user's in context, the timeout covers a
 * body that stops arriving, and a body that never stops growing ends at `maxResponseBytes`.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Customers, FetchTransport, XtopayClient, XtopayLive } from "../../src/index.js"

const customer = {
  id: "cus_a1b2c3",
  object: "customer",
  email: "ama@example.com",
  name: null,
  phone: null,
  currency: "GHS",
  metadata: {},
  created_at: "2026-05-24T10:00:00Z",
  subscriptions: [],
  payment_methods: []
}

/** A loopback server for the test's scope: what it answers, and every path it was asked for. */
const serve = (handler: Parameters<typeof createServer>[1]) =>
  Effect.acquireRelease(
    Effect.promise(() =>
      new Promise<{ server: Server; origin: string }>((resolve) => {
        const server = createServer(handler)
        server.listen(0, "127.0.0.1", () => resolve({ server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }))
      })
    ),
    ({ server }) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
  )

describe("FetchTransport over real sockets", () => {
  it.live("a 302 is UnexpectedResponse naming where it pointed; the target is never asked, whatever RequestInit says", () =>
    Effect.gen(function*() {
      const paths: Array<string> = []
      const { origin } = yield* serve((request, response) => {
        paths.push(request.url ?? "")
        if (request.url?.startsWith("/v1/")) {
          response.writeHead(302, { location: `/elsewhere` }).end()
        } else {
          response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(customer))
        }
      })
      const client = XtopayClient.layer({ clientId: "cid_test_a", clientSecret: Redacted.make("csk_test_a"), baseUrl: `${origin}/v1`, maxRetries: 0 })
      const error = yield* Effect.flip(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(Layer.provide(client, FetchTransport))))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "/elsewhere")
      // A RequestInit of the user's asking to follow is overridden for Xtopay's requests.
      const follow = yield* Effect.flip(
        Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(Layer.provide(client, FetchTransport)),
          Effect.provideService(FetchHttpClient.RequestInit, { redirect: "follow" })
        )
      )
      assert.strictEqual(follow._tag, "UnexpectedResponse")
      assert.deepStrictEqual(paths, ["/v1/customers/cus_a1b2c3", "/v1/customers/cus_a1b2c3"])
    }).pipe(Effect.scoped))

  it.live("the timeout covers the body: headers and half a body, then nothing, is a ConnectionError Timeout", () =>
    Effect.gen(function*() {
      const { origin } = yield* serve((_request, response) => {
        const body = JSON.stringify(customer)
        response.writeHead(200, { "content-type": "application/json", "content-length": String(body.length) })
        response.write(body.slice(0, 20))
      })
      const client = XtopayClient.layer({
        clientId: "cid_test_a",
        clientSecret: Redacted.make("csk_test_a"),
        baseUrl: `${origin}/v1`,
        maxRetries: 0,
        timeout: "300 millis"
      })
      const error = yield* Effect.flip(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(Layer.provide(client, FetchTransport))))
      assert.strictEqual(error._tag, "ConnectionError")
      assert.strictEqual(error._tag === "ConnectionError" ? error.reason : undefined, "Timeout")
    }).pipe(Effect.scoped))

  it.live("an answer that never stops growing ends at maxResponseBytes: ResponseTooLarge at once, the request aborted", () =>
    Effect.gen(function*() {
      let closed: () => void = () => {}
      const socketClosed = new Promise<void>((resolve) => (closed = resolve))
      let sent = 0
      // No declared length, and 64 KiB chunks for as long as the client reads.
      const { origin } = yield* serve((request, response) => {
        request.resume()
        response.socket?.once("close", () => closed())
        response.writeHead(200, { "content-type": "application/json" })
        const chunk = Buffer.alloc(64 * 1024, 0x20)
        const more = () => {
          while (!response.destroyed && sent < 512 * 1024 * 1024) {
            sent += chunk.length
            if (!response.write(chunk)) return void response.once("drain", more)
          }
        }
        more()
      })
      const client = XtopayClient.layer({ clientId: "cid_test_a", clientSecret: Redacted.make("csk_test_a"), baseUrl: `${origin}/v1`, maxRetries: 2 })
      const started = Date.now()
      const error = yield* Effect.flip(
        Customers.retrieve("cus_a1b2c3", { maxResponseBytes: 1024 * 1024 }).pipe(Effect.provide(Layer.provide(client, FetchTransport)))
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      if (error._tag === "UnexpectedResponse") {
        assert.strictEqual(error.reason, "ResponseTooLarge")
        assert.strictEqual(error.attempts, 1)
      }
      assert.isBelow(Date.now() - started, 5_000)
      yield* Effect.promise(() => socketClosed).pipe(
        Effect.timeoutOrElse({ duration: "3 seconds", orElse: () => Effect.fail("socket still open") })
      )
      // What the server got out before the abort: the limit and what the socket buffers, not the 512 MiB.
      assert.isBelow(sent, 64 * 1024 * 1024)
    }).pipe(Effect.scoped), { timeout: 20_000 })

  it.live("XtopayLive: the environment's credentials and base URL, over fetch", () =>
    Effect.gen(function*() {
      const seen: Array<string | undefined> = []
      const { origin } = yield* serve((request, response) => {
        seen.push(request.headers.authorization)
        response.writeHead(200, { "content-type": "application/json", "x-request-id": "req_1" }).end(JSON.stringify(customer))
      })
      const found = yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(XtopayLive),
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({
          env: { XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: "csk_test_env", XTOPAY_BASE_URL: `${origin}/v1` }
        })))
      )
      assert.strictEqual(found.email, "ama@example.com")
      assert.deepStrictEqual(seen, [`Basic ${btoa("cid_test_env:csk_test_env")}`])
    }).pipe(Effect.scoped))
})
