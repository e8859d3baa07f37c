import { assert, describe, it } from "@effect/vitest"
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { npm, run } from "../../../../scripts/run.js"
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

// What a Node server writes with effect-xtopay/node: XtopayNode from the environment, one retrieve.
const nodeProgram = (format: "esm" | "cjs") => `
import { Cause, Effect, Exit } from "effect"
import { Customers } from "effect-xtopay"
import { XtopayNode } from "effect-xtopay/node"

const report = (exit: Exit.Exit<{ readonly id: string }, unknown>) =>
  console.log(JSON.stringify(
    Exit.isSuccess(exit) ? { format: "${format}", id: exit.value.id } : { format: "${format}", failure: Cause.pretty(exit.cause) }
  ))

Effect.runPromiseExit(Customers.retrieve("cus_smoke").pipe(Effect.provide(XtopayNode))).then(report)
`

/** A loopback server answering every request with one customer, for the node program. */
const customerServer = () =>
  new Promise<{ readonly url: string; readonly close: () => void }>((resolve) => {
    const body = JSON.stringify({
      id: "cus_smoke",
      email: "ama@example.com",
      name: null,
      phone: null,
      currency: "GHS",
      metadata: {},
      created_at: "2026-05-24T10:00:00Z"
    })
    const server = createServer((request, response) => {
      request.resume()
      response.writeHead(200, { "content-type": "application/json" }).end(body)
    })
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}/v1`,
        close: () => {
          server.closeAllConnections()
          server.close()
        }
      })
    })
  })

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
  include: ["main.mts", "main.cts", "node.mts", "node.cts"]
}

describe("the packed package, installed into a fresh project", () => {
  it("type-checks and runs an import program and a require program with only effect and @effect/platform, and effect-xtopay/node once its peer is installed", {
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
      await writeFile(join(project, "node.mts"), nodeProgram("esm"))
      await writeFile(join(project, "node.cts"), nodeProgram("cjs"))
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

      // effect-xtopay/node without its optional peer: it says what to install, with the version.
      const server = await customerServer()
      try {
        const env = {
          ...process.env,
          XTOPAY_CLIENT_ID: "cid_test_smoke",
          XTOPAY_CLIENT_SECRET: "csk_test_smoke",
          XTOPAY_BASE_URL: server.url
        }
        const runNode = async () => {
          const results: Array<{ format: string; id?: string; failure?: string }> = []
          for (const file of ["node.mjs", "node.cjs"]) {
            const ran = await run(process.execPath, [join(project, "out", file)], { cwd: project, env })
            assert.strictEqual(ran.code, 0, `node out/${file} failed:\n${ran.stderr}`)
            results.push(JSON.parse(ran.stdout))
          }
          return results
        }
        for (const result of await runNode()) {
          assert.include(result.failure, "npm install @effect/platform-node@^0.108", `${result.format}: ${result.failure}`)
        }
        // With it installed, the same programs reach the server over undici.
        const peer = await run(npm, [
          "install",
          "--prefer-offline",
          "--no-audit",
          "--no-fund",
          "--no-package-lock",
          `@effect/platform-node@${await installedVersion("@effect/platform-node")}`
        ], { cwd: project })
        assert.strictEqual(peer.code, 0, `npm install @effect/platform-node failed:\n${peer.stderr}`)
        assert.deepStrictEqual(await runNode(), [{ format: "esm", id: "cus_smoke" }, { format: "cjs", id: "cus_smoke" }])
      } finally {
        server.close()
      }
    } finally {
      await rm(project, { recursive: true, force: true })
    }
  })
})
