/**
 * The mock server's control API under `/_mock`, driven with plain `fetch` as a client in another
 * language would: each route, per account, behind the API's credentials, with bodies checked.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { make } from "../../src/testing/server.js"
import { answered, assertErrorAnswer, rawFetch } from "./support.js"

const basic = (clientId: string, secret = `csk_${clientId.slice("cid_".length)}`) =>
  `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`

const A = "cid_test_alpha"
const B = "cid_test_beta"

/** A fresh mock server, and `call` for one request to it as `account` (JSON body when given). */
const server = Effect.gen(function*() {
  const mock = yield* make({ port: 0 })
  const origin = mock.baseUrl.replace(/\/v1$/, "")
  const call = (
    method: string,
    path: string,
    options: { readonly account?: string | null; readonly body?: unknown; readonly raw?: string; readonly headers?: Record<string, string> } = {}
  ) => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.account !== null) headers["authorization"] ??= basic(options.account ?? A)
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (body !== undefined) headers["content-type"] ??= "application/json"
    return rawFetch(`${origin}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) })
  }
  const json = (method: string, path: string, options: Parameters<typeof call>[2] = {}) =>
    Effect.map(call(method, path, options), (result) => {
      const answer = answered(result)
      assert.match(answer.headers["content-type"] ?? "", /^application\/json/)
      return { status: answer.status, headers: answer.headers, body: JSON.parse(answer.text) as any }
    })
  return { mock, call, json }
})

const ROUTES = [
  ["POST", "/_mock/seed"],
  ["POST", "/_mock/setup-intents/si_x/complete"],
  ["POST", "/_mock/faults"],
  ["DELETE", "/_mock/faults"],
  ["PUT", "/_mock/rate-limit"],
  ["DELETE", "/_mock/rate-limit"],
  ["GET", "/_mock/requests"],
  ["DELETE", "/_mock/requests"],
  ["POST", "/_mock/reset"]
] as const

describe("mock server control API: credentials", () => {
  it.live("every route answers as the API does without valid credentials, and changes nothing", () =>
    Effect.gen(function*() {
      const { call, json, mock } = yield* server
      // Bind alpha's secret first, so that a wrong one is refused.
      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
      for (const [method, path] of ROUTES) {
        assertErrorAnswer(yield* call(method, path, { account: null }), 401, "credentials_missing")
        assertErrorAnswer(yield* call(method, path, { headers: { authorization: "Bearer x" } }), 401, "invalid_credentials")
        assertErrorAnswer(yield* call(method, path, { headers: { authorization: basic(A, "csk_test_wrong") } }), 401, "invalid_credentials")
        assertErrorAnswer(yield* call(method, path, { headers: { authorization: basic("cid_live_alpha") } }), 403, "environment_mismatch")
      }
      // The refused reset left alpha's recorded request in place.
      assert.strictEqual((yield* mock.control.account(A).requests).length, 1)
    }))

  it.live("an unknown control route, or a method a route lacks, is a 404 listing the routes", () =>
    Effect.gen(function*() {
      const { call } = yield* server
      for (const [method, path] of [["GET", "/_mock/seed"], ["GET", "/_mock"], ["POST", "/_mock/nothing"]] as const) {
        const error = assertErrorAnswer(yield* call(method, path), 404, "resource_not_found")
        assert.include(error["message"] as string, "POST /_mock/seed")
        assert.include(error["message"] as string, "POST /_mock/reset")
      }
      // A path that only starts like the prefix is outside it.
      assertErrorAnswer(yield* call("POST", "/_mockery/seed"), 404, "resource_not_found")
    }))
})

describe("mock server control API: bodies", () => {
  it.live("not JSON, not an object, or not sent as JSON: 400 invalid_request", () =>
    Effect.gen(function*() {
      const { call } = yield* server
      assertErrorAnswer(yield* call("POST", "/_mock/seed", { raw: "{ customers" }), 400, "invalid_request")
      assertErrorAnswer(yield* call("POST", "/_mock/faults", { raw: "[]" }), 400, "invalid_request")
      assertErrorAnswer(yield* call("PUT", "/_mock/rate-limit", { raw: "3" }), 400, "invalid_request")
      assertErrorAnswer(
        yield* call("POST", "/_mock/seed", { raw: "{}", headers: { "content-type": "text/plain" } }),
        400,
        "invalid_request"
      )
    }))

  const refusals: ReadonlyArray<readonly [string, string, unknown, string]> = [
    ["POST", "/_mock/seed", { customers: [{ email: "not-an-email" }] }, "customers.0.email"],
    ["POST", "/_mock/seed", { customers: [{ email: "a@example.com", phone: "0244000000" }] }, "customers.0.phone"],
    ["POST", "/_mock/seed", { customers: [{ email: "a@example.com", created_at: "yesterday" }] }, "customers.0.created_at"],
    ["POST", "/_mock/seed", { customers: [{ email: "a@example.com", payment_methods: [{ type: "card", card: { exp_month: 13 } }] }] }, "customers.0.payment_methods.0.card.exp_month"],
    ["POST", "/_mock/seed", { customer: [{ email: "a@example.com" }] }, "customer"],
    ["POST", "/_mock/seed", { account: B, customers: [] }, "account"],
    ["POST", "/_mock/seed", { synthetic_customers: -1 }, "synthetic_customers"],
    // Issue 25.8: refused, not dropped (JSON.parse, here and on the server, makes it an own key).
    ["POST", "/_mock/seed", { customers: [{ email: "a@example.com", metadata: JSON.parse(`{"__proto__":"x"}`) }] }, "customers.0.metadata.__proto__"],
    // Thousands of levels deep: refused before any schema reads it (it overflowed the stack: a 500).
    ["POST", "/_mock/seed", { customers: [{ email: "a@example.com", metadata: { plan: JSON.parse(`${"[".repeat(3000)}${"]".repeat(3000)}`) } }] }, "customers"],
    ["POST", "/_mock/setup-intents/si_x/complete", { type: "mobile_money", card: { last4: "4242" } }, "card"],
    ["POST", "/_mock/setup-intents/si_x/complete", {}, "type"],
    ["POST", "/_mock/faults", { plans: [] }, "plans"],
    ["POST", "/_mock/faults", { plans: [{ times: 1, fault: { _tag: "Explode" } }] }, "plans.0.fault._tag"],
    ["POST", "/_mock/faults", { plans: [{ times: 0, fault: { _tag: "Stall" } }] }, "plans.0.times"],
    ["POST", "/_mock/faults", { plans: [{ times: 1, route: "customers", fault: { _tag: "Stall" } }] }, "plans.0.route"],
    ["POST", "/_mock/faults", { plans: [{ times: 1, fault: { _tag: "Status", status: 200 } }] }, "plans.0.fault.status"],
    // A route no operation has would never fire: refused, with the list of routes.
    ["POST", "/_mock/faults", { plans: [{ times: 1, route: "GET /customer", fault: { _tag: "Stall" } }] }, "plans.0.route"],
    ["POST", "/_mock/faults", { plans: [{ times: "forever", fault: { _tag: "Stall" } }] }, "plans.0.times"],
    ["PUT", "/_mock/rate-limit", { requests: 0, window: 1000 }, "requests"],
    ["PUT", "/_mock/rate-limit", { requests: 5, window: "soon" }, "window"],
    ["PUT", "/_mock/rate-limit", { requests: 5 }, "window"],
    // Past what the fake can honour (a ring of 2^32 slots made every later request a 500).
    ["PUT", "/_mock/rate-limit", { requests: 2 ** 32, window: 1000 }, "requests"],
    ["PUT", "/_mock/rate-limit", { requests: 5, window: "30 days" }, "window"]
  ]
  it.live("a body of the wrong shape: 400 parameter_invalid naming the first wrong field, and nothing done", () =>
    Effect.gen(function*() {
      const { call, json, mock } = yield* server
      for (const [method, path, body, param] of refusals) {
        const error = assertErrorAnswer(yield* call(method, path, { body }), 400, "parameter_invalid")
        assert.strictEqual(error["param"], param, JSON.stringify(body))
        assert.include(error["message"] as string, param)
      }
      assert.strictEqual((yield* json("GET", "/v1/customers")).body.pagination.total_count, 0)
      // No fault plan and no rate limit was set: these answer 200.
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
      assert.strictEqual((yield* mock.control.account(A).requests).length, 4)
    }))
})

describe("mock server control API: each route, per account", () => {
  it.live("POST /_mock/seed seeds the caller's account, answering the customers with their details", () =>
    Effect.gen(function*() {
      const { call, json } = yield* server
      const seeded = yield* json("POST", "/_mock/seed", {
        body: {
          customers: [{
            id: "cus_ama",
            email: "ama@example.com",
            name: "Ama Owusu",
            created_at: "2026-01-01T00:00:00Z",
            metadata: { tier: "gold" },
            subscriptions: [{ plan_id: "plan_gold", status: "past_due", current_period_end: null }],
            payment_methods: [{ id: "pm_ama", type: "card", card: { last4: "1881", exp_month: 4, exp_year: 2031 } }]
          }],
          synthetic_customers: 3
        }
      })
      assert.strictEqual(seeded.status, 201)
      assert.strictEqual(seeded.body.data.length, 1)
      const ama = seeded.body.data[0]
      assert.strictEqual(ama.id, "cus_ama")
      assert.strictEqual(ama.created_at, "2026-01-01T00:00:00Z")
      assert.deepStrictEqual(ama.metadata, { tier: "gold" })
      assert.strictEqual(ama.subscriptions[0].status, "past_due")
      assert.strictEqual(ama.subscriptions[0].current_period_end, null)
      assert.deepStrictEqual(ama.payment_methods[0].card, { brand: "visa", last4: "1881", exp_month: 4, exp_year: 2031 })

      const retrieved = yield* json("GET", "/v1/customers/cus_ama")
      assert.deepStrictEqual(retrieved.body, ama)
      assert.strictEqual((yield* json("GET", "/v1/customers")).body.pagination.total_count, 4)
      // Another account sees none of it.
      assert.strictEqual((yield* json("GET", "/v1/customers", { account: B })).body.pagination.total_count, 0)
      assertErrorAnswer(yield* call("GET", "/v1/customers/cus_ama", { account: B }), 404, "customer_not_found")

      // An id in use is a conflict.
      const again = yield* json("POST", "/_mock/seed", { body: { customers: [{ id: "cus_ama", email: "x@example.com" }] } })
      assert.strictEqual(again.status, 409)
      assert.strictEqual(again.body.error.code, "resource_conflict")
    }))

  it.live("POST /_mock/setup-intents/:id/complete saves a payment method on this account's intent only", () =>
    Effect.gen(function*() {
      const { json } = yield* server
      const ama = (yield* json("POST", "/v1/customers", { body: { email: "ama@example.com", phone: "+233201234567" } })).body
      const intent = (yield* json("POST", "/v1/setup-intents", { body: { customer_id: ama.id } })).body
      const path = `/_mock/setup-intents/${intent.id}/complete`

      const otherAccount = yield* json("POST", path, { account: B, body: { type: "card" } })
      assert.strictEqual(otherAccount.status, 404)
      assert.strictEqual(otherAccount.body.error.code, "resource_not_found")

      const completed = yield* json("POST", path, { body: { type: "mobile_money" } })
      assert.strictEqual(completed.status, 200)
      assert.match(completed.body.id, /^pm_/)
      assert.strictEqual(completed.body.customer_id, ama.id)
      assert.deepStrictEqual(completed.body.mobile_money, { network: "mtn", phone: "+233201234567" })
      assert.strictEqual(completed.body.card, null)
      assert.deepStrictEqual((yield* json("GET", `/v1/payment-methods/${completed.body.id}`)).body, completed.body)

      const twice = yield* json("POST", path, { body: { type: "card" } })
      assert.strictEqual(twice.status, 409)
      assert.strictEqual(twice.body.error.code, "resource_conflict")
      assert.strictEqual((yield* json("POST", "/_mock/setup-intents/si_missing/complete", { body: { type: "card" } })).status, 404)
    }))

  it.live("POST /_mock/faults: a plan of times \"until cleared\" faults every matching request until DELETE", () =>
    Effect.gen(function*() {
      const { json } = yield* server
      const misrouted = yield* json("POST", "/_mock/faults", {
        body: { plans: [{ times: 1, route: "GET /customer", fault: { _tag: "Stall" } }] }
      })
      assert.include(misrouted.body.error.message, "GET /customers/:id")
      const injected = yield* json("POST", "/_mock/faults", {
        body: { plans: [{ times: "until cleared", route: "GET /customers", fault: { _tag: "Status", status: 503 } }] }
      })
      assert.deepStrictEqual([injected.status, injected.body], [201, { injected: 1 }])
      for (let i = 0; i < 5; i++) assert.strictEqual((yield* json("GET", "/v1/customers")).status, 503)
      assert.strictEqual((yield* json("DELETE", "/_mock/faults")).status, 200)
      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
    }))

  it.live("POST /_mock/faults faults this account's requests only; DELETE clears them; control requests are never faulted", () =>
    Effect.gen(function*() {
      const { json } = yield* server
      const injected = yield* json("POST", "/_mock/faults", {
        body: {
          plans: [
            { times: 2, route: "GET /customers", fault: { _tag: "Status", status: 503 } },
            { times: 100, fault: { _tag: "RateLimit", retryAfterSeconds: 7 } }
          ]
        }
      })
      assert.strictEqual(injected.status, 201)
      assert.deepStrictEqual(injected.body, { injected: 2 })

      // Beta is not touched, and neither is the control API.
      assert.strictEqual((yield* json("GET", "/v1/customers", { account: B })).status, 200)
      assert.strictEqual((yield* json("GET", "/_mock/requests")).status, 200)

      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 503)
      const limited = yield* json("POST", "/v1/customers", { body: { email: "ama@example.com" } })
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.headers["retry-after"], "7")

      const cleared = yield* json("DELETE", "/_mock/faults")
      assert.deepStrictEqual([cleared.status, cleared.body], [200, { cleared: "faults" }])
      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
    }))

  it.live("a plan beta injects leaves alpha alone, and alpha's DELETE does not clear it", () =>
    Effect.gen(function*() {
      const { json } = yield* server
      yield* json("POST", "/_mock/faults", { account: B, body: { plans: [{ times: 1, fault: { _tag: "Status", status: 500 } }] } })
      yield* json("DELETE", "/_mock/faults")
      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
      assert.strictEqual((yield* json("GET", "/v1/customers", { account: B })).status, 500)
    }))

  it.live("PUT /_mock/rate-limit limits this account; DELETE lifts it", () =>
    Effect.gen(function*() {
      const { json } = yield* server
      const set = yield* json("PUT", "/_mock/rate-limit", { body: { requests: 2, window: "10 seconds" } })
      assert.deepStrictEqual([set.status, set.body], [200, { requests: 2, window: 10_000 }])
      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
      const third = yield* json("GET", "/v1/customers")
      assert.strictEqual(third.status, 429)
      assert.strictEqual(third.body.error.code, "rate_limit_exceeded")
      assert.include(["9", "10"], third.headers["retry-after"])
      // Beta has no limit; the control API is not limited.
      for (let i = 0; i < 3; i++) assert.strictEqual((yield* json("GET", "/v1/customers", { account: B })).status, 200)
      assert.strictEqual((yield* json("GET", "/_mock/requests")).status, 200)

      const lifted = yield* json("DELETE", "/_mock/rate-limit")
      assert.deepStrictEqual([lifted.status, lifted.body], [200, { cleared: "rate-limit" }])
      assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)

      // A window in milliseconds works as well.
      assert.deepStrictEqual((yield* json("PUT", "/_mock/rate-limit", { body: { requests: 1, window: 1500 } })).body, { requests: 1, window: 1500 })
    }))

  it.live("GET /_mock/requests lists this account's API requests, authorization redacted; DELETE forgets them", () =>
    Effect.gen(function*() {
      const { json, mock } = yield* server
      yield* json("POST", "/v1/customers", { body: { email: "ama@example.com" }, headers: { "idempotency-key": "k1" } })
      yield* json("GET", "/v1/customers?limit=2")
      yield* json("GET", "/v1/customers", { account: B })
      const listed = yield* json("GET", "/_mock/requests")
      assert.strictEqual(listed.status, 200)
      const requests = listed.body.data as Array<Record<string, any>>
      assert.deepStrictEqual(requests.map((request) => [request["method"], request["path"], request["query"], request["route"]]), [
        ["POST", "/customers", "", "POST /customers"],
        ["GET", "/customers", "limit=2", "GET /customers"]
      ])
      assert.strictEqual(requests[0]!["headers"]["authorization"], "<redacted>")
      assert.strictEqual(requests[0]!["headers"]["idempotency-key"], "k1")
      assert.deepStrictEqual(JSON.parse(requests[0]!["body"]), { email: "ama@example.com" })
      assert.notInclude(JSON.stringify(listed.body), "csk_test_alpha")

      const cleared = yield* json("DELETE", "/_mock/requests")
      assert.deepStrictEqual([cleared.status, cleared.body], [200, { cleared: "requests" }])
      assert.deepStrictEqual((yield* json("GET", "/_mock/requests")).body, { data: [] })
      // Beta's request is still recorded.
      assert.deepStrictEqual((yield* mock.control.requests).map((request) => request.account), [B])
    }))

  it.live("POST /_mock/reset empties this account (data, keys, faults, limit, requests, secret), not the others", () =>
    Effect.gen(function*() {
      const { call, json } = yield* server
      yield* json("POST", "/_mock/seed", { body: { customers: [{ id: "cus_ama", email: "ama@example.com" }] } })
      yield* json("POST", "/_mock/seed", { account: B, body: { customers: [{ id: "cus_kofi", email: "kofi@example.com" }] } })
      const created = yield* json("POST", "/v1/customers", { body: { email: "esi@example.com" }, headers: { "idempotency-key": "k1" } })
      assert.strictEqual(created.status, 201)
      yield* json("POST", "/_mock/faults", { body: { plans: [{ times: 5, route: "GET /customers", fault: { _tag: "Status", status: 500 } }] } })
      yield* json("PUT", "/_mock/rate-limit", { body: { requests: 3, window: "1 minute" } })

      const reset = yield* json("POST", "/_mock/reset")
      assert.deepStrictEqual([reset.status, reset.body], [200, { reset: A }])

      assert.deepStrictEqual((yield* json("GET", "/_mock/requests")).body, { data: [] })
      // The id and the idempotency key are free again, the faults and the limit gone.
      const reseeded = yield* json("POST", "/_mock/seed", { body: { customers: [{ id: "cus_ama", email: "ama2@example.com" }] } })
      assert.strictEqual(reseeded.status, 201)
      const fresh = yield* json("POST", "/v1/customers", { body: { email: "other@example.com" }, headers: { "idempotency-key": "k1" } })
      assert.strictEqual(fresh.status, 201)
      assert.strictEqual(fresh.headers["idempotency-replayed"], undefined)
      for (let i = 0; i < 4; i++) assert.strictEqual((yield* json("GET", "/v1/customers")).status, 200)
      assert.strictEqual((yield* json("GET", "/v1/customers")).body.pagination.total_count, 2)
      // Beta keeps its customer.
      assert.strictEqual((yield* json("GET", "/v1/customers/cus_kofi", { account: B })).status, 200)

      // The secret is forgotten too: after a reset, the next request's secret becomes the account's.
      yield* json("POST", "/_mock/reset")
      const otherSecret = basic(A, "csk_test_rotated")
      assert.strictEqual(answered(yield* call("GET", "/v1/customers", { headers: { authorization: otherSecret } })).status, 200)
      assertErrorAnswer(yield* call("GET", "/v1/customers"), 401, "invalid_credentials")
    }))
})
