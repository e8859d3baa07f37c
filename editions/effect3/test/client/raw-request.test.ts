/**
 * `XtopayClient.request`: an endpoint this package does not wrap, through the same request path
 * (issue 26, 8): auth and base URL, query and body, an idempotency key made once per call and
 * reused by its retries, error tags, `withResponse`, JSON as `unknown` or decoded with a schema.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { XtopayClient } from "../../src/index.js"
import { clientLayer, empty, errorAnswer, json, recordedRequests } from "../support/scripted.js"

const subscription = { id: "sub_1", status: "active", plan_id: "plan_pro" }

describe("XtopayClient.request", () => {
  it.effect("GET with a query: the JSON as it came, sent under the base URL with the client's headers", () =>
    Effect.gen(function*() {
      const value = yield* XtopayClient.request({ method: "GET", path: "/subscriptions", query: { limit: 2, active: true, after: undefined } })
      assert.deepStrictEqual(value, { data: [subscription] })
      const [sent] = yield* recordedRequests
      assert.strictEqual(sent!.method, "GET")
      assert.strictEqual(sent!.urlWithoutQuery, "https://api.xtopay.co/v1/subscriptions")
      assert.deepStrictEqual(sent!.query, { limit: "2", active: "true" })
      assert.match(sent!.headers["authorization"]!, /^Basic /)
      assert.isUndefined(sent!.headers["idempotency-key"])
    }).pipe(Effect.provide(clientLayer([json(200, { data: [subscription] })]))))

  it.effect("POST: the body as JSON and one Idempotency-Key for the call, the same on its retry", () =>
    Effect.gen(function*() {
      const value = yield* XtopayClient.request({ method: "POST", path: "/subscriptions", body: { plan_id: "plan_pro" } }, { maxRetries: 1 })
      assert.deepStrictEqual(value, subscription)
      const [first, second] = yield* recordedRequests
      assert.deepStrictEqual(first!.body, { plan_id: "plan_pro" })
      assert.isDefined(first!.headers["idempotency-key"])
      assert.strictEqual(second!.headers["idempotency-key"], first!.headers["idempotency-key"])
    }).pipe(
      Effect.provide(clientLayer([errorAnswer(503, { code: "api_error", message: "busy" }, { "retry-after": "0" }), json(201, subscription)]))
    ))

  it.effect("decodes with the caller's schema, and fails with UnexpectedResponse when the answer does not fit", () =>
    Effect.gen(function*() {
      const Subscription = Schema.Struct({ id: Schema.String, status: Schema.String })
      const decoded = yield* XtopayClient.request({ method: "GET", path: "/subscriptions/sub_1", schema: Subscription })
      assert.deepStrictEqual(decoded, { id: "sub_1", status: "active" })
      const error = yield* Effect.flip(XtopayClient.request({ method: "GET", path: "/subscriptions/sub_1", schema: Subscription }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
    }).pipe(Effect.provide(clientLayer([json(200, subscription), json(200, { id: 1 })]))))

  it.effect("error tags as for any endpoint, and withResponse reports the answer", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(XtopayClient.request({ method: "GET", path: "/subscriptions/sub_404" }))
      assert.strictEqual(error._tag, "NotFound")
      const [value, response] = yield* XtopayClient.withResponse(XtopayClient.request({ method: "DELETE", path: "/subscriptions/sub_1" }))
      assert.isUndefined(value)
      assert.strictEqual(response.status, 204)
    }).pipe(
      Effect.provide(clientLayer([errorAnswer(404, { code: "resource_missing", message: "No such subscription" }), empty(204)]))
    ))

  it.effect("a path that is not below the base URL is InvalidRequest, and nothing is sent", () =>
    Effect.gen(function*() {
      for (const path of ["subscriptions", "//evil.example/x", "/a/../customers", "/a?b=1", "/a#b", "/a b", "/%2e%2e/x"]) {
        const error = yield* Effect.flip(XtopayClient.request({ method: "GET", path }))
        assert.strictEqual(error._tag, "InvalidRequest", path)
        if (error._tag === "InvalidRequest") assert.strictEqual(error.param, "path")
      }
      assert.strictEqual((yield* recordedRequests).length, 0)
    }).pipe(Effect.provide(clientLayer([]))))
})
