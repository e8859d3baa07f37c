import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Stream } from "effect"
import { Events, WebhookEndpoints } from "../../src/index.js"
import { clientLayer, empty, errorAnswer, json, recordedRequests } from "../support/scripted.js"
import { assertHeaders, at, BASE, readable } from "./expectations.js"

const endpoint = {
  id: "we_a1b2c3",
  url: "https://shop.example/hooks",
  events: ["customer.created"],
  status: "active",
  description: null,
  created_at: "2026-05-24T10:00:00Z"
}
const customer = {
  id: "cus_a1b2c3",
  email: "ama@example.com",
  name: null,
  phone: null,
  currency: "GHS",
  metadata: {},
  created_at: "2026-05-24T10:00:00Z"
}
const event = { id: "evt_a1b2c3d4", type: "customer.created", created_at: "2026-05-24T10:00:01Z", data: customer }
const attempt = (id: string, status: string, next: string | null) => ({
  id,
  event_id: "evt_a1b2c3d4",
  endpoint_id: "we_a1b2c3",
  status,
  response_status: status === "succeeded" ? 200 : 500,
  response_body: "",
  attempted_at: "2026-05-24T10:00:01Z",
  next_retry_at: next
})
const pageOf = (data: ReadonlyArray<unknown>, next: string | null) => ({
  data,
  pagination: { has_more: next !== null, next_cursor: next, previous_cursor: null, total_count: null }
})

describe("WebhookEndpoints", () => {
  it.effect("create POSTs the body with an Idempotency-Key and decodes the endpoint", () =>
    Effect.gen(function*() {
      const created = yield* WebhookEndpoints.create({ url: "https://shop.example/hooks", events: ["customer.created"] })
      const [request] = yield* recordedRequests
      assert.strictEqual(request!.method, "POST")
      assert.strictEqual(request!.url, `${BASE}/webhook-endpoints`)
      assertHeaders(request!, { body: true, idempotencyKey: "generated" })
      assert.deepStrictEqual(request!.body, { url: "https://shop.example/hooks", events: ["customer.created"] })
      assert.deepStrictEqual(readable(created), { ...endpoint, created_at: at("2026-05-24T10:00:00Z") })
    }).pipe(Effect.provide(clientLayer([json(201, endpoint)]))))

  it.effect("retrieve, update, delete and listPage send the table's requests", () =>
    Effect.gen(function*() {
      yield* WebhookEndpoints.retrieve("we_a1b2c3")
      yield* WebhookEndpoints.update("we_a1b2c3", { status: "disabled", description: null })
      const deleted = yield* WebhookEndpoints.delete("we_a1b2c3")
      yield* WebhookEndpoints.listPage({ limit: 5, after: "cur_x" })
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => `${r.method} ${r.url}`), [
        `GET ${BASE}/webhook-endpoints/we_a1b2c3`,
        `PATCH ${BASE}/webhook-endpoints/we_a1b2c3`,
        `DELETE ${BASE}/webhook-endpoints/we_a1b2c3`,
        `GET ${BASE}/webhook-endpoints?limit=5&after=cur_x`
      ])
      assert.deepStrictEqual(requests[1]!.body, { status: "disabled", description: null })
      assertHeaders(requests[1]!, { body: true, idempotencyKey: "generated" })
      assertHeaders(requests[2]!, { body: false, idempotencyKey: undefined })
      // A bare 204 to the delete decodes to what Xtopay would have said.
      assert.deepStrictEqual(deleted, { id: "we_a1b2c3", deleted: true })
    }).pipe(Effect.provide(clientLayer([
      json(200, endpoint),
      json(200, { ...endpoint, status: "disabled" }),
      empty(204),
      json(200, pageOf([endpoint], null))
    ]))))

  it.effect("bad input sends nothing: a plain-http URL to another host, a malformed id, limit 0", () =>
    Effect.gen(function*() {
      const errors = [
        yield* Effect.flip(WebhookEndpoints.create({ url: "http://shop.example/hooks" })),
        yield* Effect.flip(WebhookEndpoints.create({ url: "/hooks" })),
        yield* Effect.flip(WebhookEndpoints.retrieve("evt_1")),
        yield* Effect.flip(WebhookEndpoints.update("cus_1", {})),
        yield* Effect.flip(WebhookEndpoints.listPage({ limit: 0 }))
      ]
      assert.deepStrictEqual(errors.map((e) => [e._tag, (e as { param?: string }).param]), [
        ["InvalidRequest", "url"],
        ["InvalidRequest", "url"],
        ["InvalidRequest", "id"],
        ["InvalidRequest", "id"],
        ["InvalidRequest", "limit"]
      ])
      assert.strictEqual((yield* recordedRequests).length, 0)
      // http to a loopback host is accepted, for local development.
      yield* WebhookEndpoints.create({ url: "http://127.0.0.1:8080/hooks" })
      assert.strictEqual((yield* recordedRequests).length, 1)
    }).pipe(Effect.provide(clientLayer(() => json(201, endpoint)))))

  it.effect("404 → NotFound, 422 key mismatch → IdempotencyConflict", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(WebhookEndpoints.retrieve("we_missing"))
      const conflict = yield* Effect.flip(WebhookEndpoints.update("we_a1b2c3", { status: "active" }))
      assert.deepStrictEqual([missing._tag, conflict._tag], ["NotFound", "IdempotencyConflict"])
    }).pipe(Effect.provide(clientLayer([
      errorAnswer(404, { code: "resource_not_found", message: "No such webhook endpoint" }),
      errorAnswer(422, { code: "idempotency_key_mismatch", message: "m" })
    ]))))
})

describe("Events", () => {
  it.effect("retrieve decodes a known type with typed data, and keeps an unknown type", () =>
    Effect.gen(function*() {
      const known = yield* Events.retrieve("evt_a1b2c3d4")
      const unknown = yield* Events.retrieve("evt_b")
      assert.strictEqual(known.type, "customer.created")
      if (known.type === "customer.created") assert.strictEqual(known.data.email, "ama@example.com")
      assert.strictEqual(String(unknown.type), "invoice.paid")
      const [request] = yield* recordedRequests
      assert.strictEqual(request!.url, `${BASE}/events/evt_a1b2c3d4`)
    }).pipe(Effect.provide(clientLayer([
      json(200, event),
      json(200, { id: "evt_b", type: "invoice.paid", created_at: "2026-05-24T10:00:01Z", data: { total: 5 } })
    ]))))

  it.effect("listPage sends type and the time window as ISO timestamps", () =>
    Effect.gen(function*() {
      const page = yield* Events.listPage({
        type: "customer.created",
        created_after: DateTime.makeUnsafe("2026-05-24T00:00:00Z"),
        created_before: DateTime.makeUnsafe("2026-05-25T00:00:00Z"),
        limit: 10
      })
      const [request] = yield* recordedRequests
      assert.deepStrictEqual(request!.query, {
        type: "customer.created",
        created_after: "2026-05-24T00:00:00Z",
        created_before: "2026-05-25T00:00:00Z",
        limit: "10"
      })
      assert.strictEqual(page.data[0]!.id, "evt_a1b2c3d4")
    }).pipe(Effect.provide(clientLayer([json(200, pageOf([event], null))]))))

  it.effect("list walks every page with after = next_cursor", () =>
    Effect.gen(function*() {
      const all = yield* Stream.runCollect(Events.list({ limit: 1 }))
      assert.strictEqual(all.length, 2)
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.query), [{ limit: "1" }, { limit: "1", after: "cur_1" }])
    }).pipe(Effect.provide(clientLayer([json(200, pageOf([event], "cur_1")), json(200, pageOf([event], null))]))))

  it.effect("deliveryAttempts streams every page of GET /events/:id/delivery-attempts", () =>
    Effect.gen(function*() {
      const attempts = Array.from(yield* Stream.runCollect(Events.deliveryAttempts("evt_a1b2c3d4", { limit: 1 })))
      assert.deepStrictEqual(attempts.map((a) => a.status), ["failed", "succeeded"])
      assert.deepStrictEqual(readable(attempts[0]!.next_retry_at), "Utc 2026-05-24T10:05:01.000Z")
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.url), [
        `${BASE}/events/evt_a1b2c3d4/delivery-attempts?limit=1`,
        `${BASE}/events/evt_a1b2c3d4/delivery-attempts?limit=1&after=cur_2`
      ])
    }).pipe(Effect.provide(clientLayer([
      json(200, pageOf([attempt("da_1", "failed", "2026-05-24T10:05:01Z")], "cur_2")),
      json(200, pageOf([attempt("da_2", "succeeded", null)], null))
    ]))))

  it.effect("replay POSTs no body with an Idempotency-Key and accepts 202", () =>
    Effect.gen(function*() {
      const replayed = yield* Events.replay("evt_a1b2c3d4", { idempotencyKey: "replay-1" })
      const [request] = yield* recordedRequests
      assert.strictEqual(request!.method, "POST")
      assert.strictEqual(request!.url, `${BASE}/events/evt_a1b2c3d4/replay`)
      assertHeaders(request!, { body: false, idempotencyKey: "replay-1" })
      assert.strictEqual(replayed.id, "evt_a1b2c3d4")
    }).pipe(Effect.provide(clientLayer([json(202, event)]))))

  it.effect("bad ids and limits send nothing", () =>
    Effect.gen(function*() {
      const errors = [
        yield* Effect.flip(Events.retrieve("we_1")),
        yield* Effect.flip(Events.replay("evt_")),
        yield* Effect.flip(Stream.runDrain(Events.deliveryAttempts("evt/1"))),
        yield* Effect.flip(Events.listPage({ limit: 101 }))
      ]
      assert.deepStrictEqual(errors.map((e) => [e._tag, (e as { param?: string }).param]), [
        ["InvalidRequest", "id"],
        ["InvalidRequest", "id"],
        ["InvalidRequest", "id"],
        ["InvalidRequest", "limit"]
      ])
      assert.strictEqual((yield* recordedRequests).length, 0)
    }).pipe(Effect.provide(clientLayer(() => json(200, event)))))

  it.effect("404 → NotFound for retrieve, deliveryAttempts and replay", () =>
    Effect.gen(function*() {
      const tags = [
        (yield* Effect.flip(Events.retrieve("evt_x")))._tag,
        (yield* Effect.flip(Stream.runDrain(Events.deliveryAttempts("evt_x"))))._tag,
        (yield* Effect.flip(Events.replay("evt_x")))._tag
      ]
      assert.deepStrictEqual(tags, ["NotFound", "NotFound", "NotFound"])
    }).pipe(Effect.provide(clientLayer(() => errorAnswer(404, { code: "resource_not_found", message: "No such event" })))))
})
