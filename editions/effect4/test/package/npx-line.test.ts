/**
 * The one line that runs the mock server with nothing installed, in this edition's form (README and
 * docs/testing.md, the same line in both, the package's own version named), run as written from an
 * empty folder (scripts/npx-line.ts). The server it starts answers 401 without credentials and 200
 * with test ones.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { npxLinesIn, startNpxLine } from "../../../../scripts/npx-line.js"
import { packed, registryReachable, repoRoot, root } from "./packed.js"

const PEERS = ["@effect/platform-node@^4.1.5", "effect@^4.1.5"]

describe("the npx line with nothing installed", () => {
  it("is the same in README.md and docs/testing.md, names this version and each peer's, and starts a working server from an empty folder", {
    timeout: 300_000
  }, async (ctx) => {
    const [line, ...more] = await npxLinesIn(join(repoRoot, "README.md"), "effect4")
    assert.isDefined(line, "README.md has an npx-line effect4 block")
    assert.deepStrictEqual(more, [])
    assert.deepStrictEqual(await npxLinesIn(join(repoRoot, "docs", "testing.md"), "effect4"), [line])
    const { version } = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { version: string }
    const words = line!.split(/\s+/)
    assert.deepStrictEqual(words.slice(0, 2), ["npx", "--yes"])
    assert.include(words, `--package=effect-xtopay@${version}`)
    for (const peer of PEERS) assert.include(words, `--package=${peer}`)
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so npx cannot fetch the peers")
    }
    const server = await startNpxLine(line!, version, (await packed()).tarball)
    try {
      console.log(`npx line: the base URL after ${server.millis} ms (fetching included)`)
      assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      assert.strictEqual((await fetch(`${server.baseUrl}/customers`)).status, 401)
      const ok = await fetch(`${server.baseUrl}/customers`, { headers: { authorization: `Basic ${btoa("cid_test_npx:csk_test_npx")}` } })
      assert.strictEqual(ok.status, 200)
      assert.deepStrictEqual(((await ok.json()) as { data: Array<unknown> }).data, [])
    } finally {
      await server.stop()
    }
  })
})
