/**
 * The mock server is Node-only and needs an optional peer dependency, so it must stay out of the
 * main entry point and of `effect-xtopay/testing`; it is reached through `effect-xtopay/mock-server`
 * and the `xtopay-mock` command only, and says what to install when `@effect/platform-node` is missing.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit } from "effect"
import { readFileSync, statSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { importPlatformNode, missingPlatformNodeMessage } from "../../src/testing/internal/platformNode.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const MOCK_SERVER_FILES = ["src/testing/server.ts", "src/testing/cli.ts", "src/testing/internal/platformNode.ts"]

/** Every module an entry point reaches (static and dynamic imports), and every package specifier it imports. */
const reach = (entry: string) => {
  const files = new Set<string>()
  const packages = new Set<string>()
  const visit = (path: string) => {
    const file = relative(root, path)
    if (files.has(file)) return
    files.add(file)
    const source = readFileSync(path, "utf8")
    for (const [, specifier] of source.matchAll(/(?:from|import)\s*\(?\s*"([^"]+)"/g)) {
      const ts = specifier!.replace(/\.js$/, ".ts")
      if (specifier!.startsWith(".")) visit(resolve(dirname(path), ts))
      else if (specifier!.startsWith("#core/")) visit(join(root, "..", "..", "core", ts.slice("#core/".length)))
      else packages.add(specifier!)
    }
  }
  visit(join(root, entry))
  return { files, packages }
}

describe("where the mock server can be reached from", () => {
  for (const entry of ["src/index.ts", "src/testing/index.ts"]) {
    it(`${entry} reaches neither the mock server nor anything of Node`, () => {
      const { files, packages } = reach(entry)
      assert.isAbove(files.size, 3)
      for (const file of MOCK_SERVER_FILES) assert.isFalse(files.has(file), `${entry} reaches ${file}`)
      const nodeOnly = [...packages].filter((p) => p.startsWith("node:") || p.startsWith("@effect/platform-node"))
      assert.deepStrictEqual(nodeOnly, [])
    })
  }

  it("package.json exports the mock server as effect-xtopay/mock-server, and the command as xtopay-mock", () => {
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))
    const exported = pkg.exports["./mock-server"]
    assert.strictEqual(exported.import.default, "./dist/esm/testing/server.js")
    assert.strictEqual(exported.import.types, "./dist/esm/testing/server.d.ts")
    assert.strictEqual(exported.require.default, "./dist/cjs/testing/server.js")
    assert.strictEqual(pkg.bin["xtopay-mock"], "./bin/xtopay-mock.mjs")
    assert.isTrue(pkg.files.includes("bin"))
    assert.isTrue(pkg.peerDependenciesMeta["@effect/platform-node"].optional)
    const bin = join(root, "bin/xtopay-mock.mjs")
    assert.match(readFileSync(bin, "utf8"), /^#!\/usr\/bin\/env node\n/)
    assert.notStrictEqual(statSync(bin).mode & 0o111, 0, "bin/xtopay-mock.mjs is not executable")
  })

  it.effect("a missing @effect/platform-node is a defect that says what to install", () =>
    Effect.gen(function*() {
      const missing = Object.assign(new Error("Cannot find package '@effect/platform-node' imported from /app/x.js"), {
        code: "ERR_MODULE_NOT_FOUND"
      })
      const exit = yield* Effect.exit(importPlatformNode(() => Promise.reject(missing)))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isFailure(exit)) {
        const defect = Cause.squash(exit.cause)
        assert.strictEqual((defect as Error).message, missingPlatformNodeMessage)
        assert.match(missingPlatformNodeMessage, /npm install --save-dev @effect\/platform-node/)
      }
      // Any other failure is passed on as it is.
      const other = new Error("boom")
      const otherExit = yield* Effect.exit(importPlatformNode(() => Promise.reject(other)))
      assert.isTrue(Exit.isFailure(otherExit) && Cause.squash(otherExit.cause) === other)
    }))
})
