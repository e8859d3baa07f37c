/**
 * Optional peers stay optional (issue 26.1): the packed package, installed into a fresh project
 * with only `effect` and `@effect/platform`, imports every entry point (as ESM and as CommonJS),
 * runs what needs no optional peer, and says what to install for what does. Then, with
 * `@effect/experimental` installed, the in-memory rate limit works while `layerRedis` still asks
 * for `ioredis`.
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync } from "node:fs"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { npm, run } from "../../../../scripts/run.js"
import { packed, registryReachable, root } from "./packed.js"

const installedVersion = async (name: string): Promise<string> =>
  (JSON.parse(await readFile(join(root, "node_modules", name, "package.json"), "utf8")) as { readonly version: string })
    .version

const ENTRY_POINTS = [
  "effect-xtopay",
  "effect-xtopay/testing",
  "effect-xtopay/mock-server",
  "effect-xtopay/node",
  "effect-xtopay/rate-limit"
] as const

const OPTIONAL_PEERS = ["@effect/platform-node", "@effect/experimental", "ioredis"] as const

/**
 * Imports every entry point, uses what needs no optional peer, and reports, for each function
 * that needs one, the message its layer dies with (or "built" when it builds).
 */
const program = (format: "esm" | "cjs") => `
${
  format === "esm"
    ? "const load = (name) => import(name)"
    : "const load = async (name) => require(name)"
}

const main = async () => {
  const { Cause, Effect, Exit, Layer, Redacted } = await load("effect")
  const modules = {}
  const importErrors = {}
  for (const name of ${JSON.stringify(ENTRY_POINTS)}) {
    try {
      modules[name] = await load(name)
    } catch (error) {
      importErrors[name] = String(error && error.message)
    }
  }
  const main = modules["effect-xtopay"]
  const testing = modules["effect-xtopay/testing"]
  const mockServer = modules["effect-xtopay/mock-server"]
  const node = modules["effect-xtopay/node"]
  const rateLimit = modules["effect-xtopay/rate-limit"]
  const uses = {}
  if (main && testing) {
    // The client against the in-memory Xtopay, and the fake's control.
    uses.customer = await Effect.runPromise(Effect.gen(function*() {
      const customer = yield* main.Customers.create({ email: "ama@example.com" })
      const control = yield* testing.XtopayControl
      const requests = yield* control.requests
      return { id: customer.id.slice(0, 4), routes: requests.map((request) => request.route) }
    }).pipe(Effect.provide(main.XtopayTest)))
    // A webhook signed and verified.
    uses.webhook = await Effect.runPromise(Effect.gen(function*() {
      const secret = Redacted.make("csk_test_peers")
      const body = JSON.stringify({ id: "evt_1", type: "customer.deleted", created_at: "2026-05-24T10:00:00Z", data: {
        id: "cus_1", email: "ama@example.com", name: null, phone: null, currency: "GHS", metadata: {},
        created_at: "2026-05-24T10:00:00Z"
      } })
      const headers = yield* main.Webhooks.sign({ payload: body, secret })
      const event = yield* main.Webhooks.constructEventWith(body, headers, { secrets: [secret] })
      return event.type
    }))
  }
  // Builds a layer; its defect's message when it dies.
  const build = async (layer) => {
    const exit = await Effect.runPromiseExit(Effect.scoped(Layer.build(layer)))
    if (Exit.isSuccess(exit)) return "built"
    const defect = Cause.squash(exit.cause)
    return String(defect && defect.message)
  }
  const needs = {}
  if (node) needs["XtopayNode"] = await build(node.XtopayNode)
  if (mockServer) needs["MockServer.layer"] = await build(mockServer.MockServer.layer())
  if (rateLimit) {
    const budget = { limit: 5, window: "1 second" }
    needs["XtopayRateLimit.layerMemory"] = await build(rateLimit.XtopayRateLimit.layerMemory(budget))
    needs["XtopayRateLimit.layerRedis"] = await build(
      rateLimit.XtopayRateLimit.layerRedis({ ...budget, redis: { host: "127.0.0.1", port: 9 } })
    )
    if (main && rateLimit.XtopayRateLimit) {
      // With its peer present, the in-memory budget in front of the in-memory Xtopay.
      const limited = main.XtopayTestWith().pipe(Layer.provide(rateLimit.XtopayRateLimit.layerMemory(budget)))
      const exit = await Effect.runPromiseExit(main.Customers.create({ email: "kofi@example.com" }).pipe(Effect.provide(limited)))
      uses.rateLimited = Exit.isSuccess(exit) ? exit.value.email : "failed"
    }
  }
  console.log(JSON.stringify({ format: "${format}", importErrors, uses, needs }))
}
main().catch((error) => {
  console.error(error)
  process.exit(1)
})
`

interface Report {
  readonly format: string
  readonly importErrors: Record<string, string>
  readonly uses: { customer?: { id: string; routes: Array<string> }; webhook?: string; rateLimited?: string }
  readonly needs: Record<string, string>
}

describe("the packed package with only effect and @effect/platform (no optional peer)", () => {
  it("imports every entry point, runs what needs no optional peer, and says what to install for the rest", {
    timeout: 420_000
  }, async (ctx) => {
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so the packed package cannot be installed")
    }
    const { tarball } = await packed()
    const project = await mkdtemp(join(tmpdir(), "effect-xtopay-peers-"))
    const install = (specs: ReadonlyArray<string>) =>
      run(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", "--no-package-lock", ...specs], { cwd: project })
    try {
      await writeFile(join(project, "package.json"), JSON.stringify({ name: "peers", version: "0.0.0", private: true }))
      const installed = await install([
        `effect@^3.22`,
        `@effect/platform@^0.97`,
        tarball
      ])
      assert.strictEqual(installed.code, 0, `npm install failed:\n${installed.stderr}`)
      for (const peer of OPTIONAL_PEERS) {
        assert.isFalse(existsSync(join(project, "node_modules", peer)), `${peer} was installed`)
      }
      await writeFile(join(project, "main.mjs"), program("esm"))
      await writeFile(join(project, "main.cjs"), program("cjs"))
      const runBoth = async (): Promise<ReadonlyArray<Report>> => {
        const reports: Array<Report> = []
        for (const file of ["main.mjs", "main.cjs"]) {
          const ran = await run(process.execPath, [join(project, file)], { cwd: project })
          assert.strictEqual(ran.code, 0, `node ${file} failed:\n${ran.stderr}`)
          reports.push(JSON.parse(ran.stdout.trim().split("\n").pop()!) as Report)
        }
        return reports
      }

      for (const report of await runBoth()) {
        const where = report.format
        assert.deepStrictEqual(report.importErrors, {}, `${where}: an entry point did not import`)
        assert.deepStrictEqual(report.uses.customer, { id: "cus_", routes: ["POST /customers"] }, where)
        assert.strictEqual(report.uses.webhook, "customer.deleted", where)
        assert.strictEqual(report.uses.rateLimited, "failed", where)
        const needs = report.needs
        assert.include(needs["XtopayNode"], "npm install @effect/platform-node@^0.108", where)
        assert.include(needs["MockServer.layer"], "npm install --save-dev @effect/platform-node@^0.108", where)
        assert.include(needs["XtopayRateLimit.layerMemory"], "XtopayRateLimit.layer, layerMemory", where)
        assert.include(needs["XtopayRateLimit.layerMemory"], "npm install @effect/experimental@^0.61", where)
        assert.include(needs["XtopayRateLimit.layerRedis"], "XtopayRateLimit.layerRedis", where)
        assert.include(needs["XtopayRateLimit.layerRedis"], "npm install @effect/experimental@^0.61 ioredis@^5", where)
      }

      // The in-memory limiter needs @effect/experimental only; layerRedis then asks for ioredis alone.
      const experimental = await install([`@effect/experimental@${await installedVersion("@effect/experimental")}`])
      assert.strictEqual(experimental.code, 0, `npm install @effect/experimental failed:\n${experimental.stderr}`)
      assert.isFalse(existsSync(join(project, "node_modules", "ioredis")), "ioredis came with @effect/experimental")
      for (const report of await runBoth()) {
        const where = report.format
        assert.deepStrictEqual(report.importErrors, {}, where)
        assert.strictEqual(report.needs["XtopayRateLimit.layerMemory"], "built", where)
        assert.strictEqual(report.uses.rateLimited, "kofi@example.com", where)
        assert.include(report.needs["XtopayRateLimit.layerRedis"], "needs the optional peer dependency ioredis (^5)", where)
        assert.include(report.needs["XtopayRateLimit.layerRedis"], "npm install ioredis@^5", where)
        assert.notInclude(report.needs["XtopayRateLimit.layerRedis"], "@effect/experimental@", where)
        assert.include(report.needs["XtopayNode"], "npm install @effect/platform-node@^0.108", where)
      }
    } finally {
      await rm(project, { recursive: true, force: true })
    }
  })
})
