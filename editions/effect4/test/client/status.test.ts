import { assert, describe, it } from "@effect/vitest"
import { Cause, Duration, Effect, Stream } from "effect"
import {
  ConnectionError,
  Customers,
  Forbidden,
  IdempotencyConflict,
  InvalidRequest,
  NotFound,
  RateLimited,
  ServerError,
  Unauthorized,
  UnexpectedResponse,
  type XtopayClient,
  type XtopayError
} from "../../src/index.js"
import {
  type Answer,
  clientLayer,
  errorAnswer,
  json,
  rawJson,
  recordedRequests,
  text,
  transportFailure
} from "../support/scripted.js"
import { clientCall, functionsOf, operations, someIds } from "../support/operations.js"
import { referenceCustomer } from "./fixtures.js"

const DOC = "https://docs.xtopay.co/errors"

/** Runs `call` against one scripted answer and returns its failure, checking exactly one request went out. */
const failureOf = <A>(call: Effect.Effect<A, XtopayError, XtopayClient>, answer: Answer) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(call)
    const requests = yield* recordedRequests
    assert.strictEqual(requests.length, 1, "maxRetries: 0 means exactly one request")
    return error
  }).pipe(Effect.provide(clientLayer([answer])))

interface StatusCase {
  readonly status: number
  readonly code: string
  readonly param: string | null
  readonly tag: XtopayError["_tag"]
  readonly errorClass: new(...args: Array<any>) => XtopayError
}

const statusCases: ReadonlyArray<StatusCase> = [
  { status: 400, code: "parameter_invalid", param: "email", tag: "InvalidRequest", errorClass: InvalidRequest },
  { status: 400, code: "invalid_phone", param: "phone", tag: "InvalidRequest", errorClass: InvalidRequest },
  { status: 401, code: "invalid_credentials", param: null, tag: "Unauthorized", errorClass: Unauthorized },
  { status: 403, code: "environment_mismatch", param: null, tag: "Forbidden", errorClass: Forbidden },
  { status: 404, code: "customer_not_found", param: "id", tag: "NotFound", errorClass: NotFound },
  { status: 409, code: "idempotency_key_in_use", param: null, tag: "IdempotencyConflict", errorClass: IdempotencyConflict },
  {
    status: 422,
    code: "idempotency_key_mismatch",
    param: null,
    tag: "IdempotencyConflict",
    errorClass: IdempotencyConflict
  },
  { status: 422, code: "email_taken", param: "email", tag: "InvalidRequest", errorClass: InvalidRequest },
  { status: 500, code: "api_error", param: null, tag: "ServerError", errorClass: ServerError },
  { status: 502, code: "api_error", param: null, tag: "ServerError", errorClass: ServerError },
  { status: 503, code: "api_error", param: null, tag: "ServerError", errorClass: ServerError }
]

describe("status → tagged error", () => {
  // PATCH /customers/:id can legitimately answer every status in the reference.
  for (const c of statusCases) {
    it.effect(`${c.status} ${c.code} → ${c.tag}, with code, param, docUrl and requestId`, () =>
      Effect.gen(function*() {
        const error = yield* failureOf(
          Customers.update("cus_a1b2c3", { name: "Ama" }),
          errorAnswer(
            c.status,
            { code: c.code, message: `The message for ${c.code}`, param: c.param, doc_url: `${DOC}#${c.code}` },
            { "x-request-id": `req_${c.status}` }
          )
        )
        assert.instanceOf(error, c.errorClass)
        assert.strictEqual(error._tag, c.tag)
        assert.strictEqual(error.status, c.status)
        assert.strictEqual(error.code, c.code)
        // Xtopay's message, then what its support asks for first: one log line is enough.
        const summary = `The message for ${c.code} [HTTP ${c.status}, ${c.code}, request req_${c.status}]`
        assert.strictEqual(error.message, summary)
        assert.strictEqual(String(error), `${c.tag}: ${summary}`)
        assert.include(Cause.pretty(Cause.fail(error)), `${c.tag}: ${summary}`)
        assert.strictEqual(error.param, c.param ?? undefined)
        assert.strictEqual(error.docUrl, `${DOC}#${c.code}`)
        assert.strictEqual(error.requestId, `req_${c.status}`)
        assert.strictEqual(error.attempts, 1)
      }))
  }

  it.effect("429 → RateLimited with retryAfter from Retry-After in seconds", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(
        Customers.retrieve("cus_a1b2c3"),
        errorAnswer(
          429,
          { code: "rate_limit_exceeded", message: "Too many requests", param: null, doc_url: DOC },
          { "retry-after": "7", "x-request-id": "req_429" }
        )
      )
      assert.instanceOf(error, RateLimited)
      if (error._tag !== "RateLimited") return assert.fail("expected RateLimited")
      assert.strictEqual(error.status, 429)
      assert.strictEqual(error.code, "rate_limit_exceeded")
      assert.strictEqual(error.docUrl, DOC)
      assert.strictEqual(error.requestId, "req_429")
      assert.isDefined(error.retryAfter)
      assert.strictEqual(Duration.toMillis(error.retryAfter!), 7_000)
    }))

  it.effect("429 → RateLimited with retryAfter from a Retry-After HTTP date", () =>
    Effect.gen(function*() {
      // The TestClock stands at the epoch, so this date is 30 seconds away.
      const error = yield* failureOf(
        Customers.listPage(),
        errorAnswer(429, { code: "rate_limit_exceeded", message: "Slow down" }, {
          "retry-after": "Thu, 01 Jan 1970 00:00:30 GMT"
        })
      )
      if (error._tag !== "RateLimited") return assert.fail(`expected RateLimited, got ${error._tag}`)
      assert.strictEqual(Duration.toMillis(error.retryAfter!), 30_000)
    }))

  it.effect("429 without Retry-After → RateLimited with no retryAfter", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(
        Customers.retrieve("cus_a1b2c3"),
        errorAnswer(429, { code: "rate_limit_exceeded", message: "Slow down" })
      )
      if (error._tag !== "RateLimited") return assert.fail(`expected RateLimited, got ${error._tag}`)
      assert.isUndefined(error.retryAfter)
    }))

  it.effect("a 5xx whose body is not the error envelope is still a ServerError with its status and request id", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(
        Customers.retrieve("cus_a1b2c3"),
        text(502, "<html>Bad Gateway</html>", { "content-type": "text/html", "x-request-id": "req_gw" })
      )
      assert.instanceOf(error, ServerError)
      assert.strictEqual(error.status, 502)
      assert.strictEqual(error.requestId, "req_gw")
      assert.isUndefined(error.code)
    }))

  it.effect("each endpoint that can answer 404 maps it to NotFound", () =>
    Effect.gen(function*() {
      const notFound = errorAnswer(404, { code: "customer_not_found", message: "No such customer", param: "customer_id" })
      for (const op of operations.filter((op) => op.notFound)) {
        for (const fn of functionsOf(op)) {
          const error = yield* failureOf(clientCall(op, someIds, fn), notFound)
          assert.strictEqual(error._tag, "NotFound", fn)
          assert.strictEqual(error.code, "customer_not_found")
          assert.strictEqual(error.param, "customer_id")
        }
      }
    }))
})

describe("answers the client cannot use → UnexpectedResponse", () => {
  it.effect("a status the endpoint cannot answer with (404 to Customers.create) keeps its details", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(
        Customers.create({ email: "ama@example.com" }),
        errorAnswer(404, { code: "resource_not_found", message: "No route", doc_url: DOC }, { "x-request-id": "req_odd" })
      )
      assert.instanceOf(error, UnexpectedResponse)
      assert.strictEqual(error.status, 404)
      assert.strictEqual(error.code, "resource_not_found")
      assert.strictEqual(error.docUrl, DOC)
      assert.strictEqual(error.requestId, "req_odd")
    }))

  it.effect("404 to a call that cannot answer it (Customers.listPage, Events.list, …) is unexpected", () =>
    Effect.gen(function*() {
      const notFound = errorAnswer(404, { code: "resource_not_found", message: "No route" })
      for (const op of operations.filter((op) => !op.notFound)) {
        for (const fn of functionsOf(op)) {
          assert.strictEqual((yield* failureOf(clientCall(op, someIds, fn), notFound))._tag, "UnexpectedResponse", fn)
        }
      }
    }))

  it.effect("409 and 422 idempotency_key_mismatch to a request without a key (GET, DELETE) are unexpected", () =>
    Effect.gen(function*() {
      const inUse = errorAnswer(409, { code: "idempotency_key_in_use", message: "In use" })
      const mismatch = errorAnswer(422, { code: "idempotency_key_mismatch", message: "Mismatch" })
      for (const answer of [inUse, mismatch]) {
        for (const op of operations.filter((op) => !op.idempotencyKey)) {
          for (const fn of functionsOf(op)) {
            const error = yield* failureOf(clientCall(op, someIds, fn), answer)
            assert.strictEqual(error._tag, "UnexpectedResponse", fn)
          }
        }
      }
    }))

  it.effect("a 2xx whose body is not JSON", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(
        Customers.create({ email: "ama@example.com" }),
        text(201, "<html>Created</html>", { "x-request-id": "req_html" })
      )
      assert.instanceOf(error, UnexpectedResponse)
      assert.strictEqual(error.status, 201)
      assert.strictEqual(error.requestId, "req_html")
    }))

  it.effect("a 2xx whose JSON is cut short", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(
        Customers.retrieve("cus_a1b2c3"),
        rawJson(200, referenceCustomer.slice(0, 40))
      )
      assert.instanceOf(error, UnexpectedResponse)
    }))

  it.effect("a 2xx of the wrong shape: missing field, wrong type, bad timestamp", () =>
    Effect.gen(function*() {
      const customer = JSON.parse(referenceCustomer)
      const { email: _, ...withoutEmail } = customer
      const shapes = [withoutEmail, { ...customer, email: 42 }, { ...customer, created_at: "yesterday" }, [customer]]
      for (const body of shapes) {
        const error = yield* failureOf(Customers.create({ email: "ama@example.com" }), json(201, body))
        assert.instanceOf(error, UnexpectedResponse)
        assert.strictEqual(error.status, 201)
      }
    }))

  it.effect("an empty 200 where a body is required", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(Customers.retrieve("cus_a1b2c3"), text(200, ""))
      assert.instanceOf(error, UnexpectedResponse)
    }))

  it.effect("a list page of the wrong shape", () =>
    Effect.gen(function*() {
      const error = yield* failureOf(
        Stream.runDrain(Customers.list()),
        json(200, { data: [JSON.parse(referenceCustomer)], pagination: { next_cursor: null } })
      )
      assert.instanceOf(error, UnexpectedResponse)
    }))
})

describe("every endpoint, whatever the answer, fails only with its own tagged errors", () => {
  const calls = operations.flatMap((op) => functionsOf(op).map((fn) => [fn, clientCall(op, someIds, fn)] as const))

  for (const [name, call] of calls) {
    it.effect(`${name}: a transport failure → ConnectionError`, () =>
      Effect.gen(function*() {
        const error = yield* failureOf(call, transportFailure())
        assert.instanceOf(error, ConnectionError)
        if (error._tag !== "ConnectionError") return
        assert.strictEqual(error.reason, "Transport")
        assert.strictEqual(error.attempts, 1)
        assert.isUndefined(error.status)
      }))

    it.effect(`${name}: 401 → Unauthorized, 403 → Forbidden, 500 → ServerError`, () =>
      Effect.gen(function*() {
        const pairs = [[401, "Unauthorized"], [403, "Forbidden"], [500, "ServerError"]] as const
        for (const [status, tag] of pairs) {
          const error = yield* failureOf(
            call,
            errorAnswer(status, { code: "x", message: "m" }, { "x-request-id": `req_${status}` })
          )
          assert.strictEqual(error._tag, tag)
          assert.strictEqual(error.requestId, `req_${status}`)
        }
      }))

    it.effect(`${name}: a non-JSON 200 → UnexpectedResponse`, () =>
      Effect.gen(function*() {
        const error = yield* failureOf(call, text(200, "OK"))
        assert.instanceOf(error, UnexpectedResponse)
      }))
  }
})
