import { assert, describe, it } from "@effect/vitest"
import { mkdir, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { extractBlocks, formatDiagnostic, isChecked } from "../../../../scripts/typecheck-docs.js"
import { typecheckEditionDocs } from "../../scripts/typecheck-docs.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

const fixture = [
  "# Guide",
  "",
  "```ts",
  "import { Customers } from \"effect-xtopay\"",
  "export const program = Customers.create({ email: \"ama@example.com\" })",
  "```",
  "",
  "```ts no-check",
  "this is not TypeScript at all",
  "```",
  "",
  "```js",
  "neither is this, but js blocks are not checked",
  "```",
  "",
  "- In a list:",
  "  ```typescript",
  "  import { Customers } from \"effect-xtopay\"",
  "  const count: number = Customers.create({ email: \"kofi@example.com\" })",
  "  ```",
  ""
].join("\n")

const lineOf = (text: string, needle: string): number => text.split("\n").findIndex((line) => line.includes(needle)) + 1

describe("doc blocks are type-checked", () => {
  it("README.md and docs/**/*.md type-check against the source", async () => {
    const outDir = join(root, ".tmp", `doc-blocks-test-${process.pid}`)
    try {
      const result = await typecheckEditionDocs(outDir)
      assert.deepStrictEqual(result.diagnostics.map(formatDiagnostic), [])
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  })

  it("reports a failing block at its file and line, skips no-check and non-TypeScript blocks", async () => {
    const dir = join(root, ".tmp", `doc-fixture-${process.pid}`)
    await rm(dir, { recursive: true, force: true })
    await mkdir(join(dir, "guides"), { recursive: true })
    const guide = join(dir, "guides", "guide.md")
    await writeFile(guide, fixture)
    try {
      const result = await typecheckEditionDocs(join(dir, "blocks"), [guide])
      assert.deepStrictEqual(result.checked.map((block) => block.line), [4, 18])
      assert.deepStrictEqual(result.skipped.map((block) => block.line), [9])
      assert.strictEqual(result.diagnostics.length, 1, result.diagnostics.map(formatDiagnostic).join("\n"))
      const [diagnostic] = result.diagnostics
      assert.strictEqual(diagnostic?.file, join("editions", "effect3", ".tmp", `doc-fixture-${process.pid}`, "guides", "guide.md"))
      assert.strictEqual(diagnostic?.line, lineOf(fixture, "const count: number"))
      // the 2-space list indent + "const " puts `count` in column 9
      assert.strictEqual(diagnostic?.column, 9)
      assert.strictEqual(diagnostic?.code, 2322)
      assert.match(formatDiagnostic(diagnostic!), /guide\.md:19:9 - error TS2322: Type 'Effect<.*' is not assignable to type 'number'/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe("extractBlocks", () => {
  it("reads the language, the flags and the first code line of each fence", () => {
    const blocks = extractBlocks(["text", "~~~typescript", "const a = 1", "~~~", "````ts no-check", "```", "````"].join("\n"), "x.md")
    assert.deepStrictEqual(
      blocks.map(({ code, flags, lang, line }) => ({ code, flags, lang, line })),
      [
        { code: "const a = 1", flags: [], lang: "typescript", line: 3 },
        // a longer fence holds a shorter one
        { code: "```", flags: ["no-check"], lang: "ts", line: 6 }
      ]
    )
    assert.deepStrictEqual(blocks.map((block) => isChecked(block, "effect3")), [true, false])
  })

  it("gives a sample naming one edition to that edition's checker, and one naming none to both", () => {
    const blocks = extractBlocks(
      ["```ts", "a", "```", "```ts effect3", "b", "```", "```ts effect4", "c", "```", "```ts no-check effect4", "d", "```"].join("\n"),
      "x.md"
    )
    assert.deepStrictEqual(blocks.map((block) => isChecked(block, "effect3")), [true, true, false, false])
    assert.deepStrictEqual(blocks.map((block) => isChecked(block, "effect4")), [true, false, true, false])
  })
})
