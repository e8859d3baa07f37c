/**
 * core/ is the part of effect-xtopay that both editions share, so it must load under either Effect
 * line and in any runtime: it imports nothing but its own modules (no `effect`, no `@effect/*`, no
 * Node built-ins, no other package).
 */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"

const core = fileURLToPath(new URL("../../../../core/", import.meta.url))

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith(".ts") ? [join(dir, entry.name)] : []
  )

describe("core/", () => {
  it("imports only its own modules", () => {
    const files = sources(core)
    assert.isNotEmpty(files)
    const foreign = files.flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g)]
        .map((match) => match[1]!)
        .filter((specifier) => !specifier.startsWith("./") && !specifier.startsWith("../"))
        .map((specifier) => `${relative(core, file)}: ${specifier}`)
    )
    assert.deepStrictEqual(foreign, [])
  })
})
