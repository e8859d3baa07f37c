import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Exit, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { Customers, XtopayControl, XtopayTest, XtopayTestWith } from "../../src/index.js"
import { send } from "./support.js"

const noRetries = XtopayTestWith({ maxRetries: 0 })

describe("in-memory Xtopay: injected faults", () => {
  it.effect("a plan whose route names no operation is refused with the routes, not kept to never fire", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const exit = yield* Effect.exit(control.injectFaults({ times: 1, route: "GET /customer", fault: { _tag: "Stall" } }))
      assert.isTrue(Exit.isFailure(exit))
      assert.include(String(Exit.isFailure(exit) ? exit.cause : ""), "GET /customers/:id")
      // Nothing was added: the request meets no fault.
      assert.strictEqual((yield* send("GET", "/customers")).status, 200)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a Status fault answers that status with the reference's error body, and does nothing", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Status", status: 503 } })
      const answer = yield* send("POST", "/customers", { body: `{"email":"a@b.co"}` })
      assert.strictEqual(answer.status, 503)
      assert.strictEqual(answer.json.error.code, "api_error")
      assert.isString(answer.json.error.message)
      assert.strictEqual(answer.json.error.param, null)
      assert.match(answer.headers["x-request-id"] ?? "", /^req_/)
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 0)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("the client retries 5xx faults and succeeds once they are used up", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 2, route: "POST /customers", fault: { _tag: "Status", status: 500 } })
      const fiber = yield* Effect.forkChild(Customers.create({ email: "a@b.co" }))
      yield* TestClock.adjust("10 seconds")
      const customer = yield* Fiber.join(fiber)
      const requests = yield* control.requests
      assert.strictEqual(requests.length, 3)
      assert.strictEqual((yield* Customers.retrieve(customer.id)).email, "a@b.co")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a Status fault may name its code and message", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({
        times: 1,
        fault: { _tag: "Status", status: 403, code: "insufficient_scope", message: "Read-only key" }
      })
      const error = yield* Effect.flip(Customers.create({ email: "a@b.co" }))
      assert.strictEqual(error._tag, "Forbidden")
      assert.strictEqual(error.code, "insufficient_scope")
      assert.match(error.message, /^Read-only key \[HTTP 403, insufficient_scope, request req_\w+\]$/)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a fault for one route leaves the others alone, by template or by concrete path", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const kofi = yield* Customers.create({ email: "kofi@example.com" })
      yield* control.injectFaults(
        { times: 1, route: "POST /customers", fault: { _tag: "Status", status: 400 } },
        { times: 1, route: `GET /customers/${kofi.id}`, fault: { _tag: "Status", status: 404 } }
      )
      assert.strictEqual((yield* Customers.retrieve(ama.id)).id, ama.id)
      assert.strictEqual((yield* Effect.flip(Customers.retrieve(kofi.id)))._tag, "NotFound")
      assert.strictEqual((yield* Customers.retrieve(kofi.id)).id, kofi.id)
      assert.strictEqual((yield* Effect.flip(Customers.create({ email: "x@y.co" })))._tag, "InvalidRequest")
      assert.strictEqual((yield* Customers.create({ email: "x@y.co" })).email, "x@y.co")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a RateLimit fault is a 429 with Retry-After; the client's RateLimited carries it", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 2, fault: { _tag: "RateLimit", retryAfterSeconds: 7 } })
      const answer = yield* send("GET", "/customers")
      assert.strictEqual(answer.status, 429)
      assert.strictEqual(answer.headers["retry-after"], "7")
      assert.strictEqual(answer.json.error.code, "rate_limit_exceeded")
      const error = yield* Effect.flip(Customers.listPage())
      assert.strictEqual(error._tag, "RateLimited")
      assert.strictEqual(error._tag === "RateLimited" ? Duration.toMillis(error.retryAfter!) : undefined, 7_000)
    }).pipe(Effect.provide(noRetries)))

  it.effect("Drop before the headers is a ConnectionError Transport; the work was done", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Drop", when: "before-headers" } })
      const error = yield* Effect.flip(Customers.create({ email: "a@b.co" }))
      assert.strictEqual(error._tag === "ConnectionError" ? error.reason : error._tag, "Transport")
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
    }).pipe(Effect.provide(noRetries)))

  it.effect("Drop mid-body is a ConnectionError BodyCut carrying the status", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Drop", when: "mid-body" } })
      const error = yield* Effect.flip(Customers.listPage())
      assert.strictEqual(error._tag === "ConnectionError" ? error.reason : error._tag, "BodyCut")
      assert.strictEqual(error.status, 200)
      assert.match(error.requestId ?? "", /^req_/)
    }).pipe(Effect.provide(noRetries)))

  // The in-memory transport enforces the deadline itself (handed over, or read from the fiber when
  // the attempt is traced); under the user's `transformClient` the request path's race does.
  for (const [via, layer] of [
    ["the in-memory transport's deadline", noRetries],
    ["the in-memory transport's deadline, traced attempts", XtopayTestWith({ maxRetries: 0, attemptSpans: true })],
    ["the request path's race (a transformClient)", XtopayTestWith({ maxRetries: 0, transformClient: (client) => client })]
  ] as const) {
    it.effect(`Stall sends headers then nothing: the client's timeout ends the attempt (${via})`, () =>
      Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* control.injectFaults({ times: 1, fault: { _tag: "Stall" } })
        const fiber = yield* Effect.forkChild(Customers.listPage())
        yield* TestClock.adjust("29 seconds")
        assert.isTrue(Option.isNone(Option.fromNullishOr(fiber.pollUnsafe())))
        yield* TestClock.adjust("1 seconds")
        const exit = yield* Fiber.await(fiber)
        assert.isTrue(Exit.isFailure(exit))
        const error = yield* Effect.flip(exit)
        assert.strictEqual(error._tag === "ConnectionError" ? error.reason : error._tag, "Timeout")
      }).pipe(Effect.provide(layer)))
  }

  it.effect("a stalled body can be interrupted", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Stall" } })
      const fiber = yield* Effect.forkChild(Customers.listPage())
      yield* TestClock.adjust("1 seconds")
      yield* Fiber.interrupt(fiber)
      assert.isTrue(Exit.hasInterrupts(yield* Fiber.await(fiber)))
    }).pipe(Effect.provide(noRetries)))

  it.effect("TruncatedJson is a complete answer whose JSON is cut: UnexpectedResponse", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 2, fault: { _tag: "TruncatedJson" } })
      const answer = yield* send("GET", "/customers")
      assert.strictEqual(answer.status, 200)
      assert.isUndefined(answer.json)
      assert.isTrue(answer.text.startsWith(`{"data":[],"pagination":{`))
      const error = yield* Effect.flip(Customers.create({ email: "a@b.co" }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(error.status, 201)
    }).pipe(Effect.provide(noRetries)))

  it.effect("Delay holds the answer back on the Clock", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Delay", millis: 1_000 } })
      const fiber = yield* Effect.forkChild(Customers.create({ email: "a@b.co" }))
      yield* TestClock.adjust("999 millis")
      assert.isTrue(Option.isNone(Option.fromNullishOr(fiber.pollUnsafe())))
      yield* TestClock.adjust("1 millis")
      assert.strictEqual((yield* Fiber.join(fiber)).email, "a@b.co")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a Delay longer than the timeout ends the attempt at the timeout; the work goes on", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, fault: { _tag: "Delay", millis: 60_000 } })
      const fiber = yield* Effect.forkChild(Customers.create({ email: "a@b.co" }, { timeout: "2 seconds" }))
      yield* TestClock.adjust("1999 millis")
      assert.isTrue(Option.isNone(Option.fromNullishOr(fiber.pollUnsafe())))
      yield* TestClock.adjust("1 millis")
      const error = yield* Effect.flip(Fiber.join(fiber))
      assert.strictEqual(error._tag === "ConnectionError" ? error.reason : error._tag, "Timeout")
      assert.match(error.message, /timed out after 2s/)
      // The server finishes what it began: the customer exists once its delay is over.
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 0)
      yield* TestClock.adjust("58 seconds")
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
    }).pipe(Effect.provide(noRetries)))

  it.effect("a stalled body's timeout counts from the attempt's start, each attempt anew", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 1, route: "GET /customers", fault: { _tag: "Stall" } })
      const fiber = yield* Effect.forkChild(Customers.listPage({}, { timeout: "3 seconds", maxRetries: 1 }))
      yield* TestClock.adjust("2999 millis")
      assert.strictEqual((yield* control.requests).length, 1)
      yield* TestClock.adjust("1 millis")
      // The retry's backoff (at most a few seconds), then a second attempt the fault no longer meets.
      yield* TestClock.adjust("30 seconds")
      assert.deepStrictEqual((yield* Fiber.join(fiber)).data, [])
      assert.strictEqual((yield* control.requests).length, 2)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("faults given as options apply from the first request; clearFaults removes pending ones", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      assert.strictEqual((yield* Effect.flip(Customers.listPage()))._tag, "ServerError")
      yield* control.clearFaults
      assert.deepStrictEqual((yield* Customers.listPage()).data, [])
    }).pipe(Effect.provide(
      XtopayTestWith({ maxRetries: 0, faults: [{ times: 5, fault: { _tag: "Status", status: 502 } }] })
    )))
})

describe("in-memory Xtopay: faults on a share of the traffic (every)", () => {
  const statuses = (count: number, path = "/customers") =>
    Effect.forEach(Array.from({ length: count }), () => Effect.map(send("GET", path), (answer) => answer.status))

  it.effect("every: k faults the k-th, 2k-th, … matching request, times times in all; other routes do not count", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults({ times: 2, every: 3, route: "GET /customers", fault: { _tag: "Status", status: 503 } })
      assert.deepStrictEqual(yield* statuses(2), [200, 200])
      // Requests to another route are not offered to the plan.
      assert.deepStrictEqual(yield* statuses(3, "/customers/cus_missing"), [404, 404, 404])
      assert.deepStrictEqual(yield* statuses(8), [503, 200, 200, 503, 200, 200, 200, 200])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("what an every plan skips goes on to the plans after it: a deterministic mix", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.injectFaults(
        { times: Infinity, every: 2, fault: { _tag: "Status", status: 500 } },
        { times: Infinity, every: 2, fault: { _tag: "Status", status: 502 } },
        { times: 1, fault: { _tag: "RateLimit", retryAfterSeconds: 3 } }
      )
      // The first is skipped by both every plans and taken by the plain one; then the 500 plan
      // takes the even requests, the 502 plan every other odd one, and the rest go through.
      assert.deepStrictEqual(yield* statuses(10), [429, 500, 502, 500, 200, 500, 502, 500, 200, 500])
      yield* control.clearFaults
      assert.deepStrictEqual(yield* statuses(2), [200, 200])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("eight plans of every: 36 fault a fifth of the requests, each kind as often, the same on every run", () =>
    Effect.gen(function*() {
      const kinds = [500, 502, 503, 504, 500, 502, 503, 504]
      const run = Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* control.injectFaults(
          ...kinds.map((status) => ({ times: Infinity, every: 36, fault: { _tag: "Status" as const, status } }))
        )
        return yield* statuses(720)
      }).pipe(Effect.provide(XtopayTest))
      const seen = yield* run
      const faulted = seen.filter((status) => status !== 200).length
      // 1 − (35/36)⁸ ≈ 20.2%.
      assert.isTrue(faulted >= 140 && faulted <= 150, `${faulted} of 720 faulted`)
      for (const status of [500, 502, 503, 504]) {
        const count = seen.filter((s) => s === status).length
        assert.isTrue(count >= 30 && count <= 42, `${count} answers ${status}`)
      }
      assert.deepStrictEqual(yield* run, seen)
    }))
})

describe("in-memory Xtopay: rate limit", () => {
  it.effect("K requests per window, then 429 rate_limit_exceeded with Retry-After until the window ends", () =>
    Effect.gen(function*() {
      for (let i = 0; i < 3; i++) yield* Customers.listPage()
      const answer = yield* send("GET", "/customers")
      assert.strictEqual(answer.status, 429)
      assert.strictEqual(answer.json.error.code, "rate_limit_exceeded")
      assert.strictEqual(answer.headers["retry-after"], "10")
      yield* TestClock.adjust("4 seconds")
      const error = yield* Effect.flip(Customers.listPage())
      assert.strictEqual(error._tag, "RateLimited")
      assert.strictEqual(error._tag === "RateLimited" ? Duration.toMillis(error.retryAfter!) : undefined, 6_000)
      yield* TestClock.adjust("6 seconds")
      assert.deepStrictEqual((yield* Customers.listPage()).data, [])
    }).pipe(Effect.provide(XtopayTestWith({ maxRetries: 0, rateLimit: { requests: 3, window: "10 seconds" } }))))

  it.effect("the window slides: a request leaves it `window` after it was let through, not when a fixed window ends", () =>
    Effect.gen(function*() {
      yield* Customers.listPage()
      yield* TestClock.adjust("6 seconds")
      yield* Customers.listPage()
      yield* TestClock.adjust("4500 millis")
      // A fixed window begun at 0 s would have room for two again at 10.5 s; the sliding one has
      // room for one, since the request of 6 s is still in it until 16 s.
      yield* Customers.listPage()
      const refused = yield* send("GET", "/customers")
      assert.strictEqual(refused.status, 429)
      assert.strictEqual(refused.headers["retry-after"], "6")
      yield* TestClock.adjust("5500 millis")
      assert.deepStrictEqual((yield* Customers.listPage()).data, [])
    }).pipe(Effect.provide(XtopayTestWith({ maxRetries: 0, rateLimit: { requests: 2, window: "10 seconds" } }))))

  it.effect("the client waits out Retry-After and gets through", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.setRateLimit({ requests: 1, window: "2 seconds" })
      yield* Customers.listPage()
      const fiber = yield* Effect.forkChild(Customers.listPage())
      yield* TestClock.adjust("2 seconds")
      assert.deepStrictEqual((yield* Fiber.join(fiber)).data, [])
      assert.strictEqual((yield* control.requests).length, 3)
      yield* control.setRateLimit(undefined)
      for (let i = 0; i < 10; i++) yield* Customers.listPage()
    }).pipe(Effect.provide(XtopayTest)))
})

describe("in-memory Xtopay: recorded requests and request ids", () => {
  it.effect("records method, path, query, headers and body, with Authorization redacted; clearRequests empties", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "rec-1" })
      yield* Customers.listPage({ limit: 5, email: "ama@example.com" })
      yield* Customers.retrieve(ama.id)
      const [create, list, retrieve] = yield* control.requests
      assert.strictEqual(create!.method, "POST")
      assert.strictEqual(create!.path, "/customers")
      assert.strictEqual(create!.route, "POST /customers")
      assert.strictEqual(create!.account, "cid_test_default")
      assert.deepStrictEqual(JSON.parse(create!.body), { email: "ama@example.com" })
      assert.strictEqual(create!.headers["idempotency-key"], "rec-1")
      assert.strictEqual(create!.headers["authorization"], "<redacted>")
      assert.strictEqual(list!.query.get("limit"), "5")
      assert.strictEqual(list!.query.get("email"), "ama@example.com")
      assert.strictEqual(retrieve!.route, "GET /customers/:id")
      assert.strictEqual(retrieve!.path, `/customers/${ama.id}`)
      assert.notInclude(JSON.stringify(yield* control.requests), "csk_test_default")
      yield* control.clearRequests
      assert.deepStrictEqual(yield* control.requests, [])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("every answer, success or error, carries its own X-Request-Id", () =>
    Effect.gen(function*() {
      const answers = [
        yield* send("POST", "/customers", { body: `{"email":"a@b.co"}` }),
        yield* send("GET", "/customers"),
        yield* send("GET", "/customers/cus_nope"),
        yield* send("POST", "/customers", { body: "{" })
      ]
      const ids = answers.map((a) => a.headers["x-request-id"] ?? "")
      for (const id of ids) assert.match(id, /^req_[a-z0-9]+$/)
      assert.strictEqual(new Set(ids).size, ids.length)
    }).pipe(Effect.provide(XtopayTest)))
})
