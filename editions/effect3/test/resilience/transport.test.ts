/**
 * Transport rules: https unless loopback, redirects never followed, trace propagation opt-in.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigError, ConfigProvider, Effect, Layer, Redacted } from "effect"
import * as HttpClient from "@effect/platform/HttpClient"
import { Customers, XtopayClient } from "../../src/index.js"
import { buildClient, CLIENT_ID, CLIENT_SECRET, customerDetails, json, answer, makeRecordingTracer, scripted, scriptedHttpClient } from "./support.js"

const withBaseUrl = (baseUrl: string) =>
  buildClient({ clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET), baseUrl })

describe("the base URL", () => {
  for (
    const baseUrl of [
      "https://api.xtopay.co/v1",
      "https://api.xtopay.co/v1/",
      "http://127.0.0.1:12111/v1",
      "http://127.45.6.7/v1",
      "http://localhost:12111",
      "http://LOCALHOST:80/v1",
      "http://[::1]:12111/v1"
    ]
  ) {
    it.effect(`${baseUrl} is accepted`, () =>
      Effect.gen(function*() {
        yield* withBaseUrl(baseUrl)
      }))
  }

  for (
    const [baseUrl, mentions] of [
      ["http://api.xtopay.co/v1", "https"],
      ["http://10.0.0.1/v1", "https"],
      ["http://128.0.0.1/v1", "https"],
      ["http://localhost.example.com/v1", "https"],
      ["http://127.0.0.1.nip.io/v1", "https"],
      ["http://[::2]/v1", "https"],
      ["ftp://127.0.0.1/v1", "https"],
      ["api.xtopay.co/v1", "absolute URL"],
      ["https://cid_test_x:csk_test_y@api.xtopay.co/v1", "credentials"],
      ["https://api.xtopay.co/v1?debug=1", "query"]
    ] as const
  ) {
    it.effect(`${baseUrl} fails to build the layer with a ConfigError about ${mentions}`, () =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(withBaseUrl(baseUrl))
        assert.isTrue(ConfigError.isConfigError(error))
        assert.strictEqual(error._op, "InvalidData")
        assert.include(String(error), "baseUrl")
        assert.include(String(error), mentions)
        // The rejected URL's credentials are not echoed back.
        assert.notInclude(String(error), "csk_test_y")
      }))
  }

  it.effect("XTOPAY_BASE_URL over plain http to a remote host fails XtopayClient.layerConfig with a ConfigError", () =>
    Effect.gen(function*() {
      const provider = ConfigProvider.fromMap(
        new Map([
          ["XTOPAY_CLIENT_ID", CLIENT_ID],
          ["XTOPAY_CLIENT_SECRET", CLIENT_SECRET],
          ["XTOPAY_BASE_URL", "http://api.xtopay.co/v1"]
        ])
      )
      const layer = XtopayClient.layerConfig().pipe(
        Layer.provide(Layer.succeed(HttpClient.HttpClient, scriptedHttpClient([], [])))
      )
      const error = yield* Effect.scoped(Layer.build(layer)).pipe(Effect.withConfigProvider(provider), Effect.flip)
      assert.isTrue(ConfigError.isConfigError(error))
      assert.include(String(error), "https")
    }))

  it.effect("requests go to the base URL's path, with no doubled slash", () =>
    Effect.gen(function*() {
      const script = scripted([json(200, customerDetails())], { baseUrl: "https://api.xtopay.co/v1/" })
      yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer))
      assert.strictEqual(script.requests[0]?.url, "https://api.xtopay.co/v1/customers/cus_a1b2c3")
    }))
})

describe("redirects", () => {
  it.effect("a 3xx fails with UnexpectedResponse naming the Location, sent once, never followed", () =>
    Effect.gen(function*() {
      for (const status of [301, 302, 303, 307, 308]) {
        const script = scripted([answer(status, "", { location: "https://attacker.example/steal" })])
        const error = yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.flip)
        assert.strictEqual(error._tag, "UnexpectedResponse")
        if (error._tag === "UnexpectedResponse") {
          assert.strictEqual(error.location, "https://attacker.example/steal")
          assert.strictEqual(error.status, status)
          assert.include(error.message, "https://attacker.example/steal")
        }
        assert.strictEqual(script.requests.length, 1)
      }
    }))
})

describe("trace propagation", () => {
  it.effect("is off by default: no traceparent or b3 header is sent, even inside a span", () =>
    Effect.gen(function*() {
      const script = scripted([json(200, customerDetails())])
      yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.withSpan("checkout"))
      const headers = script.requests[0]?.headers ?? {}
      assert.isUndefined(headers["traceparent"])
      assert.isUndefined(headers["b3"])
    }))

  it.effect("tracePropagation: true sends traceparent and b3", () =>
    Effect.gen(function*() {
      const script = scripted([json(200, customerDetails())], { tracePropagation: true })
      yield* Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.withSpan("checkout"))
      const headers = script.requests[0]?.headers ?? {}
      assert.match(headers["traceparent"] ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/)
      assert.isDefined(headers["b3"])
    }))

  for (const attemptSpans of [false, true]) {
    it.effect(`the traceparent names the ${attemptSpans ? "attempt's http.client" : "call's"} span as the parent`, () =>
      Effect.gen(function*() {
        const script = scripted([json(200, customerDetails())], { tracePropagation: true, attemptSpans })
        const { spans, tracer } = makeRecordingTracer()
        yield* Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(script.layer),
          Effect.withSpan("checkout"),
          Effect.withTracer(tracer)
        )
        const [, traceId, spanId] = (script.requests[0]?.headers["traceparent"] ?? "").split("-")
        const parent = spans.find((span) => span.spanId === spanId)
        assert.isDefined(parent, "the traceparent names a span of this trace")
        assert.strictEqual(parent!.traceId, traceId)
        assert.strictEqual(parent!.name, attemptSpans ? "http.client GET" : "Xtopay.customers.retrieve")
      }))
  }
})
