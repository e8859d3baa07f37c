/**
 * A mock server listening on all interfaces (`--host 0.0.0.0` or `::`, as in a container) gives a
 * base URL a client can use, not the wildcard address.
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schedule } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Customers } from "../../src/index.js"
import { MockServer } from "../../src/testing/server.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const bin = fileURLToPath(new URL("../../bin/xtopay-mock.mjs", import.meta.url))

describe("listening on all interfaces", () => {
  for (const [host, expected] of [["0.0.0.0", "127.0.0.1"], ["::", "[::1]"]] as const) {
    it.live(`MockServer on ${host}: its baseUrl is loopback (${expected}) and a client works against it`, () =>
      Effect.gen(function*() {
        const server = yield* MockServer
        assert.strictEqual(server.host, host)
        assert.strictEqual(server.baseUrl, `http://${expected}:${server.port}/v1`)
        const ama = yield* Customers.create({ email: "ama@example.com" })
        assert.strictEqual((yield* Customers.retrieve(ama.id)).email, "ama@example.com")
      }).pipe(
        Effect.provide(
          MockServer.layerClient().pipe(Layer.provideMerge(MockServer.layer({ host })), Layer.provide(FetchTransport))
        ),
        Effect.timeout("20 seconds")
      ))
  }

  it.live("xtopay-mock --host 0.0.0.0 prints a loopback base URL and says it listens on all interfaces", () =>
    Effect.gen(function*() {
      const child = yield* Effect.acquireRelease(
        Effect.sync(() => spawn(process.execPath, [bin, "--port", "0", "--host", "0.0.0.0"], { cwd: root })),
        (child) => Effect.sync(() => void child.kill("SIGKILL"))
      )
      let stderr = ""
      child.stderr.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk))
      const firstLine = yield* Effect.callback<string>((resume) => {
        let stdout = ""
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          stdout += chunk
          if (stdout.includes("\n")) resume(Effect.succeed(stdout.slice(0, stdout.indexOf("\n"))))
        })
      }).pipe(Effect.timeout("60 seconds"))
      const match = /^http:\/\/127\.0\.0\.1:(\d+)\/v1$/.exec(firstLine)
      assert.isNotNull(match, firstLine)
      const said = `listening on all interfaces (0.0.0.0), port ${match![1]}`
      // The line on stderr follows the base URL; wait for it, bounded.
      yield* Effect.repeat(Effect.sync(() => stderr.includes(said)), {
        until: (seen) => seen,
        schedule: Schedule.spaced("20 millis")
      }).pipe(Effect.timeout("10 seconds"), Effect.ignore)
      assert.include(stderr, said)
      assert.include(stderr, "XTOPAY_ALLOW_INSECURE_HTTP=true")
      const answer = yield* Effect.promise(() => fetch(`${firstLine}/customers`))
      assert.strictEqual(answer.status, 401)
    }), 120_000)
})
