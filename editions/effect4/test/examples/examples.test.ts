/**
 * Every program in examples/ runs as a user would run it (a child process through tsx, importing
 * the package by name, which this edition's tsconfig maps to its sources) and prints what it
 * promises; the ones that talk to Xtopay run against this edition's mock server on loopback, which
 * then says what reached it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { readFileSync } from "node:fs"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { make as startMockServer } from "../../src/testing/server.js"

const edition = fileURLToPath(new URL("../..", import.meta.url))

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

/** examples/<file> with tsx as Node's loader, bounded at 2 minutes; killed if the test is interrupted. */
const runExample = (file: string, env: Record<string, string> = {}) =>
  Effect.callback<Ran>((resume) => {
    const child = execFile(
      process.execPath,
      ["--import", "tsx", `examples/${file}`],
      { cwd: edition, env: environment(env), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }))
    )
    return Effect.sync(() => void child.kill())
  })

/** A loopback port nothing listens on: bound, then closed. */
const closedPort = Effect.callback<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as { port: number }
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** XtopayLive's settings for `clientId` against `baseUrl`. */
const account = (clientId: string, clientSecret: string, baseUrl: string) => ({
  XTOPAY_CLIENT_ID: clientId,
  XTOPAY_CLIENT_SECRET: clientSecret,
  XTOPAY_BASE_URL: baseUrl
})

const withoutXtopayEnv = { XTOPAY_CLIENT_ID: "", XTOPAY_CLIENT_SECRET: "", XTOPAY_BASE_URL: "" }

/** The step titles of the Effect 3 edition's demo, read from its source: the tour both editions tell. */
const effect3DemoSteps = () => {
  const source = readFileSync(new URL("../../../effect3/examples/demo.ts", import.meta.url), "utf8")
  return [...source.matchAll(/step\("([^"]+)"\)/g)].map((match) => match[1]!)
}

describe("examples", () => {
  it.live("demo.ts, against XtopayTest: the Effect 3 demo's tour, step by step; the customer it created, the wallet it saved, 41 customers streamed, one retry of a 429 (two requests sent), and the NotFound and InvalidRequest it handled", () =>
    Effect.gen(function*() {
      const ran = yield* runExample("demo.ts")
      assert.strictEqual(ran.code, 0, ran.stderr)
      const steps = ran.stdout.split("\n").filter((line) => line.startsWith("— ")).map((line) => line.slice(2))
      const expected = effect3DemoSteps()
      assert.isAtLeast(expected.length, 9)
      assert.deepStrictEqual(steps, expected)
      assert.match(ran.stdout, /created cus_\w+: Ama Owusu <ama@example.com>, currency GHS/)
      assert.include(ran.stdout, `phone +233244000000, metadata {"tier":"gold"}`)
      assert.match(ran.stdout, /saved pm_\w+: mobile_money/)
      assert.match(ran.stdout, /cus_\w+ has 1 payment method\(s\), 0 subscription\(s\)/)
      assert.match(ran.stdout, /streamed 41 customers/)
      // The client's own Debug line, shown because the demo lowers MinimumLogLevel.
      assert.match(ran.stdout, /DEBUG .*Xtopay request failed; retrying in 1s/)
      assert.match(ran.stdout, /retrieved after 1\.\ds; requests sent: 2/)
      assert.match(ran.stdout, /NotFound: No such customer: 'cus_\w+' \[HTTP 404, customer_not_found, request req_\w+\]/)
      assert.match(ran.stdout, /InvalidRequest \(param email\)/)
      assert.strictEqual(ran.stderr, "")
    }), 150_000)

  it.live("export-customers.ts, without XTOPAY_CLIENT_ID: every one of the 2,500 seeded customers as one NDJSON line, with progress on stderr", () =>
    Effect.gen(function*() {
      const ran = yield* runExample("export-customers.ts", withoutXtopayEnv)
      assert.strictEqual(ran.code, 0, ran.stderr)
      const lines = ran.stdout.trim().split("\n")
      assert.strictEqual(lines.length, 2_500)
      const customers = lines.map((line) => JSON.parse(line) as { id: string; created_at: string })
      assert.strictEqual(new Set(customers.map((c) => c.id)).size, 2_500)
      assert.match(customers[0]!.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
      assert.match(ran.stderr, /exported 2500 customers/)
      assert.match(ran.stderr, /\ndone\n$/)
    }), 150_000)

  it.live("export-customers.ts, with XTOPAY_CLIENT_ID: the account's customers from XTOPAY_BASE_URL (here the mock server), pages of 100", () =>
    Effect.gen(function*() {
      const server = yield* startMockServer({})
      const shop = server.control.account("cid_test_export")
      const seeded = yield* shop.seed({ customers: Array.from({ length: 250 }, (_, i) => ({ email: `buyer${i}@example.com` })) })
      const ran = yield* runExample("export-customers.ts", account("cid_test_export", "csk_test_export", server.baseUrl))
      assert.strictEqual(ran.code, 0, ran.stderr)
      const exported = ran.stdout.trim().split("\n").map((line) => (JSON.parse(line) as { id: string }).id)
      assert.sameMembers(exported, seeded.map((c) => c.id))
      assert.strictEqual(exported.length, 250)
      const requests = yield* shop.requests
      assert.deepStrictEqual(requests.map((r) => r.route), ["GET /customers", "GET /customers", "GET /customers"])
    }), 150_000)

  it.live("with-tracing.ts prints one span per SDK call, named after the operation, inside the program's span, with no secret", () =>
    Effect.gen(function*() {
      const ran = yield* runExample("with-tracing.ts")
      assert.strictEqual(ran.code, 0, ran.stderr)
      const lines = ran.stdout.trimEnd().split("\n")
      assert.deepStrictEqual(lines.map((line) => line.split(" ").filter((word) => word !== "")[0]), [
        "Xtopay.customers.create",
        "Xtopay.customers.retrieve",
        "Xtopay.customers.update",
        "Xtopay.customers.delete",
        "Xtopay.customers.retrieve",
        "checkout.example"
      ])
      // The SDK's spans are children of the program's (indented), which ends last.
      for (const line of lines.slice(0, 5)) assert.match(line, /^ {2}Xtopay\.customers\.\w+ [\d.]+ms ok|^ {2}Xtopay\.customers\.retrieve [\d.]+ms failed/)
      assert.match(lines[5]!, /^checkout\.example [\d.]+ms ok/)
      assert.match(lines[4]!, /Xtopay\.customers\.retrieve [\d.]+ms failed .*xtopay\.status=404/)
      assert.match(lines[0]!, /xtopay\.status=201/)
      assert.include(ran.stdout, "xtopay.route=/customers/:id")
      assert.notInclude(ran.stdout, "csk_test_default")
    }), 150_000)

  it.live("live.ts runs against XTOPAY_BASE_URL (here the mock server on loopback): the five calls, in order, and what they printed", () =>
    Effect.gen(function*() {
      const server = yield* startMockServer({})
      const ran = yield* runExample("live.ts", account("cid_test_examples", "csk_test_examples", server.baseUrl))
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.match(ran.stdout, /created cus_\w+ \(GHS\)/)
      // The mock server's links open its own hosted pages.
      const origin = new URL(server.baseUrl).origin
      assert.match(ran.stdout, /setup intent si_\w+: send the customer to \S+/)
      assert.include(ran.stdout, `send the customer to ${origin}/setup/`)
      assert.match(ran.stdout, /portal session cps_\w+: \S+/)
      assert.match(ran.stdout, new RegExp(`portal session cps_\\w+: ${origin}/portal/`))
      assert.match(ran.stdout, /customers with that email: 1/)
      assert.match(ran.stdout, /deleted cus_\w+: true/)
      const requests = yield* server.control.account("cid_test_examples").requests
      assert.deepStrictEqual(requests.map((r) => r.route), [
        "POST /customers",
        "POST /setup-intents",
        "POST /customer-portal/sessions",
        "GET /customers",
        "DELETE /customers/:id"
      ])
      assert.notInclude(ran.stdout + ran.stderr, "csk_test_examples")
    }), 150_000)

  it.live("live.ts, refused credentials: one plain line on stderr, exit code 1, nothing created, the secret never printed", () =>
    Effect.gen(function*() {
      const server = yield* startMockServer({})
      // The mock server binds a client id to the first secret it sees: this one is taken.
      const shop = server.control.account("cid_test_refused")
      yield* Effect.promise(() =>
        fetch(`${server.baseUrl}/customers`, { headers: { authorization: `Basic ${btoa("cid_test_refused:csk_test_first")}` } })
      )
      const ran = yield* runExample("live.ts", account("cid_test_refused", "csk_test_second", server.baseUrl))
      assert.strictEqual(ran.code, 1)
      assert.match(ran.stderr, /^Xtopay refused the credentials: .*\[HTTP 401, invalid_credentials, request req_\w+\]\n$/)
      assert.strictEqual(ran.stdout, "")
      assert.notInclude(ran.stderr, "csk_test_second")
      assert.deepStrictEqual(yield* shop.events, [])
    }), 150_000)

  it.live("live.ts, nothing listening at XTOPAY_BASE_URL: 'Could not reach Xtopay' and exit code 1", () =>
    Effect.gen(function*() {
      const port = yield* closedPort
      const ran = yield* runExample("live.ts", account("cid_test_nowhere", "csk_test_nowhere", `http://127.0.0.1:${port}/v1`))
      assert.strictEqual(ran.code, 1)
      assert.match(ran.stderr, new RegExp(`^Could not reach Xtopay: .*127\\.0\\.0\\.1:${port}.*\\n$`))
      assert.strictEqual(ran.stdout, "")
      assert.notInclude(ran.stderr, "csk_test_nowhere")
    }), 150_000)

  it.live("live.ts without XTOPAY_CLIENT_ID fails before any request: the missing setting named, exit code 1", () =>
    Effect.gen(function*() {
      const ran = yield* runExample("live.ts", { ...withoutXtopayEnv, XTOPAY_CLIENT_SECRET: "csk_test_unused" })
      assert.strictEqual(ran.code, 1)
      // runMain reports the failure through Effect's logger (which writes to stdout).
      const output = ran.stdout + ran.stderr
      assert.match(output, /ConfigError.*\n.*at \["XTOPAY_CLIENT_ID"\]/)
      assert.notInclude(output, "created")
      assert.notInclude(output, "csk_test_unused")
    }), 150_000)

  it.live("webhooks.ts receives and verifies the mock server's deliveries with Webhooks.handler behind HttpRouter.serve, then deletes its endpoint", () =>
    Effect.gen(function*() {
      const server = yield* startMockServer({})
      const ran = yield* runExample("webhooks.ts", account("cid_test_hooks", "csk_test_hooks", server.baseUrl))
      assert.strictEqual(ran.code, 0, ran.stderr)
      const registered = ran.stdout.match(/registered (we_\w+) for (http:\/\/127\.0\.0\.1:\d+\/webhooks\/xtopay)\n/)
      assert.isNotNull(registered, ran.stdout)
      assert.match(ran.stdout, /received customer\.created evt_\w+/)
      assert.match(ran.stdout, /received customer\.payment_method_added evt_\w+/)
      assert.match(ran.stdout, /\ndone\n$/)
      const shop = server.control.account("cid_test_hooks")
      const events = yield* shop.events
      for (const type of ["customer.created", "customer.payment_method_added"]) {
        const event = events.find((e) => e.type === type)
        assert.isDefined(event, type)
        // Printed by the handler, so verified with the client secret; answered 200 the first time.
        assert.include(ran.stdout, `received ${type} ${event!.id}`)
        const attempts = yield* shop.deliveryAttempts(event!.id)
        assert.deepStrictEqual(attempts.map((a) => [a.endpoint_id, a.status, a.response_status]), [[registered![1]!, "succeeded", 200]])
      }
      const requests = yield* shop.requests
      assert.deepStrictEqual(requests.map((r) => r.route), [
        "POST /webhook-endpoints",
        "POST /customers",
        "POST /setup-intents",
        "DELETE /webhook-endpoints/:id"
      ])
      assert.notInclude(ran.stdout + ran.stderr, "csk_test_hooks")
    }), 150_000)
})
