import { assert, describe, it } from "@effect/vitest"
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { npm, run } from "../../scripts/run.js"
import { packed, registryReachable, root } from "./packed.js"

const installedVersion = async (name: string): Promise<string> =>
  (JSON.parse(await readFile(join(root, "node_modules", name, "package.json"), "utf8")) as { readonly version: string })
    .version

const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")

// What a user of the client alone writes, once as ESM and once as CommonJS.
const program = (format: "esm" | "cjs") => `
import { Effect } from "effect"
import { type Customer, Customers, XtopayTest } from "effect-xtopay"
import { XtopayControl } from "effect-xtopay/testing"

const program = Effect.gen(function*() {
  const customer: Customer = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu" })
  const requests = yield* (yield* XtopayControl).requests
  return { format: "${format}", id: customer.id, email: customer.email, requests: requests.map((r) => r.route) }
})

// The types came through (not \`any\`): an unknown error tag and a missing email are rejected.
export const typed = () => {
  // @ts-expect-error Customers.create cannot fail with NotFound
  Customers.create({ email: "kofi@example.com" }).pipe(Effect.catchTag("NotFound", () => Effect.void))
  // @ts-expect-error email is required
  Customers.create({ name: "Kofi" })
}

${
  format === "esm"
    ? "console.log(JSON.stringify(await Effect.runPromise(program.pipe(Effect.provide(XtopayTest)))))"
    : "Effect.runPromise(program.pipe(Effect.provide(XtopayTest))).then((result) => console.log(JSON.stringify(result)))"
}
`

const tsconfig = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022", "DOM"],
    types: [],
    strict: true,
    exactOptionalPropertyTypes: true,
    skipLibCheck: false,
    outDir: "out"
  },
  include: ["main.mts", "main.cts"]
}

describe("the packed package, installed into a fresh project", () => {
  it("type-checks and runs an import program and a require program with only effect and @effect/platform", {
    timeout: 420_000
  }, async (ctx) => {
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so the packed package cannot be installed")
    }
    const { tarball } = await packed()
    const project = await mkdtemp(join(tmpdir(), "effect-xtopay-smoke-"))
    try {
      await writeFile(join(project, "package.json"), JSON.stringify({ name: "smoke", version: "0.0.0", private: true }))
      const install = await run(npm, [
        "install",
        "--prefer-offline",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        `effect@${await installedVersion("effect")}`,
        `@effect/platform@${await installedVersion("@effect/platform")}`,
        tarball
      ], { cwd: project })
      assert.strictEqual(install.code, 0, `npm install failed:\n${install.stderr}`)
      // the optional peer is not pulled in: a client-only user never installs the mock server's needs
      assert.isFalse(existsSync(join(project, "node_modules", "@effect", "platform-node")))

      await writeFile(join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 2))
      await writeFile(join(project, "main.mts"), program("esm"))
      await writeFile(join(project, "main.cts"), program("cjs"))
      const compiled = await run(process.execPath, [tsc, "-p", project], { cwd: project })
      assert.strictEqual(compiled.code, 0, `tsc failed in the consumer project:\n${compiled.stdout}${compiled.stderr}`)
      assert.match(await readFile(join(project, "out", "main.cjs"), "utf8"), /require\("effect-xtopay"\)/)

      for (const [format, file] of [["esm", "main.mjs"], ["cjs", "main.cjs"]] as const) {
        const ran = await run(process.execPath, [join(project, "out", file)], { cwd: project })
        assert.strictEqual(ran.code, 0, `node out/${file} failed:\n${ran.stderr}`)
        const result = JSON.parse(ran.stdout) as { format: string; id: string; email: string; requests: Array<string> }
        assert.strictEqual(result.format, format)
        assert.match(result.id, /^cus_/)
        assert.strictEqual(result.email, "ama@example.com")
        assert.deepStrictEqual(result.requests, ["POST /customers"])
      }

      // Both copies in one process: each recognizes the other's errors by their TypeId.
      await writeFile(join(project, "both.mjs"), `
import { createRequire } from "node:module"
const esm = await import("effect-xtopay")
const cjs = createRequire(import.meta.url)("effect-xtopay")
const fromCjs = new cjs.NotFound({ message: "No such customer", status: 404 })
const fromEsm = new esm.RateLimited({ message: "Slow down", status: 429 })
console.log(JSON.stringify({
  distinct: esm.NotFound !== cjs.NotFound,
  esmKnowsCjs: esm.isXtopayError(fromCjs),
  cjsKnowsEsm: cjs.isXtopayError(fromEsm),
  plainError: esm.isXtopayError(new Error("x"))
}))
`)
      const both = await run(process.execPath, [join(project, "both.mjs")], { cwd: project })
      assert.strictEqual(both.code, 0, `node both.mjs failed:\n${both.stderr}`)
      assert.deepStrictEqual(JSON.parse(both.stdout), { distinct: true, esmKnowsCjs: true, cjsKnowsEsm: true, plainError: false })
    } finally {
      await rm(project, { recursive: true, force: true })
    }
  })
})
