/**
 * Building the client: `XtopayClient.layer` and `layerConfig` over any `HttpClient`, `XtopayLive`'s
 * settings from the environment, the base-URL rules, and the secret kept out of everything printed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, ConfigProvider, Effect, Exit, Layer, Redacted } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { Customers, DEFAULT_BASE_URL, XtopayClient, XtopayControl, XtopayTestWith } from "../../src/index.js"

const SECRET = "csk_test_TOPSECRET"

/** An `HttpClient` that answers every request with `answer` and records what it was sent. */
const recording = (answer: () => Response) => {
  const sent: Array<{ url: string; headers: Record<string, string> }> = []
  const client = HttpClient.make((request, url) => {
    sent.push({ url: url.toString(), headers: { ...request.headers } })
    return Effect.succeed(HttpClientResponse.fromWeb(request, answer()))
  })
  return { sent, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

const customerJson = JSON.stringify({
  id: "cus_a1b2c3",
  object: "customer",
  email: "ama@example.com",
  name: null,
  phone: null,
  currency: "GHS",
  metadata: {},
  created_at: "2026-05-24T10:00:00.000Z",
  updated_at: "2026-05-24T10:00:00.000Z"
})

const env = (vars: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env: vars }))

describe("XtopayClient.layer", () => {
  it.effect("sends Basic auth built from the id and the Redacted secret, to the base URL, with a User-Agent", () =>
    Effect.gen(function*() {
      const transport = recording(() => new Response(customerJson, { status: 200, headers: { "content-type": "application/json" } }))
      const layer = XtopayClient.layer({ clientId: "cid_test_shop", clientSecret: Redacted.make(SECRET), baseUrl: "http://localhost:12111/v1/" })
      yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(Layer.provide(layer, transport.layer)))
      const [request] = transport.sent
      assert.strictEqual(request?.url, "http://localhost:12111/v1/customers/cus_a1b2c3")
      assert.strictEqual(request?.headers["authorization"], `Basic ${btoa(`cid_test_shop:${SECRET}`)}`)
      assert.match(request?.headers["user-agent"] ?? "", /^effect-xtopay\/1\./)
    }))

  it.effect("refuses redirects: a 3xx is UnexpectedResponse naming where it pointed, not followed", () =>
    Effect.gen(function*() {
      const transport = recording(() => new Response(null, { status: 302, headers: { location: "https://elsewhere.example/" } }))
      const layer = XtopayClient.layer({ clientId: "cid_test_shop", clientSecret: Redacted.make(SECRET) })
      const error = yield* Effect.flip(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(Layer.provide(layer, transport.layer))))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "https://elsewhere.example/")
      assert.lengthOf(transport.sent, 1)
    }))

  for (const baseUrl of ["http://api.xtopay.co/v1", "https://user:pw@api.xtopay.co/v1", "https://api.xtopay.co/v1?x=1", "not a url"]) {
    it.effect(`refuses the base URL ${baseUrl} with a ConfigError that does not hold the secret`, () =>
      Effect.gen(function*() {
        const transport = recording(() => new Response("{}"))
        const layer = XtopayClient.layer({ clientId: "cid_test_shop", clientSecret: Redacted.make(SECRET), baseUrl })
        const exit = yield* Effect.exit(Layer.build(Layer.provide(layer, transport.layer)).pipe(Effect.scoped))
        assert.isTrue(Exit.isFailure(exit))
        assert.notInclude(String(exit), SECRET)
        assert.notInclude(JSON.stringify(exit), SECRET)
      }))
  }

  it.effect("the service prints no secret: its clientSecret stays Redacted", () =>
    Effect.gen(function*() {
      const transport = recording(() => new Response("{}"))
      const client = yield* XtopayClient.pipe(
        Effect.provide(Layer.provide(XtopayClient.layer({ clientId: "cid_test_shop", clientSecret: Redacted.make(SECRET) }), transport.layer))
      )
      assert.isTrue(Redacted.isRedacted(client.clientSecret))
      assert.notInclude(String(client.clientSecret), SECRET)
      assert.notInclude(JSON.stringify(client.clientSecret), SECRET)
      assert.strictEqual(client.baseUrl, DEFAULT_BASE_URL)
    }))
})

describe("XtopayClient.layerConfig", () => {
  const buildError = (vars: Record<string, string>) =>
    Effect.gen(function*() {
      const transport = recording(() => new Response("{}"))
      const exit = yield* Effect.exit(
        Layer.build(Layer.provide(XtopayClient.layerConfig(), transport.layer)).pipe(Effect.scoped, Effect.provide(env(vars)))
      )
      assert.isTrue(Exit.isFailure(exit))
      return String(Exit.isFailure(exit) ? Cause.squash(exit.cause) : "")
    })

  it.effect("a blank id or secret is refused by the variable's name; a bad base URL by XTOPAY_BASE_URL", () =>
    Effect.gen(function*() {
      assert.include(yield* buildError({ XTOPAY_CLIENT_ID: " ", XTOPAY_CLIENT_SECRET: SECRET }), "XTOPAY_CLIENT_ID is set but empty")
      assert.include(yield* buildError({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: "  " }), "XTOPAY_CLIENT_SECRET is set but empty")
      // Effect 4's environment provider reads an empty variable as one not set: refused by its name too.
      const empty = yield* buildError({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: "" })
      assert.include(empty, "XTOPAY_CLIENT_SECRET")
      const badUrl = yield* buildError({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: SECRET, XTOPAY_BASE_URL: "http://api.xtopay.co/v1" })
      assert.include(badUrl, "XTOPAY_BASE_URL")
      assert.include(badUrl, "must use https")
      assert.notInclude(badUrl, SECRET)
    }))

  it.effect("reads XTOPAY_CLIENT_ID, XTOPAY_CLIENT_SECRET and XTOPAY_BASE_URL", () =>
    Effect.gen(function*() {
      const transport = recording(() => new Response(customerJson, { status: 200 }))
      yield* Customers.retrieve("cus_a1b2c3").pipe(
        Effect.provide(Layer.provide(XtopayClient.layerConfig(), transport.layer)),
        Effect.provide(env({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: SECRET, XTOPAY_BASE_URL: "http://127.0.0.1:9999/v1" }))
      )
      assert.strictEqual(transport.sent[0]?.url, "http://127.0.0.1:9999/v1/customers/cus_a1b2c3")
      assert.strictEqual(transport.sent[0]?.headers["authorization"], `Basic ${btoa(`cid_test_env:${SECRET}`)}`)
    }))

  it.effect("an empty XTOPAY_BASE_URL means the default", () =>
    Effect.gen(function*() {
      const transport = recording(() => new Response(customerJson, { status: 200 }))
      const client = yield* XtopayClient.pipe(
        Effect.provide(Layer.provide(XtopayClient.layerConfig(), transport.layer)),
        Effect.provide(env({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: SECRET, XTOPAY_BASE_URL: "" }))
      )
      assert.strictEqual(client.baseUrl, DEFAULT_BASE_URL)
    }))

  it.effect("a missing secret, or XTOPAY_ALLOW_INSECURE_HTTP other than true or false, fails to build", () =>
    Effect.gen(function*() {
      const transport = recording(() => new Response("{}"))
      const build = (vars: Record<string, string>) =>
        Effect.exit(Layer.build(Layer.provide(XtopayClient.layerConfig(), transport.layer)).pipe(Effect.scoped, Effect.provide(env(vars))))
      assert.isTrue(Exit.isFailure(yield* build({ XTOPAY_CLIENT_ID: "cid_test_env" })))
      const yes = yield* build({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: SECRET, XTOPAY_ALLOW_INSECURE_HTTP: "yes" })
      assert.isTrue(Exit.isFailure(yes))
      assert.notInclude(String(yes), SECRET)
    }))
})

describe("the secret is never printed", () => {
  const faults = [
    { _tag: "Drop", when: "before-headers" },
    { _tag: "Drop", when: "mid-body" },
    { _tag: "TruncatedJson" },
    { _tag: "Status", status: 401 }
  ] as const
  for (const fault of faults) {
    it.effect(`a failure from ${JSON.stringify(fault)} holds neither the secret nor the Authorization header`, () =>
      Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* control.injectFaults({ times: 1, fault })
        const exit = yield* Effect.exit(Customers.create({ email: "ama@example.com" }))
        assert.isTrue(Exit.isFailure(exit))
        const basic = btoa(`cid_test_shop:${SECRET}`)
        const failure = Exit.isFailure(exit) ? exit.cause : Cause.empty
        for (const printed of [Cause.pretty(failure), String(exit), JSON.stringify(exit), JSON.stringify(Cause.squash(failure))]) {
          assert.notInclude(printed, SECRET)
          assert.notInclude(printed, basic)
        }
      }).pipe(Effect.provide(XtopayTestWith({ clientId: "cid_test_shop", clientSecret: Redacted.make(SECRET), maxRetries: 0 }))))
  }
})
