/**
 * A response nobody reads must not hold its connection for ever: once it is garbage, the
 * transport aborts its request (Effect 4's `HttpClient.make` does, under both transports), and a
 * response still referenced keeps its connection. Outside the request path there is no deadline
 * to end it, so this is all that frees the socket. Each case runs in a child process with
 * `--expose-gc` (`unread-worker.ts`), which collects garbage while a server there watches the socket.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const run = promisify(execFile)
const root = fileURLToPath(new URL("../..", import.meta.url))
const worker = fileURLToPath(new URL("./unread-worker.ts", import.meta.url))

const unread = async (args: { transport: "undici" | "fetch"; traced: boolean; keep: boolean; waitMs: number }) => {
  const { stdout } = await run(process.execPath, ["--expose-gc", "--import", "tsx", worker, JSON.stringify(args)], {
    cwd: root,
    timeout: 60_000
  })
  return JSON.parse(stdout.trim().split("\n").pop()!) as { readonly closed: boolean; readonly kept: number }
}

describe("an unread response, once collected, frees its connection", () => {
  for (const transport of ["undici", "fetch"] as const) {
    for (const traced of [false, true]) {
      const path = traced ? "with the platform's span" : "without it"
      it(`${transport}, ${path}: collected, the request is aborted; referenced, the connection stays`, async () => {
        // Garbage goes at the first collections; a referenced response must outlast thirty of them.
        const [dropped, kept] = await Promise.all([
          unread({ transport, traced, keep: false, waitMs: 20_000 }),
          unread({ transport, traced, keep: true, waitMs: 1_500 })
        ])
        assert.deepStrictEqual(dropped, { closed: true, kept: 0 })
        assert.deepStrictEqual(kept, { closed: false, kept: 1 })
      }, 90_000)
    }
  }
})
