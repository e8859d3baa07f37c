/**
 * `@effect/platform-node` is an optional peer: without it, effect-xtopay/mock-server still imports,
 * and `MockServer.layer` dies with the message that names what to install (with the Effect 4
 * range), not a module-resolution stack trace. Run in a child process whose module resolution
 * hides the package.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { missingPlatformNodeMessage } from "../../src/testing/internal/platformNode.js"

const run = promisify(execFile)
const root = fileURLToPath(new URL("../..", import.meta.url))
const worker = fileURLToPath(new URL("./missing-peer-worker.ts", import.meta.url))

/** Resolution of @effect/platform-node fails as it does when the package is not installed. */
const hidePlatformNode = `data:text/javascript,${
  encodeURIComponent(`import { register } from "node:module"
register("data:text/javascript," + encodeURIComponent(\`export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@effect/platform-node")) {
    const error = new Error("Cannot find package '@effect/platform-node' imported from " + context.parentURL)
    error.code = "ERR_MODULE_NOT_FOUND"
    throw error
  }
  return next(specifier, context)
}\`))`)
}`

describe("the mock server without @effect/platform-node", () => {
  it("imports, and MockServer.layer dies saying what to install", async () => {
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--import", hidePlatformNode, worker], {
      cwd: root,
      timeout: 60_000
    })
    const result = JSON.parse(stdout.trim().split("\n").pop()!) as { imported: boolean; outcome: string }
    assert.deepStrictEqual(result, { imported: true, outcome: missingPlatformNodeMessage })
    assert.match(missingPlatformNodeMessage, /npm install --save-dev @effect\/platform-node@\^4\.1\.5/)
  }, 90_000)
})
