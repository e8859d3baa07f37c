/**
 * `npm run build`: both module formats come out, carry core with them (no `#core/` specifier is
 * left for Node to fail on), and load on this Node: the CommonJS one through `require` of the ES
 * module Effect 4 is.
 */
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"

const edition = fileURLToPath(new URL("../../", import.meta.url))

const node = (args: ReadonlyArray<string>) => spawnSync(process.execPath, args, { cwd: edition, encoding: "utf8" })

/** A customer decoded, and an error built from a 404, by the built package in one format: `load` binds S, E and Schema. */
const probe = (load: string) => `
${load}
const customer = Schema.decodeUnknownSync(S.Customer)({ id: "cus_1", email: "a@b.co", created_at: "2026-05-24T10:00:00Z" })
const error = E.fromResponse({ status: 404, envelope: undefined, requestId: "req_1", retryAfter: undefined, attempts: 1 })
console.log(JSON.stringify([customer.currency, String(error), E.isXtopayError(error)]))
`

describe("the build", () => {
  it("emits ESM and CommonJS with core inside, and both load", () => {
    // The repository's one build, as `npm run build` runs it for either edition.
    const build = node([fileURLToPath(new URL("../../../../scripts/build-edition.mjs", import.meta.url)), edition])
    assert.strictEqual(build.status, 0, build.stderr)
    for (const format of ["esm", "cjs"]) {
      const files = readdirSync(join(edition, "dist", format), { recursive: true, encoding: "utf8" }).filter((f) => /\.(js|d\.ts)$/.test(f))
      assert.include(files, join("core", "errors.js"))
      // Neither a `#core/` specifier nor a declaration's inline import("…/dist/<format>/core/…") may be left.
      const unlinked = files.filter((f) => {
        const text = readFileSync(join(edition, "dist", format, f), "utf8")
        return text.includes("#core/") || text.includes(`dist/${format}/core/`)
      })
      assert.deepStrictEqual(unlinked, [], format)
    }
    const expected = JSON.stringify(["GHS", "NotFound: Xtopay answered HTTP 404 without an error body [HTTP 404, request req_1]", true])
    const esm = node(["--input-type=module", "-e", probe(
      `const S = await import("./dist/esm/Schemas.js"), E = await import("./dist/esm/XtopayError.js"), { Schema } = await import("effect")`
    )])
    assert.strictEqual(esm.stdout.trim(), expected, esm.stderr)
    const cjs = node(["-e", probe(`const S = require("./dist/cjs/Schemas.js"), E = require("./dist/cjs/XtopayError.js"), { Schema } = require("effect")`)])
    assert.strictEqual(cjs.stdout.trim(), expected, cjs.stderr)
    assert.deepStrictEqual(JSON.parse(readFileSync(join(edition, "dist", "cjs", "package.json"), "utf8")), { type: "commonjs" })

    // The entry points: a customer created through XtopayTest from the built main and testing entries.
    const call = `Effect.runPromise(X.Customers.create({ email: "a@b.co" }).pipe(Effect.provide(T.XtopayTest)))
  .then((c) => console.log(JSON.stringify([c.email, typeof X.Customers.delete, X.XtopayClient.key])))`
    const entries = JSON.stringify(["a@b.co", "function", "effect-xtopay/XtopayClient"])
    const esmEntry = node(["--input-type=module", "-e", `const X = await import("./dist/esm/index.js"), T = await import("./dist/esm/testing/index.js"), { Effect } = await import("effect")
${call}`])
    assert.strictEqual(esmEntry.stdout.trim(), entries, esmEntry.stderr)
    const cjsEntry = node(["-e", `const X = require("./dist/cjs/index.js"), T = require("./dist/cjs/testing/index.js"), { Effect } = require("effect")
${call}`])
    assert.strictEqual(cjsEntry.stdout.trim(), entries, cjsEntry.stderr)
  }, 300_000)
})
