import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CustomerPortal, SetupIntents } from "../../src/index.js"
import { clientLayer, rawJson, recordedRequests } from "../support/scripted.js"
import { assertHeaders, at, BASE, readable } from "./expectations.js"
import { referencePortalSession, referenceSetupIntent } from "./fixtures.js"

const decodedSetupIntent = {
  id: "si_a1b2c3",
  customer_id: "cus_a1b2c3",
  setup_url: "https://checkout.xtopay.co/setup/tok_xyz",
  expires_at: at("2026-05-24T10:30:00Z")
}

const decodedPortalSession = {
  id: "cps_a1b2c3",
  url: "https://billing.xtopay.co/portal/sess_xyz",
  expires_at: at("2026-05-24T10:30:00Z")
}

describe("SetupIntents.create", () => {
  it.effect("POSTs { customer_id } to /setup-intents with a generated Idempotency-Key and decodes the reference's answer", () =>
    Effect.gen(function*() {
      const intent = yield* SetupIntents.create({ customer_id: "cus_a1b2c3" })
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "POST")
      assert.strictEqual(request!.url, `${BASE}/setup-intents`)
      assertHeaders(request!, { body: true, idempotencyKey: "generated" })
      assert.deepStrictEqual(request!.body, { customer_id: "cus_a1b2c3" })
      assert.deepStrictEqual(readable(intent), decodedSetupIntent)
    }).pipe(Effect.provide(clientLayer([rawJson(201, referenceSetupIntent)]))))

  it.effect("sends the caller's idempotencyKey", () =>
    Effect.gen(function*() {
      yield* SetupIntents.create({ customer_id: "cus_a1b2c3" }, { idempotencyKey: "si-for-order-7" })
      const [request] = yield* recordedRequests
      assertHeaders(request!, { body: true, idempotencyKey: "si-for-order-7" })
    }).pipe(Effect.provide(clientLayer([rawJson(201, referenceSetupIntent)]))))

  it.effect("decodes a replayed create (200 with Idempotency-Replayed: true) like the original 201", () =>
    Effect.gen(function*() {
      const replayed = yield* SetupIntents.create({ customer_id: "cus_a1b2c3" }, { idempotencyKey: "k" })
      assert.deepStrictEqual(readable(replayed), decodedSetupIntent)
    }).pipe(Effect.provide(clientLayer([
      rawJson(200, referenceSetupIntent, { "idempotency-replayed": "true" })
    ]))))
})

describe("CustomerPortal.createSession", () => {
  it.effect("POSTs { customer_id, return_url } to /customer-portal/sessions and decodes the reference's answer", () =>
    Effect.gen(function*() {
      const session = yield* CustomerPortal.createSession({
        customer_id: "cus_a1b2c3",
        return_url: "https://shop.example.com/account?tab=billing"
      })
      const [request, ...rest] = yield* recordedRequests
      assert.strictEqual(rest.length, 0)
      assert.strictEqual(request!.method, "POST")
      assert.strictEqual(request!.url, `${BASE}/customer-portal/sessions`)
      assertHeaders(request!, { body: true, idempotencyKey: "generated" })
      assert.deepStrictEqual(request!.body, {
        customer_id: "cus_a1b2c3",
        return_url: "https://shop.example.com/account?tab=billing"
      })
      assert.deepStrictEqual(readable(session), decodedPortalSession)
    }).pipe(Effect.provide(clientLayer([rawJson(201, referencePortalSession)]))))

  it.effect("sends the caller's idempotencyKey, and accepts an http return_url", () =>
    Effect.gen(function*() {
      yield* CustomerPortal.createSession(
        { customer_id: "cus_a1b2c3", return_url: "http://localhost:3000/back" },
        { idempotencyKey: "portal-1" }
      )
      const [request] = yield* recordedRequests
      assertHeaders(request!, { body: true, idempotencyKey: "portal-1" })
      assert.deepStrictEqual(request!.body, { customer_id: "cus_a1b2c3", return_url: "http://localhost:3000/back" })
    }).pipe(Effect.provide(clientLayer([rawJson(201, referencePortalSession)]))))

  it.effect("decodes a replayed create (200 with Idempotency-Replayed: true) like the original 201", () =>
    Effect.gen(function*() {
      const replayed = yield* CustomerPortal.createSession(
        { customer_id: "cus_a1b2c3", return_url: "https://shop.example.com" },
        { idempotencyKey: "k" }
      )
      assert.deepStrictEqual(readable(replayed), decodedPortalSession)
    }).pipe(Effect.provide(clientLayer([
      rawJson(200, referencePortalSession, { "idempotency-replayed": "true" })
    ]))))
})
