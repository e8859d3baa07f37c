/**
 * Which failures are retried, how often, and with which Idempotency-Key.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schema, Stream } from "effect"
import { Customers, PaymentMethods, XtopayClient, type XtopayError } from "../../src/index.js"
import {
  answer,
  apiError,
  bodyCut,
  customer,
  customerDetails,
  json,
  networkFailure,
  runOnTestClock,
  scripted,
  type Step,
  stall
} from "./support.js"

/** The one error of a failed exit (a defect fails the test with its message). */
const errorOf = <A>(exit: Exit.Exit<A, XtopayError>): XtopayError => {
  if (Exit.isSuccess(exit)) return assert.fail("expected the call to fail")
  const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (error === undefined) return assert.fail(`expected one failure, got ${String(exit.cause)}`)
  return error
}

const retrieve = (steps: ReadonlyArray<Step>, options: Parameters<typeof scripted>[1] = {}) => {
  const script = scripted(steps, options)
  return Effect.map(
    runOnTestClock(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer))),
    (exit) => ({ exit, requests: script.requests })
  )
}

describe("what is retried", () => {
  const retried: ReadonlyArray<readonly [string, Step, XtopayError["_tag"]]> = [
    ["a network failure", networkFailure(), "ConnectionError"],
    ["a body cut off mid-way", bodyCut(), "ConnectionError"],
    ["a body that stalls past the timeout", stall(), "ConnectionError"],
    ["408", apiError(408, "request_timeout"), "ConnectionError"],
    ["429", apiError(429, "rate_limit_exceeded"), "RateLimited"],
    ["500", apiError(500, "api_error"), "ServerError"],
    ["502", answer(502, "<html>Bad gateway</html>"), "ServerError"],
    ["503", apiError(503, "api_error"), "ServerError"],
    ["504", answer(504), "ServerError"]
  ]

  for (const [name, step, tag] of retried) {
    it.effect(`${name} is retried, and a later success is returned`, () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* retrieve([step, json(200, customerDetails())])
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        assert.strictEqual(requests.length, 2)
      }))

    it.effect(`${name} every time: 3 attempts by default, and the error says so`, () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* retrieve([step, step, step])
        const error = errorOf(exit)
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(error.attempts, 3)
        assert.strictEqual(requests.length, 3)
      }))
  }

  it.effect("409 idempotency_key_in_use is retried with the same key until the first request has finished", () =>
    Effect.gen(function*() {
      const script = scripted([
        apiError(409, "idempotency_key_in_use"),
        json(200, customer(), { "idempotency-replayed": "true" })
      ])
      const exit = yield* runOnTestClock(
        Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(script.layer))
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(script.requests.length, 2)
      assert.strictEqual(script.requests[0]?.headers["idempotency-key"], script.requests[1]?.headers["idempotency-key"])
    }))
})

describe("what is never retried", () => {
  const once: ReadonlyArray<readonly [string, Step, XtopayError["_tag"]]> = [
    ["400", apiError(400, "parameter_invalid"), "InvalidRequest"],
    ["401", apiError(401, "invalid_credentials"), "Unauthorized"],
    ["403", apiError(403, "insufficient_scope"), "Forbidden"],
    ["404", apiError(404, "customer_not_found"), "NotFound"],
    ["422", apiError(422, "parameter_invalid"), "InvalidRequest"],
    ["501", apiError(501, "not_implemented"), "ServerError"],
    ["505", answer(505), "ServerError"],
    ["a 200 whose body is not JSON", answer(200, "{\"id\": \"cus_a1"), "UnexpectedResponse"],
    ["a 200 whose body has the wrong shape", json(200, { id: 5 }), "UnexpectedResponse"],
    ["a 302", answer(302, "", { location: "https://elsewhere.example/customers" }), "UnexpectedResponse"]
  ]

  for (const [name, step, tag] of once) {
    it.effect(`${name} is sent once and fails with ${tag}`, () =>
      Effect.gen(function*() {
        const { exit, requests } = yield* retrieve([step])
        const error = errorOf(exit)
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(error.attempts, 1)
        assert.strictEqual(requests.length, 1)
      }))
  }

  it.effect("422 idempotency_key_mismatch (and a 409 carrying it) is not retried", () =>
    Effect.gen(function*() {
      for (const status of [422, 409]) {
        const script = scripted([apiError(status, "idempotency_key_mismatch")])
        const exit = yield* runOnTestClock(
          Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(script.layer))
        )
        const error = errorOf(exit)
        assert.strictEqual(error._tag, "IdempotencyConflict")
        assert.strictEqual(error.status, status)
        assert.strictEqual(script.requests.length, 1)
      }
    }))
})

describe("how many attempts", () => {
  it.effect("per client: maxRetries 5 makes 6 attempts", () =>
    Effect.gen(function*() {
      const fail = apiError(503, "api_error")
      const { exit, requests } = yield* retrieve(Array.from({ length: 6 }, () => fail), { maxRetries: 5 })
      assert.strictEqual(errorOf(exit).attempts, 6)
      assert.strictEqual(requests.length, 6)
    }))

  it.effect("per client: maxRetries 0 makes one attempt", () =>
    Effect.gen(function*() {
      const { exit, requests } = yield* retrieve([networkFailure()], { maxRetries: 0 })
      assert.strictEqual(errorOf(exit)._tag, "ConnectionError")
      assert.strictEqual(requests.length, 1)
    }))

  it.effect("per request: options.maxRetries 0 overrides the client's", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(503, "api_error")])
      const exit = yield* runOnTestClock(
        Customers.create({ email: "ama@example.com" }, { maxRetries: 0 }).pipe(Effect.provide(script.layer))
      )
      const error = errorOf(exit)
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.attempts, 1)
      assert.strictEqual(script.requests.length, 1)
    }))

  it.effect("per request: options.maxRetries can also raise a client's 0", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(500, "api_error"), apiError(500, "api_error"), json(201, customer())], {
        maxRetries: 0
      })
      const exit = yield* runOnTestClock(
        Customers.create({ email: "ama@example.com" }, { maxRetries: 2 }).pipe(Effect.provide(script.layer))
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(script.requests.length, 3)
    }))

  it.effect("per request: calls that send no body take maxRetries too (retrieve, and every page of list)", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(503, "api_error"), apiError(503, "api_error")])
      const exit = yield* runOnTestClock(
        Customers.retrieve("cus_a1b2c3", { maxRetries: 0 }).pipe(Effect.provide(script.layer))
      )
      assert.strictEqual(errorOf(exit).attempts, 1)
      assert.strictEqual(script.requests.length, 1)
      const listed = yield* runOnTestClock(
        Stream.runDrain(Customers.list({}, { maxRetries: 0 })).pipe(Effect.provide(script.layer))
      )
      assert.strictEqual(errorOf(listed)._tag, "ServerError")
      assert.strictEqual(script.requests.length, 2)
    }))

  it.effect("a bad per-request maxRetries fails with InvalidRequest before anything is sent", () =>
    Effect.gen(function*() {
      for (const maxRetries of [-1, 1.5, Number.NaN]) {
        const script = scripted([])
        const error = yield* Customers.create({ email: "ama@example.com" }, { maxRetries }).pipe(
          Effect.provide(script.layer),
          Effect.flip
        )
        assert.strictEqual(error._tag, "InvalidRequest")
        assert.strictEqual(error.param, "maxRetries")
        assert.strictEqual(script.requests.length, 0)
      }
    }))

  it.effect("the attempt count is reported on an error that ends a retried call", () =>
    Effect.gen(function*() {
      const { exit } = yield* retrieve([apiError(503, "api_error"), apiError(404, "customer_not_found")])
      const error = errorOf(exit)
      assert.strictEqual(error._tag, "NotFound")
      assert.strictEqual(error.attempts, 2)
    }))
})

describe("idempotency keys", () => {
  it.effect("a create sends the same generated Idempotency-Key on every attempt", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(503, "api_error"), networkFailure(), json(201, customer())])
      const exit = yield* runOnTestClock(
        Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(script.layer))
      )
      assert.isTrue(Exit.isSuccess(exit))
      const keys = script.requests.map((request) => request.headers["idempotency-key"])
      assert.strictEqual(keys.length, 3)
      assert.match(keys[0] ?? "", /^xtopay-effect-[0-9a-f-]{36}$/)
      assert.deepStrictEqual(new Set(keys).size, 1)
      assert.deepStrictEqual(new Set(script.requests.map((request) => request.bodyText)).size, 1)
    }))

  it.effect("an update (PATCH) carries a key too, the same on every attempt", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(502, "api_error"), json(200, customer())])
      const exit = yield* runOnTestClock(
        Customers.update("cus_a1b2c3", { name: "Ama" }).pipe(Effect.provide(script.layer))
      )
      assert.isTrue(Exit.isSuccess(exit))
      const keys = script.requests.map((request) => request.headers["idempotency-key"])
      assert.isDefined(keys[0])
      assert.strictEqual(keys[0], keys[1])
    }))

  it.effect("a caller's key is sent as given on every attempt", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(500, "api_error"), json(201, customer())])
      const exit = yield* runOnTestClock(
        Customers.create({ email: "ama@example.com" }, { idempotencyKey: "order-1234-customer" }).pipe(
          Effect.provide(script.layer)
        )
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(script.requests.map((request) => request.headers["idempotency-key"]), [
        "order-1234-customer",
        "order-1234-customer"
      ])
    }))

  it.effect("two calls get two different keys", () =>
    Effect.gen(function*() {
      const script = scripted([json(201, customer()), json(201, customer("cus_d4e5f6"))])
      yield* Effect.all([
        Customers.create({ email: "ama@example.com" }),
        Customers.create({ email: "ama@example.com" })
      ]).pipe(Effect.provide(script.layer))
      const [first, second] = script.requests.map((request) => request.headers["idempotency-key"])
      assert.notStrictEqual(first, second)
    }))

  it.effect("running the same request effect twice is two calls: two keys, even through XtopayClient.execute", () =>
    Effect.gen(function*() {
      const script = scripted([json(201, customer()), json(201, customer("cus_d4e5f6"))])
      const client = yield* Effect.provide(XtopayClient, script.layer)
      const once = client.execute({
        method: "POST",
        route: "/customers",
        path: "/customers",
        body: { email: "ama@example.com" },
        response: Schema.Unknown,
        idempotencyKey: true,
        notFound: false
      })
      yield* once
      yield* once
      const [first, second] = script.requests.map((request) => request.headers["idempotency-key"])
      assert.isDefined(first)
      assert.notStrictEqual(first, second)
    }))

  it.effect("GET and DELETE carry no key, and are retried as they are safe to repeat", () =>
    Effect.gen(function*() {
      const script = scripted([
        apiError(503, "api_error"),
        json(200, { id: "cus_a1b2c3", deleted: true }),
        apiError(500, "api_error"),
        json(200, {
          id: "pm_a1b2c3",
          customer_id: null,
          type: "card",
          card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
          mobile_money: null,
          created_at: "2026-05-24T10:00:00Z"
        })
      ])
      const exit = yield* runOnTestClock(
        Effect.zip(Customers.delete("cus_a1b2c3"), PaymentMethods.detach("pm_a1b2c3")).pipe(
          Effect.provide(script.layer)
        )
      )
      assert.isTrue(Exit.isSuccess(exit), String(exit))
      assert.deepStrictEqual(script.requests.map((request) => request.method), ["DELETE", "DELETE", "DELETE", "DELETE"])
      assert.isTrue(script.requests.every((request) => request.headers["idempotency-key"] === undefined))
    }))
})
