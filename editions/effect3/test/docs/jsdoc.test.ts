import { assert, describe, it } from "@effect/vitest"
import { mkdir, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { findUndocumented } from "../../scripts/undocumented.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

describe("API reference", () => {
  it("every export of the entry points (and every public member of an exported class or namespace) has a doc comment", () => {
    // ".", "./testing", "./mock-server", "./rate-limit" and "./node" of the package's exports
    const entries = ["index.ts", "testing/index.ts", "testing/server.ts", "rate-limit.ts", "node.ts"].map((entry) => join(root, "src", entry))
    const undocumented = findUndocumented(entries).map((item) => `${item.location}  ${item.name}`)
    assert.deepStrictEqual(undocumented, [], `Add a doc comment (prose, not only @since) to:\n${undocumented.join("\n")}`)
  })

  it("the check names each undocumented export, class member and namespace member, with its file and line", async () => {
    const dir = join(root, ".tmp", `jsdoc-fixture-${process.pid}`)
    await rm(dir, { recursive: true, force: true })
    await mkdir(join(dir, "src"), { recursive: true })
    await writeFile(join(dir, "tsconfig.build.json"), JSON.stringify({ extends: "../../tsconfig.build.json", include: ["src"] }))
    await writeFile(
      join(dir, "src", "index.ts"),
      [
        "/** Documented. */",
        "export const documented = 1",
        "/** @since 0.1.0 */",
        "export const onlyATag = 2",
        "/** A class. */",
        "export class Shape {",
        "  /** Documented. */",
        "  static readonly a = 1",
        "  static readonly b = 2",
        "  private readonly hidden = 3",
        "}",
        "export * as Things from \"./Things.js\""
      ].join("\n")
    )
    await writeFile(join(dir, "src", "Things.ts"), ["/** Things. */", "import type { Effect } from \"effect\"", "export type Thing = Effect.Effect<string>"].join("\n"))
    try {
      const undocumented = findUndocumented([join(dir, "src", "index.ts")], dir)
      assert.deepStrictEqual(undocumented, [
        { name: "onlyATag", location: join("src", "index.ts:4") },
        { name: "Shape.b", location: join("src", "index.ts:9") },
        { name: "Things.Thing", location: join("src", "Things.ts:3") }
      ])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
