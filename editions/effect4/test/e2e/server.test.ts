/**
 * The server plumbing, with a small scripted handler in place of the in-memory Xtopay: how a
 * request becomes a `WireRequest`, how each `WireOutcome` reaches the socket, and the answers the
 * server gives by itself. Real sockets on 127.0.0.1.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Ref, References } from "effect"
import { connect } from "node:net"
import { MAX_BODY_BYTES, serveWire } from "../../src/testing/server.js"
import type { WireAnswer, WireOutcome, WireRequest } from "../../src/testing/wire.js"
import { answered, assertErrorAnswer, rawFetch } from "./support.js"

const answer: WireAnswer = {
  _tag: "Answer",
  status: 201,
  headers: { "content-type": "application/json", "x-request-id": "req_scripted", "idempotency-replayed": "true" },
  body: JSON.stringify({ id: "cus_1", email: "ama@example.com", padding: "x".repeat(64) })
}

/** Serves a handler that records what it gets and answers `outcome`. */
const scripted = (outcome: WireOutcome | ((request: WireRequest) => WireOutcome)) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<WireRequest>>([])
    const server = yield* serveWire((request) =>
      Effect.as(
        Ref.update(seen, (all) => [...all, request]),
        typeof outcome === "function" ? outcome(request) : outcome
      )
    )
    return { ...server, seen: Ref.get(seen) }
  })

describe("mock server plumbing", () => {
  it.live("listens on a free loopback port and serves under /v1", () =>
    Effect.gen(function*() {
      const server = yield* scripted(answer)
      assert.strictEqual(server.host, "127.0.0.1")
      assert.strictEqual(server.baseUrl, `http://127.0.0.1:${server.port}/v1`)
      // The port it reports is the one it answers on.
      assert.strictEqual(answered(yield* rawFetch(`${server.baseUrl}/customers`)).status, answer.status)
    }))

  it.live("hands the handler the method, the path below /v1 (still encoded), the query, lower-cased headers and the body", () =>
    Effect.gen(function*() {
      const server = yield* scripted(answer)
      yield* rawFetch(`${server.baseUrl}/customers/cus%2F1?limit=2&email=a%40b.co`, {
        method: "PATCH",
        headers: { "Content-Type": "application/json", "Idempotency-Key": "k-1", Authorization: "Basic eDp5" },
        body: "{\"name\":\"Ama\"}"
      })
      const [request] = yield* server.seen
      assert.strictEqual(request?.method, "PATCH")
      assert.strictEqual(request?.path, "/customers/cus%2F1")
      assert.deepStrictEqual([...request!.query], [["limit", "2"], ["email", "a@b.co"]])
      assert.strictEqual(request?.headers["idempotency-key"], "k-1")
      assert.strictEqual(request?.headers["authorization"], "Basic eDp5")
      assert.strictEqual(request?.headers["content-type"], "application/json")
      assert.strictEqual(request?.body, "{\"name\":\"Ama\"}")
    }))

  it.live("an Answer goes out with its status, headers and body, and a Content-Length", () =>
    Effect.gen(function*() {
      const server = yield* scripted(answer)
      const result = answered(yield* rawFetch(`${server.baseUrl}/customers`))
      assert.strictEqual(result.status, 201)
      assert.strictEqual(result.text, answer.body)
      assert.strictEqual(result.headers["content-type"], "application/json")
      assert.strictEqual(result.headers["x-request-id"], "req_scripted")
      assert.strictEqual(result.headers["idempotency-replayed"], "true")
      assert.strictEqual(result.headers["content-length"], String(Buffer.byteLength(answer.body)))
    }))

  it.live("a path outside /v1 is a 404 resource_not_found, and never reaches the handler", () =>
    Effect.gen(function*() {
      const server = yield* scripted(answer)
      const origin = server.baseUrl.slice(0, -"/v1".length)
      assertErrorAnswer(yield* rawFetch(`${origin}/customers`), 404, "resource_not_found")
      assertErrorAnswer(yield* rawFetch(`${origin}/v10/customers`), 404, "resource_not_found")
      assertErrorAnswer(yield* rawFetch(`${origin}/`), 404, "resource_not_found")
      assert.strictEqual((yield* server.seen).length, 0)
    }))

  it.live("a body over 1 MiB is answered 413 invalid_request (and the connection closed); exactly 1 MiB is read", () =>
    Effect.gen(function*() {
      const server = yield* scripted(answer)
      const json = { "content-type": "application/json" }
      const over = yield* rawFetch(`${server.baseUrl}/customers`, {
        method: "POST",
        headers: json,
        body: `"${"x".repeat(MAX_BODY_BYTES - 1)}"`
      })
      assertErrorAnswer(over, 413, "invalid_request")
      assert.strictEqual(answered(over).headers["connection"], "close")
      const exact = yield* rawFetch(`${server.baseUrl}/customers`, {
        method: "POST",
        headers: json,
        body: `"${"x".repeat(MAX_BODY_BYTES - 2)}"`
      })
      assert.strictEqual(answered(exact).status, 201)
      const seen = yield* server.seen
      assert.strictEqual(seen.length, 1)
      assert.strictEqual(Buffer.byteLength(seen[0]!.body), MAX_BODY_BYTES)
    }))

  it.live("a body sent without a JSON Content-Type is a 400 invalid_request; application/json with a charset is fine", () =>
    Effect.gen(function*() {
      const server = yield* scripted(answer)
      const post = (headers: Record<string, string>) =>
        rawFetch(`${server.baseUrl}/customers`, { method: "POST", headers, body: "{\"email\":\"ama@example.com\"}" })
      const form = assertErrorAnswer(yield* post({ "content-type": "application/x-www-form-urlencoded" }), 400, "invalid_request")
      assert.match(String(form["message"]), /Content-Type/)
      assertErrorAnswer(yield* post({ "content-type": "text/plain" }), 400, "invalid_request")
      assert.strictEqual(answered(yield* post({ "content-type": "application/json; charset=utf-8" })).status, 201)
      assert.strictEqual((yield* server.seen).length, 1)
    }))

  it.live("a handler that dies is answered 500 api_error, and the server goes on", () =>
    Effect.gen(function*() {
      const server = yield* scripted((request) => {
        if (request.path === "/boom") throw new Error("a bug in the handler")
        return answer
      })
      assertErrorAnswer(yield* rawFetch(`${server.baseUrl}/boom`), 500, "api_error")
      assert.strictEqual(answered(yield* rawFetch(`${server.baseUrl}/customers`)).status, 201)
    }).pipe(Effect.provideService(References.MinimumLogLevel, "None")))

  it.live("bytes that are not HTTP get a 400 from Node and close; the server goes on", () =>
    Effect.gen(function*() {
      const server = yield* scripted(answer)
      const reply = yield* Effect.callback<string>((resume) => {
        let text = ""
        const socket = connect(server.port, "127.0.0.1", () => socket.write("NOT HTTP AT ALL\r\n\r\n"))
        socket.setEncoding("utf8").on("data", (chunk: string) => void (text += chunk))
        socket.on("close", () => resume(Effect.succeed(text)))
        socket.on("error", () => undefined)
      }).pipe(Effect.timeout("5 seconds"))
      assert.match(reply, /^HTTP\/1\.1 400/)
      assert.strictEqual(answered(yield* rawFetch(`${server.baseUrl}/customers`)).status, 201)
      assert.strictEqual((yield* server.seen).length, 1)
    }))

  it.live("Drop before-headers resets the connection without any answer", () =>
    Effect.gen(function*() {
      const server = yield* scripted({ _tag: "Drop", when: "before-headers" })
      const result = yield* rawFetch(`${server.baseUrl}/customers`)
      assert.strictEqual(result._tag, "Failed")
    }))

  it.live("Drop mid-body sends the status and part of the body, then resets", () =>
    Effect.gen(function*() {
      const server = yield* scripted({ _tag: "Drop", when: "mid-body", answer })
      const got = yield* Effect.promise(async () => {
        const response = await fetch(`${server.baseUrl}/customers`)
        const reader = response.body!.getReader()
        const first = await reader.read()
        const rest = await reader.read().then(() => "more", (error: Error) => `failed: ${error.message}`)
        return { status: response.status, first: new TextDecoder().decode(first.value), rest }
      })
      assert.strictEqual(got.status, 201)
      assert.isTrue(answer.body.startsWith(got.first) && got.first.length < answer.body.length)
      assert.match(got.rest, /^failed/)
    }))

  it.live("Stall sends the headers and part of the body, then nothing until the client gives up", () =>
    Effect.gen(function*() {
      const server = yield* scripted({ _tag: "Stall", answer })
      const started = Date.now()
      const result = yield* rawFetch(`${server.baseUrl}/customers`, {}, 300)
      assert.strictEqual(result._tag, "Failed")
      assert.isAtLeast(Date.now() - started, 250)
      // The server is still healthy for the next request.
      const next = yield* scripted(answer)
      assert.strictEqual(answered(yield* rawFetch(`${next.baseUrl}/customers`)).status, 201)
    }))

  it.live("stopping the server does not wait for a stalled client", () =>
    Effect.gen(function*() {
      const client = yield* Effect.scoped(
        Effect.gen(function*() {
          const server = yield* scripted({ _tag: "Stall", answer })
          // A client with no timeout of its own, left waiting on the stalled answer.
          const waiting = yield* Effect.forkDetach(rawFetch(`${server.baseUrl}/customers`, {}, 60_000))
          yield* Effect.sleep("100 millis")
          return waiting
        })
      ).pipe(Effect.timeout("5 seconds"))
      // Closing the scope closed the connection under the client.
      const result = yield* Fiber.join(client).pipe(Effect.timeout("5 seconds"))
      assert.strictEqual(result._tag, "Failed")
    }))
})
