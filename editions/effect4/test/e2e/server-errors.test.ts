/**
 * What the mock server answers by itself, before any route runs (Node's parser refusing a request
 * line or headers that are too long, or a line it cannot parse; an unknown route; a body too large):
 * always the reference's error envelope, never a bare status.
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as Net from "node:net"
import { MockServer } from "../../src/testing/server.js"
import { assertErrorAnswer, rawFetch, type RawResult } from "./support.js"

const Server = MockServer.layer().pipe(Layer.provide(FetchTransport))

/** Sends `bytes` as they are over a fresh connection and parses the one answer that comes back. */
const rawExchange = (port: number, bytes: string): Effect.Effect<RawResult> =>
  Effect.callback<RawResult>((resume) => {
    const socket = Net.createConnection({ host: "127.0.0.1", port })
    const chunks: Array<Buffer> = []
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer within 5 s")))
    socket.on("data", (chunk) => chunks.push(chunk))
    socket.on("error", (error) => resume(Effect.succeed({ _tag: "Failed", message: error.message })))
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("utf8")
      const [head = "", ...rest] = text.split("\r\n\r\n")
      const [statusLine = "", ...headerLines] = head.split("\r\n")
      const headers = Object.fromEntries(headerLines.map((line) => {
        const colon = line.indexOf(":")
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]
      }))
      resume(Effect.succeed({ _tag: "Answered", status: Number(statusLine.split(" ")[1]), headers, text: rest.join("\r\n\r\n") }))
    })
    socket.write(bytes)
    return Effect.sync(() => void socket.destroy())
  })

describe("the mock server's own refusals are in the error envelope", () => {
  it.live("a request line past Node's header limit: 431", () =>
    Effect.gen(function*() {
      const { port } = yield* MockServer
      const result = yield* rawExchange(port, `GET /v1/customers?q=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`)
      const error = assertErrorAnswer(result, 431, "invalid_request")
      assert.match(String(error["message"]), /exceed \d+ bytes/)
    }).pipe(Effect.provide(Server)))

  it.live("a header past Node's header limit: 431", () =>
    Effect.gen(function*() {
      const { port } = yield* MockServer
      const result = yield* rawExchange(port, `GET /v1/customers HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`)
      assertErrorAnswer(result, 431, "invalid_request")
    }).pipe(Effect.provide(Server)))

  it.live("a method or request line the parser cannot read: 400", () =>
    Effect.gen(function*() {
      const { port } = yield* MockServer
      assertErrorAnswer(yield* rawExchange(port, "FETCH{} /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n"), 400, "invalid_request")
      assertErrorAnswer(yield* rawExchange(port, "hello there\r\n\r\n"), 400, "invalid_request")
    }).pipe(Effect.provide(Server)))

  it.live("an unknown route, a method a path lacks, a body too large: the envelope too", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      const origin = baseUrl.replace(/\/v1$/, "")
      const headers = { authorization: `Basic ${btoa("cid_test_shop:csk_test_shop")}` }
      assertErrorAnswer(yield* rawFetch(`${origin}/nowhere`), 404, "resource_not_found")
      assertErrorAnswer(yield* rawFetch(`${baseUrl}/no-such-route`, { headers }), 404, "resource_not_found")
      assertErrorAnswer(yield* rawFetch(`${origin}/_mock/nothing`, { headers }), 404, "resource_not_found")
      assertErrorAnswer(yield* rawFetch(`${baseUrl}/customers`, { method: "PUT", headers }), 404, "resource_not_found")
      assertErrorAnswer(yield* rawFetch(`${baseUrl}/customers`), 401, "credentials_missing")
      const big = yield* rawFetch(`${baseUrl}/customers`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ email: "x".repeat(2 * 1024 * 1024) })
      })
      assertErrorAnswer(big, 413, "invalid_request")
    }).pipe(Effect.provide(Server)))
})
