/**
 * The real client, over `fetch` and real loopback sockets, against the mock server: every
 * endpoint, the errors as the client sees them, and each transport fault surfacing as its tag.
 * Each test gets a fresh server.
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Duration, Effect, Layer, Redacted, Stream } from "effect"
import { ConnectionError, CustomerPortal, Customers, PaymentMethods, SetupIntents } from "../../src/index.js"
import { type Fault, XtopayControl } from "../../src/testing/Control.js"
import { MockServer, type MockServerOptions } from "../../src/testing/server.js"
import type { MockClientOptions } from "../../src/testing/server.js"
import { answered, assertErrorAnswer, rawFetch } from "./support.js"

/** A fresh mock server, and a client of it over fetch. */
const Mock = (client: MockClientOptions = {}, server: MockServerOptions = {}) =>
  MockServer.layerClient(client).pipe(
    Layer.provideMerge(MockServer.layer(server)),
    Layer.provide(FetchTransport)
  )

const basic = (id: string, secret: string) => `Basic ${btoa(`${id}:${secret}`)}`
const defaultAuth = basic("cid_test_default", "csk_test_default")

const requestsTo = (control: XtopayControl.Service, route: string) =>
  Effect.map(control.requests, (all) => all.filter((request) => request.route === route))

describe("every endpoint over HTTP", () => {
  it.live("customers: create, retrieve, update, list, delete", () =>
    Effect.gen(function*() {
      const ama = yield* Customers.create({
        email: "ama@example.com",
        name: "Ama Owusu",
        phone: "+233244000000",
        metadata: { tier: "gold", source: "web" }
      })
      assert.match(ama.id, /^cus_/)
      assert.strictEqual(ama.email, "ama@example.com")
      assert.strictEqual(ama.currency, "GHS")
      assert.deepStrictEqual(ama.metadata, { tier: "gold", source: "web" })

      const full = yield* Customers.retrieve(ama.id)
      assert.strictEqual(full.id, ama.id)
      assert.deepStrictEqual(full.subscriptions, [])
      assert.deepStrictEqual(full.payment_methods, [])

      const updated = yield* Customers.update(ama.id, { name: null, metadata: { tier: "platinum", source: null } })
      assert.strictEqual(updated.name, null)
      assert.strictEqual(updated.phone, "+233244000000")
      assert.deepStrictEqual(updated.metadata, { tier: "platinum" })

      const kofi = yield* Customers.create({ email: "kofi@example.com" })
      const page = yield* Customers.listPage({ email: "kofi@example.com" })
      assert.deepStrictEqual(page.data.map((c) => c.id), [kofi.id])
      assert.strictEqual(page.pagination.has_more, false)

      const deleted = yield* Customers.delete(ama.id)
      assert.deepStrictEqual(deleted, { id: ama.id, deleted: true })
      const gone = yield* Effect.flip(Customers.retrieve(ama.id))
      assert.strictEqual(gone._tag, "NotFound")
      assert.strictEqual(gone.code, "customer_not_found")
    }).pipe(Effect.provide(Mock())))

  it.live("customers: the list stream walks every page, newest first, one request per page", () =>
    Effect.gen(function*() {
      // MockServer.layer provides the server's control service as XtopayControl too.
      const control = yield* XtopayControl
      assert.strictEqual(control, (yield* MockServer).control)
      yield* control.seedCustomers("cid_test_default", 45)
      const newest = yield* Customers.create({ email: "newest@example.com" })
      yield* control.clearRequests
      const all = (yield* Stream.runCollect(Customers.list({ limit: 20 })))
      assert.strictEqual(all.length, 46)
      assert.strictEqual(all[0]?.id, newest.id)
      assert.strictEqual(new Set(all.map((c) => c.id)).size, 46)
      const pages = yield* requestsTo(control, "GET /customers")
      assert.deepStrictEqual(pages.map((r) => r.query.get("limit")), ["20", "20", "20"])
      assert.deepStrictEqual(pages.map((r) => r.query.has("after")), [false, true, true])
    }).pipe(Effect.provide(Mock())))

  it.live("setup intents, completing one, and payment methods: retrieve, list, detach", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const ama = yield* Customers.create({ email: "ama@example.com", phone: "+233244000000" })
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      assert.match(intent.id, /^si_/)
      assert.strictEqual(intent.customer_id, ama.id)
      // The link opens the server's own setup page.
      assert.strictEqual(intent.setup_url.slice(0, -24), `http://127.0.0.1:${server.port}/setup/tok_`)
      const now = yield* DateTime.now
      const minutesLeft = Duration.toMillis(DateTime.distance(now, intent.expires_at)) / 60_000
      assert.isTrue(minutesLeft > 29 && minutesLeft <= 30, `expires in ${minutesLeft} minutes`)

      const saved = yield* server.control.completeSetupIntent(intent.id, {
        type: "mobile_money",
        mobile_money: { network: "telecel" }
      })
      const card = yield* server.control.seedPaymentMethod(ama.id, { type: "card", card: { last4: "1111" } })

      const fetched = yield* PaymentMethods.retrieve(saved.id)
      assert.strictEqual(fetched.customer_id, ama.id)
      assert.strictEqual(fetched.type, "mobile_money")
      assert.deepStrictEqual(fetched.mobile_money, { network: "telecel", phone: "+233244000000" })
      assert.strictEqual(fetched.card, null)

      const listed = yield* Stream.runCollect(PaymentMethods.list({ customer_id: ama.id, limit: 1 }))
      assert.deepStrictEqual(listed.map((m) => m.id).sort(), [card.id, saved.id].sort())
      const withMethods = yield* Customers.retrieve(ama.id)
      assert.strictEqual(withMethods.payment_methods.length, 2)

      const detached = yield* PaymentMethods.detach(saved.id)
      assert.strictEqual(detached.id, saved.id)
      assert.strictEqual(detached.customer_id, null)
      const gone = yield* Effect.flip(PaymentMethods.retrieve(saved.id))
      assert.strictEqual(gone._tag, "NotFound")
      assert.strictEqual(gone.code, "payment_method_not_found")
    }).pipe(Effect.provide(Mock())))

  it.live("customer portal: a session for an existing customer; NotFound for an unknown one", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const session = yield* CustomerPortal.createSession({ customer_id: ama.id, return_url: "https://shop.example/account" })
      assert.match(session.id, /^cps_/)
      // The link opens the server's own portal page.
      assert.match(session.url, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/portal/sess_[a-z0-9]{24}$`))
      const missing = yield* Effect.flip(
        CustomerPortal.createSession({ customer_id: "cus_missing", return_url: "https://shop.example/account" })
      )
      assert.strictEqual(missing._tag, "NotFound")
      assert.strictEqual(missing.param, "customer_id")
    }).pipe(Effect.provide(Mock())))
})

describe("errors and idempotency over HTTP", () => {
  it.live("a wrong secret is Unauthorized, with the request id of the answer", () =>
    Effect.gen(function*() {
      yield* Customers.create({ email: "first@example.com" })
      const error = yield* Effect.flip(
        Customers.listPage().pipe(
          Effect.provide(MockServer.layerClient({ clientSecret: Redacted.make("csk_test_wrong") }).pipe(Layer.orDie)),
          Effect.provide(FetchTransport)
        )
      )
      assert.strictEqual(error._tag, "Unauthorized")
      assert.strictEqual(error.code, "invalid_credentials")
      assert.match(error.requestId ?? "", /^req_/)
    }).pipe(Effect.provide(Mock())))

  it.live("the same Idempotency-Key twice makes one customer; the repeat is a replay", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const first = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-42" })
      const again = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-42" })
      assert.deepStrictEqual(again, first)
      const page = yield* Customers.listPage()
      assert.strictEqual(page.data.length, 1)
      const other = yield* Effect.flip(Customers.create({ email: "kofi@example.com" }, { idempotencyKey: "order-42" }))
      assert.strictEqual(other._tag, "IdempotencyConflict")
      const replayed = answered(
        yield* rawFetch(`${server.baseUrl}/customers`, {
          method: "POST",
          headers: { authorization: defaultAuth, "content-type": "application/json", "idempotency-key": "order-42" },
          body: JSON.stringify({ email: "ama@example.com" })
        })
      )
      assert.strictEqual(replayed.status, 200)
      assert.strictEqual(replayed.headers["idempotency-replayed"], "true")
    }).pipe(Effect.provide(Mock())))

  it.live("a rate limit is RateLimited with Retry-After as retryAfter", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      yield* server.control.injectFaults({ times: 1, fault: { _tag: "RateLimit", retryAfterSeconds: 7 } })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }, { maxRetries: 0 }))
      assert.strictEqual(error._tag, "RateLimited")
      if (error._tag === "RateLimited") assert.strictEqual(Duration.toMillis(error.retryAfter ?? Duration.zero), 7_000)
    }).pipe(Effect.provide(Mock())))

  it.live("a 503 is ServerError", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      yield* server.control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Status", status: 503 } })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }, { maxRetries: 0 }))
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.status, 503)
    }).pipe(Effect.provide(Mock())))
})

describe("answers to requests the client would never send", () => {
  const post = (baseUrl: string, path: string, body: string, contentType = "application/json") =>
    rawFetch(`${baseUrl}${path}`, {
      method: "POST",
      headers: { authorization: defaultAuth, "content-type": contentType },
      body
    })

  it.live("malformed JSON is a 400 invalid_request", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      assertErrorAnswer(yield* post(baseUrl, "/customers", "{\"email\": \"ama@example.com\""), 400, "invalid_request")
      assertErrorAnswer(yield* post(baseUrl, "/customers", "[1, 2]"), 400, "invalid_request")
    }).pipe(Effect.provide(MockServer.layer())))

  it.live("a body that is not JSON by its Content-Type is a 400 invalid_request", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      assertErrorAnswer(
        yield* post(baseUrl, "/customers", "email=ama%40example.com", "application/x-www-form-urlencoded"),
        400,
        "invalid_request"
      )
    }).pipe(Effect.provide(MockServer.layer())))

  it.live("a body over 1 MiB is a 413 invalid_request", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      const huge = JSON.stringify({ email: "ama@example.com", name: "x".repeat(1024 * 1024) })
      assertErrorAnswer(yield* post(baseUrl, "/customers", huge), 413, "invalid_request")
    }).pipe(Effect.provide(MockServer.layer())))

  it.live("an unknown route is a 404 resource_not_found, inside /v1 or outside it", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      const get = (url: string) => rawFetch(url, { headers: { authorization: defaultAuth } })
      assertErrorAnswer(yield* get(`${baseUrl}/invoices`), 404, "resource_not_found")
      assertErrorAnswer(yield* get(`${baseUrl}/customers/cus_1/extra`), 404, "resource_not_found")
      assertErrorAnswer(yield* rawFetch(`${baseUrl}/customers`, { method: "PUT", headers: { authorization: defaultAuth } }), 404, "resource_not_found")
      assertErrorAnswer(yield* get(baseUrl.replace(/\/v1$/, "/v2/customers")), 404, "resource_not_found")
    }).pipe(Effect.provide(MockServer.layer())))

  it.live("a field the schema refuses is a 400 naming it", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      const error = assertErrorAnswer(yield* post(baseUrl, "/customers", "{\"email\":\"not-an-email\"}"), 400, "parameter_invalid")
      assert.strictEqual(error["param"], "email")
    }).pipe(Effect.provide(MockServer.layer())))

  // Issue 25.8: JSON.parse makes `__proto__` an own key; the server refuses it rather than drop it.
  it.live("a __proto__ metadata key is a 400 parameter_invalid naming metadata.__proto__, and nothing is created", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      const body = `{"email":"ama@example.com","metadata":{"plan":"pro","__proto__":"x"}}`
      const error = assertErrorAnswer(yield* post(baseUrl, "/customers", body), 400, "parameter_invalid")
      assert.strictEqual(error["param"], "metadata")
      assert.include(error["message"] as string, "metadata.__proto__")
      const listed = answered(yield* rawFetch(`${baseUrl}/customers`, { headers: { authorization: defaultAuth } }))
      assert.strictEqual((JSON.parse(listed.text) as { pagination: { total_count: number } }).pagination.total_count, 0)
    }).pipe(Effect.provide(MockServer.layer())))
})

describe("transport faults over real sockets", () => {
  const once = (fault: Fault) =>
    Effect.flatMap(MockServer, (server) => server.control.injectFaults({ times: 1, route: "POST /customers", fault }))

  it.live("a connection dropped before the headers is a ConnectionError", () =>
    Effect.gen(function*() {
      yield* once({ _tag: "Drop", when: "before-headers" })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }, { maxRetries: 0 }))
      assert.strictEqual(error._tag, "ConnectionError")
      assert.instanceOf(error, ConnectionError)
    }).pipe(Effect.provide(Mock())))

  it.live("a connection dropped mid-body is a ConnectionError", () =>
    Effect.gen(function*() {
      yield* once({ _tag: "Drop", when: "mid-body" })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }, { maxRetries: 0 }))
      assert.strictEqual(error._tag, "ConnectionError")
      assert.strictEqual(error.status, 201)
    }).pipe(Effect.provide(Mock())))

  it.live("a complete answer whose JSON is cut short is an UnexpectedResponse", () =>
    Effect.gen(function*() {
      yield* once({ _tag: "TruncatedJson" })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }, { maxRetries: 0 }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(error.status, 201)
    }).pipe(Effect.provide(Mock())))

  it.live("a stalled answer is a ConnectionError when the per-request timeout ends", () =>
    Effect.gen(function*() {
      yield* once({ _tag: "Stall" })
      const started = Date.now()
      const error = yield* Effect.flip(
        Customers.create({ email: "ama@example.com" }, { maxRetries: 0, timeout: "300 millis" })
      )
      assert.strictEqual(error._tag, "ConnectionError")
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Timeout")
      assert.isAtLeast(Date.now() - started, 290)
    }).pipe(Effect.provide(Mock())))

  it.live("a create whose answer was lost is retried with the same key and makes exactly one customer", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      yield* once({ _tag: "Drop", when: "before-headers" })
      const ama = yield* Customers.create({ email: "ama@example.com" }, { maxRetries: 1 })
      const attempts = yield* requestsTo(server.control, "POST /customers")
      assert.strictEqual(attempts.length, 2)
      assert.strictEqual(attempts[0]?.headers["idempotency-key"], attempts[1]?.headers["idempotency-key"])
      const page = yield* Customers.listPage()
      assert.deepStrictEqual(page.data.map((c) => c.id), [ama.id])
    }).pipe(Effect.provide(Mock())))
})
