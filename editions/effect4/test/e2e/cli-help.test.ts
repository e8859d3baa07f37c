/**
 * `xtopay-mock --help` is read by people who copy from it: every URL it prints is absolute, with
 * the host and port the same command line chose, the control API's routes among them, and no
 * path is left relative (the docs it names are absolute paths that exist).
 */
import { assert, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import { isAbsolute } from "node:path"
import { fileURLToPath } from "node:url"
import { CONTROL_PREFIX, CONTROL_ROUTES } from "../../src/testing/internal/controlApi.js"

const bin = fileURLToPath(new URL("../../bin/xtopay-mock.mjs", import.meta.url))
const help = (...args: ReadonlyArray<string>) => execFileSync(process.execPath, [bin, ...args, "--help"], { encoding: "utf8", timeout: 30_000 })

/** Words that are a path on their own, not the tail of a URL (`/v1`, `/_mock/seed`, `docs/testing.md`). */
const relativePaths = (text: string) =>
  text.split(/\s+/).filter((word) =>
    /^\/(v1|_mock|setup|portal)\b/.test(word) || (/^[\w.-]+\/[\w./-]+$/.test(word) && !word.includes("//"))
  )

describe("xtopay-mock --help", () => {
  it("prints absolute URLs for the chosen host and port, the control routes among them, and no relative path", () => {
    const text = help("--port", "4321", "--host", "127.0.0.1")
    assert.include(text, "http://127.0.0.1:4321/v1\n")
    assert.include(text, "curl http://127.0.0.1:4321/v1/customers -u cid_test_shop:csk_test_shop")
    for (const route of CONTROL_ROUTES) assert.include(text, `http://127.0.0.1:4321${CONTROL_PREFIX}${route.path}`)
    assert.deepStrictEqual(relativePaths(text), [])
    const docs = [...text.matchAll(/^The (?:guide|OpenAPI description): (.+)$/gm)].map((m) => m[1]!)
    assert.strictEqual(docs.length, 2, text)
    for (const path of docs) assert.isTrue(isAbsolute(path) && existsSync(path), path)
  }, 40_000)

  it("shows loopback for a wildcard host, and the default port when none is given", () => {
    assert.include(help("--host", "0.0.0.0", "--port", "5000"), "http://127.0.0.1:5000/_mock/reset")
    assert.include(help(), "http://127.0.0.1:12111/v1\n")
  }, 40_000)
})
