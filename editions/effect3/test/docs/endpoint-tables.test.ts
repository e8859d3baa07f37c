/**
 * The endpoint tables of README.md and docs/ are generated from core's description
 * (`npm run docs:tables`, scripts/docs-tables.ts): each generated region is what the script writes
 * today, each table has its region, and no hand-written row outside a region restates an endpoint.
 */
import * as Api from "#core/api.js"
import { assert, describe, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { callsOf, docFiles, errorTypeOf, regenerate, regionsOf, repoRoot, tables } from "../../scripts/docs-tables.js"

const read = (file: string) => readFileSync(`${repoRoot}${file}`, "utf8")
const operations = Api.operations as ReadonlyArray<Api.Operation>

describe("endpoint tables in the docs", () => {
  it("every generated region is what `npm run docs:tables` writes from the description", () => {
    const stale = docFiles().filter((file) => regenerate(read(file)) !== read(file))
    assert.deepStrictEqual(stale, [], "run `npm run docs:tables` in editions/effect3")
  })

  it("README, errors.md, configuration.md and pagination.md each hold their table, and every table is used", () => {
    const expected = [
      ["README.md", "endpoints"],
      ["docs/errors.md", "error-unions"],
      ["docs/configuration.md", "request-options"],
      ["docs/pagination.md", "list-calls"]
    ] as const
    assert.deepStrictEqual(expected.filter(([file, name]) => !regionsOf(read(file)).includes(name)), [])
    const used = docFiles().flatMap((file) => regionsOf(read(file)))
    assert.deepStrictEqual(Object.keys(tables).filter((name) => !used.includes(name)), [])
  })

  it("no hand-written row outside a region names an endpoint function with its request", () => {
    const outside = (text: string) => text.replace(/<!-- generated:([\w-]+)[^>]*-->[\s\S]*?<!-- \/generated:\1 -->/g, "")
    const restated = docFiles().flatMap((file) =>
      outside(read(file)).split("\n").filter((line) => /^\| `[A-Z]\w*\.\w+\([^`]*\)`[^|]*\| (GET|POST|PATCH|DELETE) \//.test(line))
        .map((line) => `${file}: ${line}`)
    )
    assert.deepStrictEqual(restated, [])
  })

  it("the README table has a row per public function of the description, with its method and route", () => {
    const rows = tables["endpoints"]!().split("\n").slice(2)
    const calls = operations.flatMap(callsOf)
    assert.strictEqual(rows.length, calls.length)
    calls.forEach((call, i) => {
      assert.include(rows[i], `\`${call.fn}(`)
      assert.include(rows[i], `| ${call.op.method} ${call.op.route}`)
    })
  })

  it("the error table names each call's union with NotFound and IdempotencyConflict exactly where the description has them", () => {
    const rows = tables["error-unions"]!().split("\n").slice(2)
    assert.strictEqual(rows.length, operations.length)
    operations.forEach((op, i) => {
      assert.include(rows[i], `\`${errorTypeOf(op)}\``)
      assert.strictEqual(rows[i]!.includes("NotFound"), op.notFound, op.fn)
      assert.strictEqual(rows[i]!.includes("IdempotencyConflict"), op.idempotencyKey, op.fn)
    })
  })

  it("a stale region is rewritten, and a region no table is made for is refused", () => {
    const stale = "before\n<!-- generated:list-calls -->\n| old |\n<!-- /generated:list-calls -->\nafter\n"
    const fresh = regenerate(stale)
    assert.notStrictEqual(fresh, stale)
    assert.strictEqual(regenerate(fresh), fresh)
    assert.isTrue(fresh.startsWith("before\n<!-- generated:list-calls -->\n| Call | Gives |"))
    assert.isTrue(fresh.endsWith("<!-- /generated:list-calls -->\nafter\n"))
    assert.throws(() => regenerate("<!-- generated:nothing -->\n<!-- /generated:nothing -->"), /nothing/)
  })
})
