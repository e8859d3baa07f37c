/**
 * core/edition.ts, the rule both editions check the project's `effect` with: which versions each
 * edition refuses, the words it refuses them in, and reading the installed version from
 * package.json without loading effect, also when a package does not export its package.json.
 */
import { assert, describe, it } from "@effect/vitest"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { editionMismatch, installedEffectVersion, majorOf } from "#core/edition.js"

const EFFECT3 = { version: "0.1.0", effectMajor: 3 } as const
const EFFECT4 = { version: "1.0.0", effectMajor: 4 } as const

const INSTALL_BOTH = "Install `effect-xtopay@^0.1` (Effect 3: `npm i effect-xtopay@^0.1 effect@^3.22 @effect/platform@^0.97`) " +
  "or `effect-xtopay@^1` (Effect 4: `npm i effect-xtopay@^1 effect@^4.1.5`)."

describe("editionMismatch", () => {
  it("lets each edition run on its own major, prereleases and later minors included", () => {
    for (const version of ["3.22.0", "3.22.5", "3.99.1-beta.2"]) assert.isUndefined(editionMismatch(EFFECT3, version))
    for (const version of ["4.1.5", "4.2.0-beta.1", "4.10.0"]) assert.isUndefined(editionMismatch(EFFECT4, version))
  })

  it("names this edition, the project's effect and both install lines when the major differs", () => {
    assert.strictEqual(
      editionMismatch(EFFECT4, "3.22.5"),
      `this is effect-xtopay 1.0.0 for Effect 4; your project has effect 3.22.5. ${INSTALL_BOTH}`
    )
    assert.strictEqual(
      editionMismatch(EFFECT3, "4.1.5"),
      `this is effect-xtopay 0.1.0 for Effect 3; your project has effect 4.1.5. ${INSTALL_BOTH}`
    )
    // A later major is refused as well: nothing says this edition runs on it.
    assert.include(editionMismatch(EFFECT4, "5.0.0"), "your project has effect 5.0.0")
  })

  it("says so when no effect is installed, and lets run what it cannot read", () => {
    assert.strictEqual(
      editionMismatch(EFFECT3, null),
      `this is effect-xtopay 0.1.0 for Effect 3; your project has no \`effect\` installed. ${INSTALL_BOTH}`
    )
    assert.isUndefined(editionMismatch(EFFECT4, undefined))
    assert.isUndefined(editionMismatch(EFFECT4, "workspace:*"))
    assert.deepStrictEqual(["3.22.5", "v4.1.5", "4.2.0+build.1", "4.1", "x"].map(majorOf), [3, 4, 4, undefined, undefined])
  })
})

describe("installedEffectVersion", () => {
  /** A project whose node_modules/effect has `manifest` as its package.json; `require` from deep inside it. */
  const project = async (manifest: object | undefined) => {
    const dir = await mkdtemp(join(tmpdir(), "effect-xtopay-edition-"))
    if (manifest !== undefined) {
      await mkdir(join(dir, "node_modules", "effect"), { recursive: true })
      await writeFile(join(dir, "node_modules", "effect", "package.json"), JSON.stringify(manifest))
      await writeFile(join(dir, "node_modules", "effect", "index.js"), "throw new Error('effect was loaded')")
    }
    await mkdir(join(dir, "node_modules", "effect-xtopay", "dist", "cjs"), { recursive: true })
    return { dir, require: createRequire(join(dir, "node_modules", "effect-xtopay", "dist", "cjs", "index.js")) }
  }

  it("reads an exported effect/package.json without loading effect", async () => {
    const { dir, require } = await project({
      name: "effect",
      version: "3.22.5",
      exports: { ".": "./index.js", "./package.json": "./package.json" }
    })
    try {
      assert.strictEqual(installedEffectVersion(require), "3.22.5")
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("finds the package's folder when its exports leave package.json out", async () => {
    const { dir, require } = await project({ name: "effect", version: "4.1.5", type: "module", exports: { ".": "./index.js" } })
    try {
      assert.throws(() => require("effect/package.json"), /not defined by "exports"/)
      assert.strictEqual(installedEffectVersion(require), "4.1.5")
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("is undefined for an effect it cannot find a folder of, rather than calling it missing", () => {
    // Yarn's Plug'n'Play: no node_modules folders to look in.
    const load = Object.assign(
      (id: string): unknown => {
        throw Object.assign(new Error(`Package subpath not exported: ${id}`), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" })
      },
      { resolve: { paths: () => null } }
    )
    assert.isUndefined(installedEffectVersion(load))
  })

  it("is null when no effect is installed, and undefined when its package.json has no version", async () => {
    const none = await project(undefined)
    const noVersion = await project({ name: "effect" })
    try {
      assert.isNull(installedEffectVersion(none.require))
      assert.isUndefined(installedEffectVersion(noVersion.require))
    } finally {
      await rm(none.dir, { recursive: true, force: true })
      await rm(noVersion.dir, { recursive: true, force: true })
    }
  })
})
