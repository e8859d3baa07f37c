import { assert, describe, it } from "@effect/vitest"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { checkTarball } from "../../scripts/check-package.js"
import { packed, root } from "./packed.js"

// Building and packing takes a while on a busy machine.
const SLOW = 240_000

describe("the published package", () => {
  it("passes publint (strict) and Are the Types Wrong? for every entry point", { timeout: SLOW }, async () => {
    const { tarball } = await packed()
    for (const result of await checkTarball(tarball)) {
      assert.strictEqual(result.code, 0, `${result.tool} failed:\n${result.stdout}${result.stderr}`)
    }
  })

  it("ships ESM and CommonJS builds with their own types, and no tests or build scaffolding", { timeout: SLOW }, async () => {
    const { files } = await packed()
    for (
      const file of [
        "dist/esm/index.js",
        "dist/esm/index.d.ts",
        "dist/cjs/index.js",
        "dist/cjs/index.d.ts",
        "dist/cjs/package.json",
        "dist/esm/testing/index.js",
        "dist/cjs/testing/index.js",
        "dist/esm/testing/server.js",
        "dist/cjs/testing/server.js",
        "dist/esm/rate-limit.js",
        "dist/cjs/rate-limit.js",
        "dist/esm/node.js",
        "dist/esm/node.d.ts",
        "dist/cjs/node.js",
        "dist/cjs/node.d.ts"
      ]
    ) {
      assert.include(files, file)
    }
    const stray = files.filter((file) => /^(test|scripts|bench|examples|\.tmp|node_modules)\/|^tsconfig/.test(file))
    assert.deepStrictEqual(stray, [])
  })

  it("declares effect and @effect/platform as peers, and @effect/platform-node as an optional one", async () => {
    const manifest = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as {
      readonly peerDependencies: Record<string, string>
      readonly peerDependenciesMeta: Record<string, { readonly optional?: boolean }>
      readonly dependencies?: Record<string, string>
    }
    assert.match(manifest.peerDependencies["effect"] ?? "", /^\^3\.(2[2-9]|[3-9]\d)/)
    assert.match(manifest.peerDependencies["@effect/platform"] ?? "", /^\^0\.(9[7-9]|\d{3})/)
    assert.strictEqual(manifest.peerDependenciesMeta["@effect/platform-node"]?.optional, true)
    // effect-xtopay/rate-limit's: a user of the client alone installs neither.
    assert.strictEqual(manifest.peerDependenciesMeta["@effect/experimental"]?.optional, true)
    assert.strictEqual(manifest.peerDependenciesMeta["ioredis"]?.optional, true)
    assert.deepStrictEqual(Object.keys(manifest.dependencies ?? {}), [])
  })
})
