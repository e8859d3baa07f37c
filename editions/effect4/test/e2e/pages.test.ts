/**
 * The mock server's hosted pages over plain HTTP (the browser flows are in pages-browser.test.ts):
 * what each status means, the headers every page carries, server-side validation, and that the
 * pages act on the token alone, never on ids a test can predict.
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { CustomerPortal, Customers, PaymentMethods, SetupIntents } from "../../src/index.js"
import { MockServer, type MockServerOptions } from "../../src/testing/server.js"
import { answered, rawFetch } from "./support.js"

const Mock = (options: MockServerOptions = {}) =>
  MockServer.layerClient().pipe(Layer.provideMerge(MockServer.layer(options)), Layer.provide(FetchTransport))

const form = (fields: Record<string, string>): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams(fields).toString()
})

const open = (url: string, init: RequestInit = {}) => Effect.map(rawFetch(url, init), answered)

const h1 = (text: string) => /<h1>([^<]*)<\/h1>/.exec(text)?.[1]

const newIntent = Effect.gen(function*() {
  const customer = yield* Customers.create({ email: "ama@example.com" })
  return { customer, intent: yield* SetupIntents.create({ customer_id: customer.id }) }
})

describe("hosted pages over HTTP", () => {
  it.live("every page is HTML that is never cached, sends no Referer and runs no script", () =>
    Effect.gen(function*() {
      const { intent } = yield* newIntent
      const page = yield* open(intent.setup_url)
      assert.strictEqual(page.status, 200)
      assert.strictEqual(page.headers["content-type"], "text/html; charset=utf-8")
      assert.strictEqual(page.headers["cache-control"], "no-store")
      assert.strictEqual(page.headers["referrer-policy"], "no-referrer")
      assert.strictEqual(page.headers["x-content-type-options"], "nosniff")
      assert.match(page.headers["content-security-policy"] ?? "", /default-src 'none'.*form-action 'self'/)
      assert.notInclude(page.text, "<script")
    }).pipe(Effect.provide(Mock())))

  it.live("an unknown token, or a path that is no link, is a 404 page; another method is a 405 with Allow", () =>
    Effect.gen(function*() {
      const { baseUrl } = yield* MockServer
      const origin = new URL(baseUrl).origin
      for (const path of ["/setup/tok_unknown", "/setup/", "/portal/sess_unknown", "/portal/sess_unknown/remove", "/setup/tok_a/b"]) {
        const page = yield* open(`${origin}${path}`)
        assert.strictEqual(page.status, 404, path)
        assert.strictEqual(h1(page.text), "No such link", path)
      }
      const { intent } = yield* newIntent
      const put = yield* open(intent.setup_url, { method: "PUT" })
      assert.strictEqual(put.status, 405)
      assert.strictEqual(put.headers["allow"], "GET, POST")
    }).pipe(Effect.provide(Mock())))

  it.live("a card form is checked on the server: each wrong field named, 400, nothing saved", () =>
    Effect.gen(function*() {
      const { customer, intent } = yield* newIntent
      const page = yield* open(intent.setup_url, form({ type: "card", brand: "  ", last4: "12a4", exp_month: "13" }))
      assert.strictEqual(page.status, 400)
      for (const message of ["Card brand: Card brand must be 1 to 30 characters", "Last 4 digits: Last 4 digits must be exactly four digits", "Expiry month: Expiry month must be a whole number from 1 to 12", "Expiry year is required"]) {
        assert.include(page.text, message)
      }
      const lastYear = String(new Date().getUTCFullYear() - 1)
      const expired = yield* open(intent.setup_url, form({ type: "card", brand: "visa", last4: "4242", exp_month: "12", exp_year: lastYear }))
      assert.strictEqual(expired.status, 400)
      assert.include(expired.text, "The card has expired")
      const noType = yield* open(intent.setup_url, form({ brand: "visa" }))
      assert.strictEqual(noType.status, 400)
      assert.include(noType.text, "Choose a card or a mobile-money wallet")
      const badNetwork = yield* open(intent.setup_url, form({ type: "mobile_money", network: "vodafone", phone: "+233201234567" }))
      assert.strictEqual(badNetwork.status, 400)
      assert.include(badNetwork.text, "Network must be MTN, Telecel or AirtelTigo")
      assert.deepStrictEqual((yield* Customers.retrieve(customer.id)).payment_methods, [])
      // The link still works after refusals.
      assert.strictEqual((yield* open(intent.setup_url)).status, 200)
    }).pipe(Effect.provide(Mock())))

  it.live("a completed intent's link answers 410, however it was completed; a deleted customer's too", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const { intent } = yield* newIntent
      yield* server.control.completeSetupIntent(intent.id, { type: "card" })
      const used = yield* open(intent.setup_url)
      assert.strictEqual(used.status, 410)
      assert.strictEqual(h1(used.text), "This link was already used")
      const post = yield* open(intent.setup_url, form({ type: "mobile_money", network: "mtn", phone: "+233201234567" }))
      assert.strictEqual(post.status, 410)

      const other = yield* newIntent
      yield* Customers.del(other.customer.id)
      const deleted = yield* open(other.intent.setup_url)
      assert.strictEqual(deleted.status, 410)
      assert.strictEqual(h1(deleted.text), "This link no longer works")
    }).pipe(Effect.provide(Mock())))

  it.live("the portal removes only its own customer's payment methods", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const kofi = yield* Customers.create({ email: "kofi@example.com" })
      const kofis = yield* server.control.seedPaymentMethod(kofi.id, { type: "card" })
      const session = yield* CustomerPortal.createSession({ customer_id: ama.id, return_url: "https://shop.example/" })
      const refused = yield* open(`${session.url}/remove`, form({ payment_method: kofis.id }))
      assert.strictEqual(refused.status, 404)
      assert.strictEqual(h1(refused.text), "No such payment method")
      assert.strictEqual((yield* PaymentMethods.retrieve(kofis.id)).customer_id, kofi.id)
      assert.strictEqual((yield* open(`${session.url}/remove`)).status, 405)
    }).pipe(Effect.provide(Mock())))

  it.live("the pages are not faulted, rate limited or recorded: a fault plan for the API leaves them alone", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const { customer, intent } = yield* newIntent
      yield* server.control.clearRequests
      yield* server.control.injectFaults({ times: 10, fault: { _tag: "Status", status: 503 } })
      const saved = yield* open(intent.setup_url, form({ type: "mobile_money", network: "mtn", phone: "+233201234567" }))
      assert.strictEqual(saved.status, 200)
      assert.strictEqual(h1(saved.text), "Payment method saved")
      assert.deepStrictEqual(yield* server.control.requests, [])
      yield* server.control.clearFaults
      assert.strictEqual((yield* Customers.retrieve(customer.id)).payment_methods.length, 1)
    }).pipe(Effect.provide(Mock())))

  it.live("link tokens do not follow the id seed: two servers with the same seed give the same ids and different links", () =>
    Effect.gen(function*() {
      const twice = yield* Effect.all([1, 2].map(() => Effect.provide(newIntent, Mock({ idSeed: 7 }))))
      const [a, b] = twice.map(({ intent }) => intent)
      assert.strictEqual(a!.id, b!.id)
      const token = (url: string) => /\/setup\/tok_([a-z0-9]+)$/.exec(url)?.[1]
      assert.lengthOf(token(a!.setup_url) ?? "", 24)
      assert.notStrictEqual(token(a!.setup_url), token(b!.setup_url))
    }))

  it.live("resetting the account forgets its links: 404", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const { customer, intent } = yield* newIntent
      const session = yield* CustomerPortal.createSession({ customer_id: customer.id, return_url: "https://shop.example/" })
      yield* server.control.account("cid_test_default").reset
      assert.strictEqual((yield* open(intent.setup_url)).status, 404)
      assert.strictEqual((yield* open(session.url)).status, 404)
    }).pipe(Effect.provide(Mock())))
})
