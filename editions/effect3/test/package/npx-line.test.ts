/**
 * The one line that runs the mock server with nothing installed (README and docs/testing.md, the
 * same line in both, the package's own version named), run as written from an empty folder: only
 * the package spec becomes the packed tarball (the registry's effect-xtopay may be another version
 * or not published yet) and the port a free one. The server it starts answers 401 without
 * credentials and 200 with test ones.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { packed, registryReachable, repoRoot, root } from "./packed.js"

const lineIn = async (file: string): Promise<string> => {
  const found = [...(await readFile(join(repoRoot, file), "utf8")).matchAll(/^```sh npx-line effect3\n(.+)\n```$/gm)].map((m) => m[1]!)
  assert.strictEqual(found.length, 1, `${file} has one npx-line block`)
  return found[0]!
}

describe("the npx line with nothing installed", () => {
  it("is the same in README.md and docs/testing.md, names this version and each peer's, and starts a working server from an empty folder", {
    timeout: 300_000
  }, async (ctx) => {
    const line = await lineIn("README.md")
    assert.strictEqual(await lineIn("docs/testing.md"), line)
    const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string }
    const words = line.split(/\s+/)
    assert.deepStrictEqual(words.slice(0, 2), ["npx", "--yes"])
    assert.include(words, `--package=effect-xtopay@${version}`)
    for (const peer of ["@effect/platform-node@^0.108", "effect@^3.22", "@effect/platform@^0.97"]) {
      assert.include(words, `--package=${peer}`)
    }
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so npx cannot fetch the peers")
    }
    const { tarball } = await packed()
    const args = words.slice(1).map((word) => word === `--package=effect-xtopay@${version}` ? `--package=${tarball}` : word)
    args[args.indexOf("--port") + 1] = "0"
    const empty = await mkdtemp(join(tmpdir(), "effect-xtopay-npx-"))
    // Its own process group, so that npx and the server below it are stopped together.
    const child = spawn("npx", args, { cwd: empty, detached: true, stdio: ["ignore", "pipe", "pipe"] })
    let stderr = ""
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    try {
      const started = performance.now()
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let stdout = ""
        const timer = setTimeout(() => reject(new Error(`no URL within 240 s; stderr:\n${stderr}`)), 240_000)
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          stdout += chunk
          if (stdout.includes("\n")) {
            clearTimeout(timer)
            resolve(stdout.split("\n")[0]!)
          }
        })
        child.on("exit", (code) => reject(new Error(`npx exited (${code}) before printing a URL:\n${stderr}`)))
      })
      console.log(`npx line: the base URL after ${Math.round(performance.now() - started)} ms (fetching included)`)
      assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      assert.strictEqual((await fetch(`${baseUrl}/customers`)).status, 401)
      const ok = await fetch(`${baseUrl}/customers`, { headers: { authorization: `Basic ${btoa("cid_test_npx:csk_test_npx")}` } })
      assert.strictEqual(ok.status, 200)
      assert.deepStrictEqual(((await ok.json()) as { data: Array<unknown> }).data, [])
    } finally {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM")
      await rm(empty, { recursive: true, force: true })
    }
  })
})
