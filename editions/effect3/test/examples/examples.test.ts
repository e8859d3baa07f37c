/**
 * Every program in examples/ runs as a user would run it (a child process through tsx, importing
 * the package by name) and prints what it promises.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { make as startMockServer } from "../../src/testing/server.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

interface Ran {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** This process's environment with `overrides` applied; an empty override removes the variable. */
const environment = (overrides: Record<string, string>) => {
  const env: Record<string, string | undefined> = { ...process.env, ...overrides }
  for (const [name, value] of Object.entries(overrides)) if (value === "") delete env[name]
  return env
}

const runExample = (file: string, env: Record<string, string> = {}) =>
  Effect.async<Ran>((resume) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", `examples/${file}`],
      { cwd: root, env: environment(env), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => resume(Effect.succeed({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }))
    )
    return Effect.sync(() => void child.kill())
  })

const withoutXtopayEnv = { XTOPAY_CLIENT_ID: "", XTOPAY_CLIENT_SECRET: "", XTOPAY_BASE_URL: "" }

describe("examples", () => {
  it.live("demo.ts, against XtopayTest: prints the customer it created, the wallet it saved, 41 customers streamed, one retry of a 429 (two requests sent), and the NotFound and InvalidRequest it handled", () =>
    Effect.gen(function*() {
      const ran = yield* runExample("demo.ts")
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.match(ran.stdout, /created cus_\w+: Ama Owusu <ama@example.com>, currency GHS/)
      assert.match(ran.stdout, /saved pm_\w+: mobile_money/)
      assert.match(ran.stdout, /streamed 41 customers/)
      assert.match(ran.stdout, /retrying in 1s/)
      assert.match(ran.stdout, /requests sent: 2/)
      assert.match(ran.stdout, /NotFound: No such customer: 'cus_\w+' \[HTTP 404, customer_not_found, request req_\w+\]/)
      assert.match(ran.stdout, /InvalidRequest \(param email\)/)
    }), 150_000)

  it.live("export-customers.ts writes every customer as one NDJSON line, with progress on stderr", () =>
    Effect.gen(function*() {
      const ran = yield* runExample("export-customers.ts", withoutXtopayEnv)
      assert.strictEqual(ran.code, 0, ran.stderr)
      const lines = ran.stdout.trim().split("\n")
      assert.strictEqual(lines.length, 2_500)
      const ids = new Set(lines.map((line) => (JSON.parse(line) as { id: string }).id))
      assert.strictEqual(ids.size, 2_500)
      assert.match(ran.stderr, /exported 2500 customers/)
    }), 150_000)

  it.live("with-tracing.ts prints one span per SDK call, named after the operation", () =>
    Effect.gen(function*() {
      const ran = yield* runExample("with-tracing.ts")
      assert.strictEqual(ran.code, 0, ran.stderr)
      for (const name of ["Xtopay.customers.create", "Xtopay.customers.retrieve", "Xtopay.customers.update", "Xtopay.customers.delete"]) {
        assert.include(ran.stdout, name)
      }
      assert.match(ran.stdout, /Xtopay\.customers\.retrieve [\d.]+ms failed .*xtopay\.status=404/)
      assert.include(ran.stdout, "xtopay.route=/customers/:id")
      assert.notInclude(ran.stdout, "csk_test_default")
    }), 150_000)

  it.scopedLive("live.ts runs against XTOPAY_BASE_URL (here the mock server on loopback)", () =>
    Effect.gen(function*() {
      const server = yield* startMockServer({})
      const ran = yield* runExample("live.ts", {
        XTOPAY_CLIENT_ID: "cid_test_examples",
        XTOPAY_CLIENT_SECRET: "csk_test_examples",
        XTOPAY_BASE_URL: server.baseUrl
      })
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.match(ran.stdout, /created cus_\w+ \(GHS\)/)
      assert.match(ran.stdout, /customers with that email: 1/)
      assert.match(ran.stdout, /deleted cus_\w+: true/)
      const requests = yield* server.control.requests
      assert.deepStrictEqual(requests.map((r) => r.route), [
        "POST /customers",
        "POST /setup-intents",
        "POST /customer-portal/sessions",
        "GET /customers",
        "DELETE /customers/:id"
      ])
    }), 150_000)

  it.scopedLive("webhooks.ts receives and verifies the mock server's deliveries with Webhooks.handler", () =>
    Effect.gen(function*() {
      const server = yield* startMockServer({})
      const ran = yield* runExample("webhooks.ts", {
        XTOPAY_CLIENT_ID: "cid_test_hooks",
        XTOPAY_CLIENT_SECRET: "csk_test_hooks",
        XTOPAY_BASE_URL: server.baseUrl
      })
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.match(ran.stdout, /registered we_\w+ for http:\/\/127\.0\.0\.1:\d+\/webhooks\/xtopay/)
      assert.match(ran.stdout, /received customer\.created evt_\w+/)
      assert.match(ran.stdout, /received customer\.payment_method_added evt_\w+/)
      assert.match(ran.stdout, /done/)
      const [added] = (yield* server.control.account("cid_test_hooks").events).filter((e) => e.type === "customer.payment_method_added")
      const attempts = yield* server.control.deliveryAttempts(added!.id)
      assert.deepStrictEqual(attempts.map((a) => [a.status, a.response_status]), [["succeeded", 200]])
    }), 150_000)
})
