/**
 * Base URLs from the environment and the `allowInsecureHttp` opt-in: an empty `XTOPAY_BASE_URL`
 * is the default, plain http to another host is refused unless opted in, strictly, and an opt-in
 * client warns once, when it is built.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Config, ConfigError, ConfigProvider, Effect, Layer, Redacted } from "effect"
import { Customers, DEFAULT_BASE_URL, XtopayClient, XtopayLive } from "../../src/index.js"
import { makeRecordingLogger } from "../support/recording.js"
import { referenceCustomer } from "./fixtures.js"

const SECRET = "csk_test_s3cret_never_logged"

const env = (entries: Record<string, string>) =>
  ConfigProvider.fromMap(new Map(Object.entries({ XTOPAY_CLIENT_ID: "cid_test_env", XTOPAY_CLIENT_SECRET: SECRET, ...entries })))

/** A `fetch` that records the URL of each call and answers the reference's customer. */
const fakeFetch = () => {
  const urls: Array<string> = []
  const fetch = (async (input: RequestInfo | URL) => {
    urls.push(String(input))
    return new Response(referenceCustomer, { status: 200, headers: { "content-type": "application/json" } })
  }) as typeof globalThis.fetch
  return { urls, fetch }
}

/** Builds `layer`, makes two calls, and returns the URLs called and every log line. */
const twoCalls = (layer: Layer.Layer<XtopayClient, ConfigError.ConfigError>) => {
  const { fetch, urls } = fakeFetch()
  const { layer: logs, lines } = makeRecordingLogger()
  return Effect.gen(function*() {
    yield* Customers.retrieve("cus_a1b2c3")
    yield* Customers.retrieve("cus_a1b2c3")
    return { urls, lines }
  }).pipe(Effect.provide(layer), Effect.provideService(FetchHttpClient.Fetch, fetch), Effect.provide(logs))
}

const buildError = (layer: Layer.Layer<XtopayClient, ConfigError.ConfigError>) =>
  Effect.flip(Effect.provide(XtopayClient, layer))

describe("XTOPAY_BASE_URL", () => {
  for (const empty of ["", "  "]) {
    it.effect(`set but empty (${JSON.stringify(empty)}, as compose files do) means the default`, () =>
      Effect.gen(function*() {
        const { urls } = yield* twoCalls(XtopayLive)
        assert.strictEqual(urls[0], `${DEFAULT_BASE_URL}/customers/cus_a1b2c3`)
      }).pipe(Effect.withConfigProvider(env({ XTOPAY_BASE_URL: empty }))))
  }

  it.effect("plain http to another host is a ConfigError naming the way out, and sends nothing", () =>
    Effect.gen(function*() {
      const error = yield* buildError(XtopayLive)
      assert.isTrue(ConfigError.isConfigError(error))
      assert.include(String(error), "http://xtopay-mock:12111")
      assert.include(String(error), "allowInsecureHttp")
    }).pipe(Effect.withConfigProvider(env({ XTOPAY_BASE_URL: "http://xtopay-mock:12111/v1" }))))
})

describe("allowInsecureHttp", () => {
  const mockInCompose = "http://xtopay-mock:12111/v1"

  it.effect("XtopayClient.layer: plain http to a named host works, with one warning naming the host, never the secret", () =>
    Effect.gen(function*() {
      const { lines, urls } = yield* twoCalls(
        XtopayClient.layer({
          clientId: "cid_test_env",
          clientSecret: Redacted.make(SECRET),
          baseUrl: mockInCompose,
          allowInsecureHttp: true
        }).pipe(Layer.provide(FetchHttpClient.layer))
      )
      assert.deepStrictEqual(urls, [`${mockInCompose}/customers/cus_a1b2c3`, `${mockInCompose}/customers/cus_a1b2c3`])
      const warnings = lines.filter((line) => line.level === "WARN")
      assert.strictEqual(warnings.length, 1, "one warning per client, not per call")
      assert.include(warnings[0]!.message, "xtopay-mock:12111")
      assert.include(warnings[0]!.message, "plain http")
      for (const line of lines) {
        assert.notInclude(line.text, SECRET)
        assert.notInclude(line.text, Buffer.from(`cid_test_env:${SECRET}`).toString("base64"))
      }
    }))

  it.effect("XtopayClient.layerConfig: the option can come from Config", () =>
    Effect.gen(function*() {
      const { lines, urls } = yield* twoCalls(
        XtopayClient.layerConfig({
          clientId: Config.succeed("cid_test_env"),
          clientSecret: Config.succeed(Redacted.make(SECRET)),
          baseUrl: Config.succeed(mockInCompose),
          allowInsecureHttp: Config.succeed(true)
        }).pipe(Layer.provide(FetchHttpClient.layer))
      )
      assert.strictEqual(urls.length, 2)
      assert.strictEqual(lines.filter((line) => line.level === "WARN").length, 1)
    }))

  it.effect("XtopayLive: XTOPAY_ALLOW_INSECURE_HTTP=true opts in, with one warning", () =>
    Effect.gen(function*() {
      const { lines, urls } = yield* twoCalls(XtopayLive)
      assert.strictEqual(urls[0], `${mockInCompose}/customers/cus_a1b2c3`)
      const warnings = lines.filter((line) => line.level === "WARN")
      assert.strictEqual(warnings.length, 1)
      assert.include(warnings[0]!.message, "xtopay-mock:12111")
    }).pipe(Effect.withConfigProvider(env({ XTOPAY_BASE_URL: mockInCompose, XTOPAY_ALLOW_INSECURE_HTTP: "true" }))))

  for (const off of ["false", ""]) {
    it.effect(`XTOPAY_ALLOW_INSECURE_HTTP=${JSON.stringify(off)} keeps plain http to another host refused`, () =>
      Effect.gen(function*() {
        const error = yield* buildError(XtopayLive)
        assert.include(String(error), "must use https")
      }).pipe(Effect.withConfigProvider(env({ XTOPAY_BASE_URL: mockInCompose, XTOPAY_ALLOW_INSECURE_HTTP: off }))))
  }

  for (const loose of ["1", "yes", "on", "TRUE", "True", "tru"]) {
    it.effect(`XTOPAY_ALLOW_INSECURE_HTTP=${loose} is a ConfigError naming the variable (only true or false)`, () =>
      Effect.gen(function*() {
        const error = yield* buildError(XtopayLive)
        assert.isTrue(ConfigError.isConfigError(error))
        assert.include(String(error), "XTOPAY_ALLOW_INSECURE_HTTP")
        assert.include(String(error), "Expected true or false")
      }).pipe(Effect.withConfigProvider(env({ XTOPAY_BASE_URL: mockInCompose, XTOPAY_ALLOW_INSECURE_HTTP: loose }))))
  }

  for (const baseUrl of ["https://api.xtopay.co/v1", "http://127.0.0.1:12111/v1"]) {
    it.effect(`no warning when nothing is insecure (${baseUrl})`, () =>
      Effect.gen(function*() {
        const { lines } = yield* twoCalls(XtopayLive)
        assert.deepStrictEqual(lines.filter((line) => line.level === "WARN"), [])
      }).pipe(Effect.withConfigProvider(env({ XTOPAY_BASE_URL: baseUrl, XTOPAY_ALLOW_INSECURE_HTTP: "true" }))))
  }

  it.effect("it allows plain http and nothing else: other schemes and credentials in the URL stay refused", () =>
    Effect.gen(function*() {
      for (const baseUrl of ["ftp://xtopay-mock/v1", "http://user:pw@xtopay-mock/v1"]) {
        const error = yield* buildError(
          XtopayClient.layer({ clientId: "cid_test_env", clientSecret: Redacted.make(SECRET), baseUrl, allowInsecureHttp: true })
            .pipe(Layer.provide(FetchHttpClient.layer))
        )
        assert.isTrue(ConfigError.isConfigError(error), baseUrl)
      }
    }))
})
