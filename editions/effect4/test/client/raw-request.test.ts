/**
 * `XtopayClient.request`: an endpoint this package does not wrap, through the same request path
 * (issue 26, 8): auth and base URL, query and body, an idempotency key made once per call and
 * reused by its retries, error tags, `withResponse`, JSON as `unknown` or decoded with a schema.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Schema } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { XtopayClient } from "../../src/index.js"

interface Sent {
  readonly method: string
  readonly url: string
  readonly query: Record<string, string>
  readonly headers: Record<string, string>
  readonly body: unknown
}

/** A client answering the scripted `answers` in turn, recording what it was sent. */
const scripted = (answers: ReadonlyArray<() => Response>) => {
  const sent: Array<Sent> = []
  const client = HttpClient.make((request, url) => {
    const body = request.body._tag === "Uint8Array" ? JSON.parse(new TextDecoder().decode(request.body.body)) : undefined
    sent.push({
      method: request.method,
      url: `${url.origin}${url.pathname}`,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers },
      body
    })
    const answer = answers[sent.length - 1]
    return Effect.succeed(HttpClientResponse.fromWeb(request, answer === undefined ? new Response("{}", { status: 500 }) : answer()))
  })
  const layer = XtopayClient.layer({ clientId: "cid_test_a", clientSecret: Redacted.make("csk_test_a") }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
  )
  return { sent, layer }
}

const json = (status: number, value: unknown, headers: Record<string, string> = {}) => () =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json", ...headers } })

const subscription = { id: "sub_1", status: "active", plan_id: "plan_pro" }

describe("XtopayClient.request", () => {
  it.effect("GET with a query: the JSON as it came, sent under the base URL with the client's headers", () => {
    const { layer, sent } = scripted([json(200, { data: [subscription] })])
    return Effect.gen(function*() {
      const value = yield* XtopayClient.request({ method: "GET", path: "/subscriptions", query: { limit: 2, active: true, after: undefined } })
      assert.deepStrictEqual(value, { data: [subscription] })
      assert.strictEqual(sent[0]!.method, "GET")
      assert.strictEqual(sent[0]!.url, "https://api.xtopay.co/v1/subscriptions")
      assert.deepStrictEqual(sent[0]!.query, { limit: "2", active: "true" })
      assert.match(sent[0]!.headers["authorization"]!, /^Basic /)
      assert.isUndefined(sent[0]!.headers["idempotency-key"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("POST: the body as JSON and one Idempotency-Key for the call, the same on its retry", () => {
    const { layer, sent } = scripted([json(503, { error: { code: "api_error", message: "busy" } }, { "retry-after": "0" }), json(201, subscription)])
    return Effect.gen(function*() {
      const value = yield* XtopayClient.request({ method: "POST", path: "/subscriptions", body: { plan_id: "plan_pro" } }, { maxRetries: 1 })
      assert.deepStrictEqual(value, subscription)
      assert.deepStrictEqual(sent[0]!.body, { plan_id: "plan_pro" })
      assert.isDefined(sent[0]!.headers["idempotency-key"])
      assert.strictEqual(sent[1]!.headers["idempotency-key"], sent[0]!.headers["idempotency-key"])
    }).pipe(Effect.provide(layer))
  })

  it.effect("decodes with the caller's schema, and fails with UnexpectedResponse when the answer does not fit", () => {
    const { layer } = scripted([json(200, subscription), json(200, { id: 1 })])
    return Effect.gen(function*() {
      const Subscription = Schema.Struct({ id: Schema.String, status: Schema.String })
      const decoded = yield* XtopayClient.request({ method: "GET", path: "/subscriptions/sub_1", schema: Subscription })
      assert.deepStrictEqual(decoded, { id: "sub_1", status: "active" })
      const error = yield* Effect.flip(XtopayClient.request({ method: "GET", path: "/subscriptions/sub_1", schema: Subscription }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
    }).pipe(Effect.provide(layer))
  })

  it.effect("error tags as for any endpoint, and withResponse reports the answer", () => {
    const { layer } = scripted([
      json(404, { error: { code: "resource_missing", message: "No such subscription" } }),
      () => new Response(null, { status: 204 })
    ])
    return Effect.gen(function*() {
      const error = yield* Effect.flip(XtopayClient.request({ method: "GET", path: "/subscriptions/sub_404" }))
      assert.strictEqual(error._tag, "NotFound")
      const [value, response] = yield* XtopayClient.withResponse(XtopayClient.request({ method: "DELETE", path: "/subscriptions/sub_1" }))
      assert.isUndefined(value)
      assert.strictEqual(response.status, 204)
    }).pipe(Effect.provide(layer))
  })

  it.effect("a path that is not below the base URL is InvalidRequest, and nothing is sent", () => {
    const { layer, sent } = scripted([])
    return Effect.gen(function*() {
      for (const path of ["subscriptions", "//evil.example/x", "/a/../customers", "/a?b=1", "/a#b", "/a b", "/%2e%2e/x"]) {
        const error = yield* Effect.flip(XtopayClient.request({ method: "GET", path }))
        assert.strictEqual(error._tag, "InvalidRequest", path)
        assert.strictEqual(error.param, "path")
      }
      assert.lengthOf(sent, 0)
    }).pipe(Effect.provide(layer))
  })
})
