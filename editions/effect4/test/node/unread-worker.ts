/**
 * Run as `node --expose-gc --import tsx unread-worker.ts '{"transport":…,"keep":…}'`: one GET over
 * one of our transports, used directly (no request path, so no deadline), to a server here that
 * sends the headers and part of the body, then nothing. The response is never read. Prints, as
 * JSON, whether the server saw the connection closed within the wait while the process collected
 * garbage; with `keep` the response stays referenced, which must keep the connection open. With
 * `traced` the platform's client span is on for the request, else off (as the client has it
 * without `attemptSpans`).
 */
import { Effect, type Layer } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { FetchTransport } from "../../src/index.js"
import { layerHttpClient } from "../../src/node.js"

const { keep, traced, transport, waitMs } = JSON.parse(process.argv[2]!) as {
  readonly transport: "undici" | "fetch"
  readonly keep: boolean
  readonly traced: boolean
  readonly waitMs: number
}
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with --expose-gc")

let closed = false
const server = createServer((request, response) => {
  request.resume()
  response.socket?.once("close", () => (closed = true))
  response.writeHead(200, { "content-type": "application/json" })
  response.write(`{"data":[`)
})
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/customers`

/** Collects garbage until the server sees the connection closed, or `waitMs` passes: whether it did. */
const waitForClose = async () => {
  const started = Date.now()
  while (!closed && Date.now() - started < waitMs) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return closed
}

const layer: Layer.Layer<HttpClient.HttpClient> = transport === "undici" ? layerHttpClient() : FetchTransport
const kept: Array<unknown> = []
// The wait runs while the transport's layer (and its connection pool) is still open; the response
// leaves the request's effect only when asked to stay referenced.
const closedInTime = await Effect.runPromise(Effect.scoped(Effect.provide(
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    yield* Effect.map(client.get(url), (response) => {
      if (keep) kept.push(response)
      return response.status
    }).pipe(Effect.provideService(HttpClient.TracerDisabledWhen, () => !traced))
    return yield* Effect.promise(waitForClose)
  }),
  layer
)))

process.stdout.write(JSON.stringify({ closed: closedInTime, kept: kept.length }) + "\n")
server.closeAllConnections()
server.close()
process.exit(0)
