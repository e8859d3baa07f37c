/**
 * The examples are ES modules: where the README and the getting-started guide tell a new project
 * what to install, they also say it needs `"type": "module"` in package.json (or `.mts` files),
 * the step a new user otherwise finds by an error.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../../../${path}`, import.meta.url)), "utf8")

/** The text of the section headed `heading`, up to the next heading of the same or a higher level. */
const section = (markdown: string, heading: string): string => {
  const start = markdown.indexOf(`\n${heading}\n`)
  assert.notStrictEqual(start, -1, `no section ${heading}`)
  const level = heading.split(" ")[0]!.length
  const rest = markdown.slice(start + heading.length + 2)
  const next = rest.search(new RegExp(`^#{1,${level}} `, "m"))
  return next === -1 ? rest : rest.slice(0, next)
}

describe("a new project is told it needs ES modules", () => {
  for (
    const [file, heading] of [["README.md", "## In your own project: pick the edition that matches your `effect`"], ["docs/getting-started.md", "## Install"]] as const
  ) {
    it(`${file}, ${heading}`, () => {
      const text = section(read(file), heading)
      assert.include(text, "npm pkg set type=module")
      assert.include(text, `"type": "module"`)
      assert.include(text, ".mts")
    })
  }
})
