/**
 * The docs' samples compile against this edition: every ```ts block naming no edition (the same code
 * in both) and every one naming `effect4`; the Effect 3 edition checks the others.
 */
import { rm } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { formatDiagnostic } from "../../../../scripts/typecheck-docs.js"
import { typecheckEditionDocs } from "../../scripts/typecheck-docs.js"

const edition = fileURLToPath(new URL("../../", import.meta.url))

describe("the docs' samples", () => {
  it("type-check against the Effect 4 edition: the shared ones and the Effect 4 ones", async () => {
    const outDir = join(edition, ".tmp", `doc-blocks-${process.pid}`)
    try {
      const result = await typecheckEditionDocs(outDir)
      assert.isAtLeast(result.checked.filter((block) => block.file === "docs/migrating-to-effect4.md").length, 3)
      assert.deepStrictEqual(result.diagnostics.map(formatDiagnostic), [])
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  }, 180_000)
})
