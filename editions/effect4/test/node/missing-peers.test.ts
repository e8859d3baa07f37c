/**
 * Optional peers stay optional, from source: with `@effect/platform-node` or `redis` hidden from
 * module resolution (a loader hook in a child process), effect-xtopay/node and
 * effect-xtopay/rate-limit still import; what needs nothing more still builds; and each layer that
 * needs a missing peer dies with the message naming what to install, not a resolution stack trace.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { missingPlatformNodeMessage } from "../../src/node.js"
import { missingRedisMessage } from "../../src/rate-limit.js"

const run = promisify(execFile)
const root = fileURLToPath(new URL("../..", import.meta.url))
const worker = fileURLToPath(new URL("./missing-peers-worker.ts", import.meta.url))
const hide = fileURLToPath(new URL("./hide-peers.mjs", import.meta.url))

const withHidden = async (peers: ReadonlyArray<string>) => {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "--import", hide, worker], {
    cwd: root,
    env: { ...process.env, HIDE_PEERS: peers.join(",") },
    timeout: 60_000
  })
  return JSON.parse(stdout.trim().split("\n").pop()!) as Record<string, string>
}

describe("without the optional peers", () => {
  it("redis hidden: the undici client and the in-memory budget build; layerRedis says to install redis", async () => {
    assert.deepStrictEqual(await withHidden(["redis"]), {
      layerHttpClient: "built",
      layerMemory: "built",
      layerRedis: missingRedisMessage
    })
  }, 90_000)

  it("@effect/platform-node hidden: layerHttpClient and layerRedis say what to install; the in-memory budget builds", async () => {
    assert.deepStrictEqual(await withHidden(["@effect/platform-node"]), {
      layerHttpClient: missingPlatformNodeMessage,
      layerMemory: "built",
      layerRedis: missingRedisMessage
    })
  }, 90_000)

  it("nothing hidden: every layer builds (layerRedis connects at first use, not at build)", async () => {
    assert.deepStrictEqual(await withHidden([]), { layerHttpClient: "built", layerMemory: "built", layerRedis: "built" })
  }, 90_000)
})
