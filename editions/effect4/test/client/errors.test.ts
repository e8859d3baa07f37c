/**
 * Status → tagged error through the whole request path: a fault plan makes the in-memory Xtopay
 * answer each status, and the endpoint fails with the tag core's table gives, with the code and
 * request id read from the answer; a status an endpoint cannot answer with is `UnexpectedResponse`.
 */
import * as Api from "#core/api.js"
import { tagForStatus } from "#core/errors.js"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { Customers, XtopayControl, XtopayTest, XtopayTestWith } from "../../src/index.js"
import { clientCall, makeWorld, operations } from "../support/operations.js"

const statusCases = [
  { status: 400, code: "parameter_invalid" },
  { status: 401, code: "invalid_credentials" },
  { status: 403, code: "environment_mismatch" },
  { status: 404, code: "customer_not_found" },
  { status: 409, code: "idempotency_key_in_use" },
  { status: 422, code: "idempotency_key_mismatch" },
  { status: 422, code: "email_taken" },
  { status: 429, code: "rate_limit_exceeded" },
  { status: 500, code: "api_error" },
  { status: 502, code: "api_error" },
  { status: 503, code: "api_error" },
  { status: 501, code: "api_error" }
] as const

describe("status → tagged error (a fault plan, no retries)", () => {
  // PATCH /customers/:id can legitimately answer every status in the reference.
  for (const c of statusCases) {
    it.effect(`${c.status} ${c.code} → ${tagForStatus(c.status, c.code)}, with status, code, request id and one attempt`, () =>
      Effect.gen(function*() {
        const control = yield* XtopayControl
        const ama = yield* Customers.create({ email: "ama@example.com" })
        yield* control.injectFaults({
          times: 1,
          route: "PATCH /customers/:id",
          fault: { _tag: "Status", status: c.status, code: c.code, message: `The message for ${c.code}` }
        })
        const error = yield* Effect.flip(Customers.update(ama.id, { name: "Ama" }, { maxRetries: 0 }))
        assert.strictEqual(error._tag, tagForStatus(c.status, c.code))
        assert.strictEqual(error.status, c.status)
        assert.strictEqual(error.code, c.code)
        assert.strictEqual(error.attempts, 1)
        assert.match(error.requestId ?? "", /^req_/)
        assert.include(error.message, `The message for ${c.code}`)
      }).pipe(Effect.provide(XtopayTest)))
  }

  it.effect("a 429 carries the server's wait as retryAfter", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "RateLimit", retryAfterSeconds: 7 } })
      const error = yield* Effect.flip(Customers.listPage({}, { maxRetries: 0 }))
      assert.strictEqual(error._tag, "RateLimited")
      assert.strictEqual(error.retryAfter !== undefined ? Duration.toMillis(error.retryAfter) : undefined, 7000)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a dropped connection is a ConnectionError (Transport); a body cut mid-way one with reason BodyCut", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults(
        { times: 1, fault: { _tag: "Drop", when: "before-headers" } },
        { times: 1, fault: { _tag: "Drop", when: "mid-body" } }
      )
      const before = yield* Effect.flip(Customers.listPage({}, { maxRetries: 0 }))
      assert.strictEqual(before._tag, "ConnectionError")
      assert.strictEqual(before._tag === "ConnectionError" ? before.reason : undefined, "Transport")
      const midBody = yield* Effect.flip(Customers.listPage({}, { maxRetries: 0 }))
      assert.strictEqual(midBody._tag, "ConnectionError")
      assert.strictEqual(midBody._tag === "ConnectionError" ? midBody.reason : undefined, "BodyCut")
      assert.strictEqual(midBody.status, 200)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a complete answer whose JSON is cut short is UnexpectedResponse", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "TruncatedJson" } })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }, { maxRetries: 0 }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "not JSON")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("bad input is InvalidRequest naming the field, and nothing is sent", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const error = yield* Effect.flip(Customers.create({ email: "not an email" }))
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.param, "email")
      assert.isUndefined(error.status)
      const missing = yield* Effect.flip(Customers.create({} as never))
      assert.strictEqual(missing.code, "parameter_missing")
      const badId = yield* Effect.flip(Customers.retrieve("../etc"))
      assert.strictEqual(badId.param, "id")
      assert.lengthOf(yield* control.requests, 0)
    }).pipe(Effect.provide(XtopayTest)))
})

describe("statuses an operation cannot answer with", () => {
  for (const op of operations) {
    const foreign = [
      ...(op.notFound ? [] : [{ status: 404, code: "resource_missing" }]),
      ...(op.idempotencyKey ? [] : [{ status: 409, code: "idempotency_key_in_use" }])
    ]
    for (const answer of foreign) {
      it.effect(`${op.fn} answered ${answer.status} → UnexpectedResponse keeping status and code`, () =>
        Effect.gen(function*() {
          const world = yield* makeWorld
          const control = yield* XtopayControl
          yield* control.injectFaults({ times: 1, route: Api.routeKey(op), fault: { _tag: "Status", ...answer } })
          const error = yield* Effect.flip(clientCall(op, world))
          assert.strictEqual(error._tag, "UnexpectedResponse")
          assert.strictEqual(error.status, answer.status)
          assert.strictEqual(error.code, answer.code)
        }).pipe(Effect.provide(XtopayTestWith({ maxRetries: 0 }))))
    }
  }
})
