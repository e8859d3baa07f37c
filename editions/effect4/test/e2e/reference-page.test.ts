/**
 * The vendor's reference page (customers-api-page.txt) shows three curl commands. A reader copies
 * them, changes the host, and expects the documented answers from the mock server. Each command
 * runs twice: as printed, through `curl` (when installed), and as the same request through fetch.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { existsSync } from "node:fs"
import { MockServer } from "../../src/testing/server.js"
import { answered, rawFetch } from "./support.js"

// Verbatim from the reference page.
const createCustomer = `curl https://api.xtopay.co/v1/customers \\
  -u "$CLIENT_ID:$CLIENT_SECRET" \\
  -H "Content-Type: application/json" \\
  -d '{ "email": "ama@example.com", "name": "Ama Owusu" }'`

const createSetupIntent = `curl https://api.xtopay.co/v1/setup-intents \\
  -u "$CLIENT_ID:$CLIENT_SECRET" \\
  -H "Content-Type: application/json" \\
  -d '{ "customer_id": "cus_a1b2c3" }'`

const listPaymentMethods = `curl "https://api.xtopay.co/v1/payment-methods?customer_id=cus_a1b2c3" \\
  -u "$CLIENT_ID:$CLIENT_SECRET"`

const CLIENT_ID = "cid_test_reference"
const CLIENT_SECRET = "csk_test_reference"
const REAL_BASE = "https://api.xtopay.co/v1"

/** The one customer the page's later examples name. */
const pageCustomer = MockServer.layer({
  seed: { account: CLIENT_ID, customers: [{ id: "cus_a1b2c3", email: "ama@example.com", name: "Ama Owusu" }] }
})

const curlPath = ["/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl"].find((path) => existsSync(path))

/** Runs a page command through `sh`, with only the host changed; resolves to what curl printed. */
const curl = (command: string, baseUrl: string) =>
  Effect.callback<string, Error>((resume) => {
    execFile(
      "sh",
      ["-c", command.replace(REAL_BASE, baseUrl)],
      {
        env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", CLIENT_ID, CLIENT_SECRET, NO_PROXY: "*" },
        timeout: 10_000
      },
      (error, stdout) => resume(error === null ? Effect.succeed(stdout) : Effect.fail(error))
    )
  })

/** The same request as fetch sends it: what curl's -u, -H and -d amount to. */
const sameWithFetch = (path: string, body?: string) => (baseUrl: string) =>
  rawFetch(`${baseUrl}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: {
      authorization: `Basic ${btoa(`${CLIENT_ID}:${CLIENT_SECRET}`)}`,
      accept: "*/*",
      ...(body === undefined ? {} : { "content-type": "application/json" })
    },
    ...(body === undefined ? {} : { body })
  })

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/

/** "Response 201" on the page: the documented fields and values. */
const checkCustomer = (json: Record<string, unknown>) => {
  assert.match(String(json["id"]), /^cus_/)
  assert.strictEqual(json["email"], "ama@example.com")
  assert.strictEqual(json["name"], "Ama Owusu")
  assert.strictEqual(json["phone"], null)
  assert.strictEqual(json["currency"], "GHS")
  assert.match(String(json["created_at"]), ISO_UTC)
}

/** "Response" of POST /setup-intents on the page; it expires 30 minutes after creation. */
const checkSetupIntent = (json: Record<string, unknown>) => {
  assert.match(String(json["id"]), /^si_/)
  assert.strictEqual(json["customer_id"], "cus_a1b2c3")
  // The mock server's link opens its own setup page.
  assert.match(String(json["setup_url"]), /^http:\/\/127\.0\.0\.1:\d+\/setup\/tok_[a-z0-9]{24}$/)
  assert.match(String(json["expires_at"]), ISO_UTC)
  const minutes = (Date.parse(String(json["expires_at"])) - Date.now()) / 60_000
  assert.isTrue(minutes > 29 && minutes <= 30, `expires in ${minutes} minutes`)
}

const checkPaymentMethodList = (json: Record<string, unknown>) => {
  assert.deepStrictEqual(json["data"], [])
  assert.deepStrictEqual(json["pagination"], { has_more: false, next_cursor: null, previous_cursor: null, total_count: 0 })
}

const examples = [
  { name: "POST /customers", command: createCustomer, fetch: sameWithFetch("/customers", "{ \"email\": \"ama@example.com\", \"name\": \"Ama Owusu\" }"), status: 201, check: checkCustomer },
  { name: "POST /setup-intents", command: createSetupIntent, fetch: sameWithFetch("/setup-intents", "{ \"customer_id\": \"cus_a1b2c3\" }"), status: 201, check: checkSetupIntent },
  { name: "GET /payment-methods", command: listPaymentMethods, fetch: sameWithFetch("/payment-methods?customer_id=cus_a1b2c3"), status: 200, check: checkPaymentMethodList }
] as const

describe("the reference page's curl examples, against the mock server", () => {
  for (const example of examples) {
    it.live(`${example.name} through fetch: HTTP ${example.status} and the documented body`, () =>
      Effect.gen(function*() {
        const { baseUrl } = yield* MockServer
        const result = answered(yield* example.fetch(baseUrl))
        assert.strictEqual(result.status, example.status, result.text)
        example.check(JSON.parse(result.text))
      }).pipe(Effect.provide(pageCustomer)))

    it.live.skipIf(curlPath === undefined)(`${example.name} through curl, exactly as printed but for the host`, () =>
      Effect.gen(function*() {
        const { baseUrl, control } = yield* MockServer
        const printed = yield* curl(example.command, baseUrl)
        example.check(JSON.parse(printed))
        const [request] = yield* control.requests
        assert.strictEqual(request?.account, CLIENT_ID)
        assert.strictEqual(request?.route, example.name)
      }).pipe(Effect.provide(pageCustomer)))
  }
})
