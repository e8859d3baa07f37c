/**
 * Our two transports over real sockets, `XtopayNode`'s (undici) and `XtopayLive`'s (fetch): the
 * request path's timeout ends an attempt and aborts its request, with or without the user's
 * middleware; interruption aborts; no timer is left behind; the platform's span is kept when
 * asked; and they work as plain `HttpClient`s for users' own requests.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Context, Effect, Exit, Fiber, Layer, Option, Redacted, Stream, Tracer } from "effect"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import { inspect } from "node:util"
import { Customers, FetchTransport, XtopayClient, type XtopayClientOptions, type XtopayError } from "../../src/index.js"
import { layerHttpClient } from "../../src/node.js"
import { answering, closedWithin3s, serve } from "./servers.js"

const CLIENT_SECRET = "csk_test_transports_secret"

const TRANSPORTS = [
  { name: "XtopayNode's undici transport", layer: () => layerHttpClient() },
  { name: "XtopayLive's fetch transport", layer: () => FetchTransport }
] as const

const clientOver = (
  transport: Layer.Layer<HttpClient.HttpClient>,
  baseUrl: string,
  options: Partial<XtopayClientOptions> = {}
) =>
  XtopayClient.layer({ clientId: "cid_test_transports", clientSecret: Redacted.make(CLIENT_SECRET), baseUrl, ...options }).pipe(
    Layer.provide(transport),
    Layer.orDie
  )

/** A server that takes the request and never answers; `socketClosed` resolves when the client drops the socket. */
const silent = Effect.gen(function*() {
  let closed: () => void = () => {}
  const socketClosed = new Promise<void>((resolve) => (closed = resolve))
  const server = yield* serve((request, response) => {
    request.resume()
    response.socket?.once("close", () => closed())
  })
  return { ...server, socketClosed }
})

/** For the test's scope, every timer set for `millis`, and whether it was cleared. */
const watchTimers = (millis: number) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const { clearTimeout, setTimeout } = globalThis
      const set = new Set<unknown>()
      const cleared = new Set<unknown>()
      globalThis.setTimeout = ((handler: () => void, ms?: number, ...rest: Array<unknown>) => {
        const handle = setTimeout(handler, ms, ...rest)
        if (ms === millis) set.add(handle)
        return handle
      }) as typeof globalThis.setTimeout
      globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
        cleared.add(handle)
        clearTimeout(handle)
      }) as typeof globalThis.clearTimeout
      return { set, cleared, restore: () => Object.assign(globalThis, { clearTimeout, setTimeout }) }
    }),
    ({ restore }) => Effect.sync(restore)
  )

type RecordedSpan = Tracer.NativeSpan & { exit?: Exit.Exit<unknown, unknown> }

/** A tracer keeping every span it makes, and how each ended. */
const recordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options) as RecordedSpan
      const end = span.end.bind(span)
      span.end = (endTime, exit) => {
        span.exit = exit
        end(endTime, exit)
      }
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

for (const transport of TRANSPORTS) {
  describe(transport.name, () => {
    it.live("a per-request timeout ends the attempt at options.timeout, under a client timeout of 30 s, and aborts it", () =>
      Effect.gen(function*() {
        const server = yield* silent
        const started = Date.now()
        const error = yield* Customers.retrieve("cus_a1b2c3", { timeout: "250 millis", maxRetries: 0 }).pipe(
          Effect.provide(clientOver(transport.layer(), `${server.url}/v1`)),
          Effect.flip
        )
        const elapsed = Date.now() - started
        assert.strictEqual(error._tag, "ConnectionError")
        if (error._tag === "ConnectionError") {
          assert.strictEqual(error.reason, "Timeout")
          assert.strictEqual(error.attempts, 1)
          assert.include(error.message, "GET /customers/:id")
          assert.include(error.message, "timed out after 250ms")
        }
        assert.isAtLeast(elapsed, 240)
        assert.isBelow(elapsed, 3_000)
        // The timeout aborted the request: its socket is closed by the client.
        yield* closedWithin3s(server.socketClosed)
      }), { timeout: 20_000 })

    it.live("with transformClient the timeout is the same: it ends the attempt and aborts it", () =>
      Effect.gen(function*() {
        const server = yield* silent
        let seen = 0
        const error = yield* Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(clientOver(transport.layer(), `${server.url}/v1`, {
            timeout: "250 millis",
            maxRetries: 0,
            transformClient: HttpClient.tapRequest(() => Effect.sync(() => (seen += 1)))
          })),
          Effect.flip
        )
        assert.strictEqual(error._tag, "ConnectionError")
        if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Timeout")
        assert.strictEqual(seen, 1)
        yield* closedWithin3s(server.socketClosed)
      }), { timeout: 20_000 })

    it.live("interrupting a call aborts its request: the server sees the socket close", () =>
      Effect.gen(function*() {
        const server = yield* silent
        // The client outlives the call: only the abort can close the socket, not the pool's release.
        const client = yield* Layer.build(clientOver(transport.layer(), `${server.url}/v1`))
        const fiber = yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(client), Effect.forkChild)
        for (let i = 0; i < 300 && server.hits.length === 0; i++) yield* Effect.sleep("10 millis")
        assert.strictEqual(server.hits.length, 1)
        yield* Fiber.interrupt(fiber)
        yield* closedWithin3s(server.socketClosed)
      }), { timeout: 20_000 })

    it.live("interrupting a call while its body is arriving aborts the request: the server sees the socket close", () =>
      Effect.gen(function*() {
        let closed: () => void = () => {}
        const socketClosed = new Promise<void>((resolve) => (closed = resolve))
        let wrote = false
        // Headers and the start of the body, then nothing: the attempt is waiting on the body.
        const server = yield* serve((request, response) => {
          request.resume()
          response.socket?.once("close", () => closed())
          response.writeHead(200, { "content-type": "application/json", "content-length": "4096" })
          response.write("{\"id\":\"cus_a1b2c3\",", () => (wrote = true))
        })
        const client = yield* Layer.build(clientOver(transport.layer(), `${server.url}/v1`))
        const fiber = yield* Customers.retrieve("cus_a1b2c3", { maxRetries: 0 }).pipe(Effect.provide(client), Effect.forkChild)
        for (let i = 0; i < 300 && !wrote; i++) yield* Effect.sleep("10 millis")
        assert.isTrue(wrote, "the server sent the start of the body")
        yield* Effect.sleep("50 millis")
        assert.isUndefined(fiber.pollUnsafe(), "the call is still waiting on the body")
        yield* Fiber.interrupt(fiber)
        yield* closedWithin3s(socketClosed)
      }), { timeout: 20_000 })

    it.live("an answer nesting 3,000 arrays deep, for one call or a list's page: UnexpectedResponse, never a RangeError", () =>
      Effect.gen(function*() {
        const deep = `${"[".repeat(3_000)}${"]".repeat(3_000)}`
        const customer = {
          id: "cus_a1b2c3",
          object: "customer",
          email: "ama@example.com",
          name: null,
          phone: null,
          currency: "GHS",
          metadata: "DEEP",
          created_at: "2026-05-24T10:00:00Z"
        }
        const server = yield* serve((request, response) => {
          request.resume()
          const body = request.url?.includes("?")
            ? { data: [customer], pagination: { has_more: false, next_cursor: null, previous_cursor: null, total_count: 1 } }
            : { ...customer, subscriptions: [], payment_methods: [] }
          response.writeHead(200, { "content-type": "application/json" })
            .end(JSON.stringify(body).replace("\"DEEP\"", `{"deep":${deep}}`))
        })
        const client = yield* Layer.build(clientOver(transport.layer(), `${server.url}/v1`, { maxRetries: 0 }))
        for (const call of [Customers.retrieve("cus_a1b2c3"), Stream.runDrain(Customers.list({ limit: 10 }))]) {
          const exit = yield* Effect.exit(Effect.provide(call as Effect.Effect<unknown, XtopayError, XtopayClient>, client))
          assert.isTrue(Exit.isFailure(exit) && !Cause.hasDies(exit.cause), String(exit))
          if (Exit.isFailure(exit)) assert.strictEqual((Cause.squash(exit.cause) as XtopayError)._tag, "UnexpectedResponse")
        }
      }), { timeout: 20_000 })

    it.live("an answer that never stops growing ends at maxResponseBytes: ResponseTooLarge at once, the request aborted", () =>
      Effect.gen(function*() {
        let closed: () => void = () => {}
        const socketClosed = new Promise<void>((resolve) => (closed = resolve))
        let sent = 0
        // No declared length, and 64 KiB chunks for as long as the client reads.
        const server = yield* serve((request, response) => {
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
        const started = Date.now()
        const error = yield* Customers.retrieve("cus_a1b2c3", { maxResponseBytes: 1024 * 1024 }).pipe(
          Effect.provide(clientOver(transport.layer(), `${server.url}/v1`, { maxRetries: 2 })),
          Effect.flip
        )
        assert.strictEqual(error._tag, "UnexpectedResponse")
        if (error._tag === "UnexpectedResponse") {
          assert.strictEqual(error.reason, "ResponseTooLarge")
          assert.strictEqual(error.attempts, 1)
        }
        assert.isBelow(Date.now() - started, 5_000)
        yield* closedWithin3s(socketClosed)
        // What the server got out before the abort: the limit and what the socket buffers, not the 512 MiB.
        assert.isBelow(sent, 64 * 1024 * 1024)
      }), { timeout: 20_000 })

    it.live("leaves no timer behind: each call's 30 s timeout timer is cleared once its body is read", () =>
      Effect.gen(function*() {
        const server = yield* answering
        const timers = yield* watchTimers(30_000)
        yield* Effect.gen(function*() {
          for (let i = 0; i < 30; i++) yield* Customers.retrieve("cus_a1b2c3")
        }).pipe(Effect.provide(clientOver(transport.layer(), `${server.url}/v1`)))
        assert.strictEqual(server.hits.length, 30)
        assert.strictEqual(timers.set.size, 30, "one timeout timer per call")
        assert.deepStrictEqual([...timers.set].filter((handle) => !timers.cleared.has(handle)), [])
      }), { timeout: 20_000 })

    it.live("with attemptSpans each attempt has effect/http's client span under the call's; Authorization stays redacted", () =>
      Effect.gen(function*() {
        const server = yield* answering
        const { spans, tracer } = recordingTracer()
        yield* Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(clientOver(transport.layer(), `${server.url}/v1`, { attemptSpans: true })),
          Effect.withTracer(tracer),
          // A user who records request headers on spans still gets Authorization redacted.
          Effect.provideService(HttpClient.TracerHeaderFilter, () => true)
        )
        const call = spans.find((span) => span.name === "Xtopay.customers.retrieve")
        const attempts = spans.filter((span) => span !== call)
        assert.isDefined(call)
        assert.deepStrictEqual(attempts.map((span) => span.name), ["GET"])
        const attempt = attempts[0]!
        assert.strictEqual(Option.getOrUndefined(attempt.parent)?.spanId, call!.spanId)
        assert.strictEqual(attempt.attributes.get("http.request.method"), "GET")
        assert.strictEqual(attempt.attributes.get("http.response.status_code"), 200)
        assert.strictEqual(attempt.attributes.get("http.request.header.authorization"), "<redacted>")
        // Nor what each span ended with, as an exporter sees it outside the fiber, success or failure.
        const failed = yield* Effect.flip(Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(clientOver(transport.layer(), "http://127.0.0.1:9/v1", { attemptSpans: true, maxRetries: 0 })),
          Effect.withTracer(tracer),
          Effect.provideService(HttpClient.TracerHeaderFilter, () => true)
        ))
        assert.strictEqual(failed._tag, "ConnectionError")
        const basic = Buffer.from(`cid_test_transports:${CLIENT_SECRET}`).toString("base64")
        assert.isAbove(spans.filter((span) => span.name === "GET").length, 1)
        for (const span of spans) {
          for (const text of [JSON.stringify([...span.attributes]), inspect(span.exit, { depth: null }), String(span.exit)]) {
            assert.notInclude(text, CLIENT_SECRET, span.name)
            assert.notInclude(text, basic, span.name)
          }
        }
      }), { timeout: 20_000 })

    it.live("without attemptSpans there is one span, the call's, with its status", () =>
      Effect.gen(function*() {
        const server = yield* answering
        const { spans, tracer } = recordingTracer()
        yield* Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(clientOver(transport.layer(), `${server.url}/v1`)),
          Effect.withTracer(tracer)
        )
        assert.deepStrictEqual(spans.map((span) => span.name), ["Xtopay.customers.retrieve"])
        assert.strictEqual(spans[0]!.attributes.get("http.response.status_code"), 200)
        assert.strictEqual(spans[0]!.attributes.get("xtopay.attempts"), 1)
      }), { timeout: 20_000 })

    it.live("as a plain HttpClient: JSON, bytes, a streamed response and a streamed request body", () =>
      Effect.gen(function*() {
        const server = yield* serve((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const body = Buffer.concat(chunks).toString("utf8")
            response.writeHead(200, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"] })
              .end(JSON.stringify({ method: request.method, body }))
          })
        })
        const client = yield* Effect.map(Layer.build(transport.layer()), Context.get(HttpClient.HttpClient))
        const got = yield* client.get(`${server.url}/echo`)
        assert.deepStrictEqual(yield* got.json, { method: "GET", body: "" })
        assert.strictEqual(got.headers["content-type"], "application/json")
        assert.deepStrictEqual(Object.keys(got.cookies.cookies).sort(), ["a", "b"])

        const bytes = yield* Effect.flatMap(client.get(`${server.url}/echo`), (response) => response.arrayBuffer)
        assert.deepStrictEqual(JSON.parse(new TextDecoder().decode(bytes)), { method: "GET", body: "" })

        const streamed = yield* client.get(`${server.url}/echo`).pipe(
          Effect.flatMap((response) => Stream.runCollect(response.stream)),
          Effect.map((chunks) => Buffer.concat(chunks).toString("utf8"))
        )
        assert.deepStrictEqual(JSON.parse(streamed), { method: "GET", body: "" })

        const body = HttpBody.stream(Stream.make(new TextEncoder().encode("one,"), new TextEncoder().encode("two")))
        const posted = yield* Effect.flatMap(client.post(`${server.url}/echo`, { body }), (response) => response.json)
        assert.deepStrictEqual(posted, { method: "POST", body: "one,two" })
      }), { timeout: 20_000 })
  })
}
