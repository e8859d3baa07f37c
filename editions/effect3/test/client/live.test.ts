import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Effect } from "effect"
import { Customers, DEFAULT_BASE_URL, XtopayClient, XtopayLive } from "../../src/index.js"
import { expectedUserAgent } from "./expectations.js"
import { referenceCustomer } from "./fixtures.js"

const env = (entries: Record<string, string>) => ConfigProvider.fromMap(new Map(Object.entries(entries)))

interface FetchCall {
  readonly url: string
  readonly method: string | undefined
  readonly headers: Headers
  readonly redirect: RequestRedirect | undefined
}

/** A stand-in for `fetch` that records each call and answers 200 with `answer` (the reference's customer). */
const fakeFetch = (answer: string = referenceCustomer) => {
  const calls: Array<FetchCall> = []
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method,
      headers: new Headers(init?.headers),
      redirect: init?.redirect
    })
    return new Response(answer, { status: 200, headers: { "content-type": "application/json" } })
  }) as typeof globalThis.fetch
  return { calls, fetch }
}

describe("XtopayLive", () => {
  it.effect("reads XTOPAY_CLIENT_ID, XTOPAY_CLIENT_SECRET and XTOPAY_BASE_URL, and sends them over fetch", () => {
    const { calls, fetch } = fakeFetch()
    return Effect.gen(function*() {
      const client = yield* XtopayClient
      assert.strictEqual(client.clientId, "cid_test_env")
      assert.strictEqual(client.baseUrl, "https://sandbox.example.com/v1")

      yield* Customers.retrieve("cus_a1b2c3")
      assert.strictEqual(calls.length, 1)
      const call = calls[0]!
      assert.strictEqual(call.url, "https://sandbox.example.com/v1/customers/cus_a1b2c3")
      assert.strictEqual(call.method, "GET")
      assert.strictEqual(
        call.headers.get("authorization"),
        `Basic ${Buffer.from("cid_test_env:csk_test_env_secret").toString("base64")}`
      )
      assert.strictEqual(call.headers.get("user-agent"), expectedUserAgent)
      assert.strictEqual(call.headers.get("accept"), "application/json")
      // fetch must not follow a redirect on its own (it would resend the Authorization header)
      assert.strictEqual(call.redirect, "manual")
    }).pipe(
      Effect.provide(XtopayLive),
      Effect.provideService(FetchHttpClient.Fetch, fetch),
      Effect.withConfigProvider(env({
        XTOPAY_CLIENT_ID: "cid_test_env",
        XTOPAY_CLIENT_SECRET: "csk_test_env_secret",
        XTOPAY_BASE_URL: "https://sandbox.example.com/v1"
      }))
    )
  })

  it.effect("defaults the base URL to https://api.xtopay.co/v1", () => {
    const { calls, fetch } = fakeFetch(JSON.stringify({ data: [], pagination: { has_more: false, next_cursor: null } }))
    return Effect.gen(function*() {
      const client = yield* XtopayClient
      assert.strictEqual(client.baseUrl, "https://api.xtopay.co/v1")
      assert.strictEqual(DEFAULT_BASE_URL, "https://api.xtopay.co/v1")
      const result = yield* Customers.listPage({ limit: 3 })
      assert.strictEqual(result.data.length, 0)
      assert.strictEqual(calls[0]?.url, "https://api.xtopay.co/v1/customers?limit=3")
    }).pipe(
      Effect.provide(XtopayLive),
      Effect.provideService(FetchHttpClient.Fetch, fetch),
      Effect.withConfigProvider(env({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: "csk_test_env" }))
    )
  })

  it.effect("a missing XTOPAY_CLIENT_SECRET is a ConfigError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(XtopayClient, XtopayLive))
      assert.isTrue(ConfigError.isConfigError(error))
      assert.isTrue(ConfigError.isMissingDataOnly(error))
      assert.include(String(error), "Expected XTOPAY_CLIENT_SECRET to exist")
      assert.notInclude(String(error), "redacted")
    }).pipe(Effect.withConfigProvider(env({ XTOPAY_CLIENT_ID: "cid_test_env" }))))

  it.effect("an empty XTOPAY_CLIENT_SECRET or XTOPAY_CLIENT_ID is a ConfigError saying so by that name", () =>
    Effect.gen(function*() {
      for (const [name, vars] of [
        ["XTOPAY_CLIENT_SECRET", { XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: " " }],
        ["XTOPAY_CLIENT_ID", { XTOPAY_CLIENT_ID: "", XTOPAY_CLIENT_SECRET: "csk_test_env" }]
      ] as const) {
        const error = yield* Effect.flip(Effect.provide(XtopayClient, XtopayLive)).pipe(Effect.withConfigProvider(env(vars)))
        assert.isTrue(ConfigError.isConfigError(error))
        assert.include(String(error), `${name} is set but empty`)
        assert.notInclude(String(error), "redacted")
      }
    }))

  it.effect("a bad XTOPAY_BASE_URL is a ConfigError naming XTOPAY_BASE_URL, not the option", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(XtopayClient, XtopayLive))
      assert.isTrue(ConfigError.isConfigError(error))
      assert.include(String(error), "XTOPAY_BASE_URL")
      assert.notInclude(String(error), "baseUrl")
    }).pipe(Effect.withConfigProvider(env({
      XTOPAY_CLIENT_ID: "cid_test_env",
      XTOPAY_CLIENT_SECRET: "csk_test_env",
      XTOPAY_BASE_URL: "ftp://files.example.com/v1"
    }))))

  it.effect("a missing XTOPAY_CLIENT_ID is a ConfigError naming it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(XtopayClient, XtopayLive))
      assert.isTrue(ConfigError.isConfigError(error))
      assert.include(String(error), "XTOPAY_CLIENT_ID")
    }).pipe(Effect.withConfigProvider(env({ XTOPAY_CLIENT_SECRET: "csk_test_env" }))))

  it.effect("a plain-http XTOPAY_BASE_URL to a remote host is a ConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.provide(XtopayClient, XtopayLive))
      assert.isTrue(ConfigError.isConfigError(error))
    }).pipe(Effect.withConfigProvider(env({
      XTOPAY_CLIENT_ID: "cid_test_env",
      XTOPAY_CLIENT_SECRET: "csk_test_env",
      XTOPAY_BASE_URL: "http://api.xtopay.co/v1"
    }))))
})
