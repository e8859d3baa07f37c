/**
 * The client's resilience against the mock server's faults over real loopback sockets: what
 * retries turn into a success (counted server-side), what they must not duplicate, and the fault
 * modes test/e2e/client.test.ts does not already cover (bursts, Retry-After, the rate limit,
 * Delay, faults on GET, the replay after a truncated answer). Each test gets a fresh server.
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import * as HttpClient from "effect/http/HttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Layer, Stream } from "effect"
import { Customers } from "../../src/index.js"
import type { RecordedRequest, XtopayControl } from "../../src/testing/Control.js"
import { type MockClientOptions, MockServer } from "../../src/testing/server.js"
import { answered, rawFetch } from "./support.js"

/** A fresh mock server, and the real client of it over fetch. */
const Mock = (client: MockClientOptions = {}) =>
  MockServer.layerClient(client).pipe(
    Layer.provideMerge(MockServer.layer()),
    Layer.provide(FetchTransport)
  )

const defaultAuth = `Basic ${btoa("cid_test_default:csk_test_default")}`

const requestsTo = (control: XtopayControl.Service, route: string) =>
  Effect.map(control.requests, (all) => all.filter((request) => request.route === route))

/** Every attempt of one logical call: one Idempotency-Key, one body. */
const assertOneCall = (attempts: ReadonlyArray<RecordedRequest>) => {
  const key = attempts[0]?.headers["idempotency-key"]
  assert.isString(key)
  for (const attempt of attempts) {
    assert.strictEqual(attempt.headers["idempotency-key"], key)
    assert.strictEqual(attempt.body, attempts[0]?.body)
  }
  return key!
}

/**
 * A client middleware noting each answer whose headers arrived: its status, and "replay" when
 * Xtopay replayed an earlier answer to the same Idempotency-Key.
 */
const noteAnswers = (notes: Array<string>) => (client: HttpClient.HttpClient) =>
  HttpClient.tap(client, (response) =>
    Effect.sync(() => {
      notes.push(`${response.status}${response.headers["idempotency-replayed"] === "true" ? " replay" : ""}`)
    }))

const elapsedSince = (started: number) => Effect.map(Clock.currentTimeMillis, (now) => now - started)

describe("5xx bursts over real sockets", () => {
  it.live("a burst of 500, 502 and 503 on a create is retried to success: four requests, one key, one customer", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults(
        { times: 1, route: "POST /customers", fault: { _tag: "Status", status: 500 } },
        { times: 1, route: "POST /customers", fault: { _tag: "Status", status: 502 } },
        { times: 1, route: "POST /customers", fault: { _tag: "Status", status: 503 } }
      )
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const attempts = yield* requestsTo(control, "POST /customers")
      assert.strictEqual(attempts.length, 4)
      assertOneCall(attempts)
      const page = yield* Customers.listPage()
      assert.deepStrictEqual(page.data.map((c) => [c.id, c.email]), [[ama.id, "ama@example.com"]])
    }).pipe(Effect.provide(Mock({ maxRetries: 3 }))))

  it.live("a burst longer than the retries is a ServerError after exactly maxRetries + 1 requests, and creates nothing", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults({ times: 5, route: "POST /customers", fault: { _tag: "Status", status: 503 } })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }))
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.status, 503)
      assert.strictEqual(error.attempts, 2)
      assert.match(error.requestId ?? "", /^req_/)
      assert.strictEqual((yield* requestsTo(control, "POST /customers")).length, 2)
      yield* control.clearFaults
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 0)
    }).pipe(Effect.provide(Mock({ maxRetries: 1 }))))

  it.live("a burst on a GET is retried to success too", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      const ama = yield* Customers.create({ email: "ama@example.com" })
      yield* control.injectFaults({ times: 2, route: "GET /customers/:id", fault: { _tag: "Status", status: 502 } })
      assert.strictEqual((yield* Customers.retrieve(ama.id)).id, ama.id)
      assert.strictEqual((yield* requestsTo(control, "GET /customers/:id")).length, 3)
    }).pipe(Effect.provide(Mock())))
})

describe("rate limits over real sockets", () => {
  it.live("a 429 with Retry-After: 1 is waited out for real, then the create goes through once", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "RateLimit", retryAfterSeconds: 1 } })
      const started = yield* Clock.currentTimeMillis
      const ama = yield* Customers.create({ email: "ama@example.com" })
      // The client slept the server's 1 s, not its own (shorter) backoff.
      assert.isAtLeast(yield* elapsedSince(started), 990)
      const attempts = yield* requestsTo(control, "POST /customers")
      assert.strictEqual(attempts.length, 2)
      assertOneCall(attempts)
      assert.deepStrictEqual((yield* Customers.listPage()).data.map((c) => c.id), [ama.id])
    }).pipe(Effect.provide(Mock({ maxRetries: 1 }))))

  it.live("setRateLimit: over the limit is RateLimited with the seconds left in the window", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.setRateLimit({ requests: 2, window: "30 seconds" })
      yield* Customers.listPage()
      yield* Customers.listPage()
      const error = yield* Effect.flip(Customers.listPage())
      assert.strictEqual(error._tag, "RateLimited")
      assert.strictEqual(error.status, 429)
      assert.strictEqual(error.code, "rate_limit_exceeded")
      const wait = error._tag === "RateLimited" && error.retryAfter !== undefined
        ? Duration.toMillis(error.retryAfter)
        : -1
      assert.isTrue(wait >= 1_000 && wait <= 30_000, `retryAfter ${wait} ms`)
      yield* control.setRateLimit(undefined)
      for (let i = 0; i < 5; i++) yield* Customers.listPage()
    }).pipe(Effect.provide(Mock({ maxRetries: 0 }))))

  it.live("setRateLimit: the client waits for the next window and gets through, one retry per refusal", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      // A 2 s window: the second call lands in the first one even on a slow machine.
      yield* control.setRateLimit({ requests: 1, window: "2 seconds" })
      const started = yield* Clock.currentTimeMillis
      yield* Customers.listPage()
      yield* Customers.listPage()
      assert.isAtLeast(yield* elapsedSince(started), 990)
      // The second call was refused once, then let through in the next window.
      assert.strictEqual((yield* requestsTo(control, "GET /customers")).length, 3)
    }).pipe(Effect.provide(Mock({ maxRetries: 1 }))))
})

describe("Delay over real sockets", () => {
  it.live("a Delay holds the answer back for real; the create is not retried", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis: 300 } })
      const started = yield* Clock.currentTimeMillis
      const ama = yield* Customers.create({ email: "ama@example.com" })
      assert.isAtLeast(yield* elapsedSince(started), 290)
      assert.strictEqual(ama.email, "ama@example.com")
      assert.strictEqual((yield* requestsTo(control, "POST /customers")).length, 1)
    }).pipe(Effect.provide(Mock())))

  it.live("a Delay longer than the per-attempt timeout: the retries meet the key in use, then the replay of the one customer", () => {
    const answers: Array<string> = []
    return Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis: 2_500 } })
      const ama = yield* Customers.create({ email: "ama@example.com" }, { timeout: "500 millis", maxRetries: 10 })
      const attempts = yield* requestsTo(control, "POST /customers")
      assertOneCall(attempts)
      // The first attempt timed out before any answer; the next ones arrived while its work went on.
      assert.isAtLeast(attempts.length, answers.length + 1, answers.join(", "))
      assert.strictEqual(answers[0], "409")
      assert.deepStrictEqual(answers.slice(0, -1), Array(answers.length - 1).fill("409"))
      assert.strictEqual(answers.at(-1), "200 replay")
      assert.deepStrictEqual((yield* Customers.listPage()).data.map((c) => c.id), [ama.id])
    }).pipe(Effect.provide(Mock({ transformClient: noteAnswers(answers) })))
  })
})

describe("lost and broken answers over real sockets", () => {
  it.live("a GET reset mid-body, then before the headers, is retried to success", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama" })
      yield* control.injectFaults(
        { times: 1, route: "GET /customers/:id", fault: { _tag: "Drop", when: "mid-body" } },
        { times: 1, route: "GET /customers/:id", fault: { _tag: "Drop", when: "before-headers" } }
      )
      const fetched = yield* Customers.retrieve(ama.id)
      assert.strictEqual(fetched.id, ama.id)
      assert.strictEqual(fetched.name, "Ama")
      const attempts = yield* requestsTo(control, "GET /customers/:id")
      assert.deepStrictEqual(attempts.map((r) => r.path), Array(3).fill(`/customers/${ama.id}`))
    }).pipe(Effect.provide(Mock())))

  it.live("a list page reset mid-body is retried, and the stream still sees every customer once", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.seedCustomers(30)
      yield* control.injectFaults(
        { times: 1, every: 2, route: "GET /customers", fault: { _tag: "Drop", when: "mid-body" } }
      )
      // The second page's answer is cut: the stream retries that page, not the walk.
      const ids = (yield* Stream.runCollect(Customers.list({ limit: 20 }))).map((c) => c.id)
      assert.strictEqual(ids.length, 30)
      assert.strictEqual(new Set(ids).size, 30)
      const pages = yield* requestsTo(control, "GET /customers")
      assert.deepStrictEqual(pages.map((r) => r.query.get("after") !== null), [false, true, true])
    }).pipe(Effect.provide(Mock())))

  it.live("a stalled answer to a create: the retry carries the same Idempotency-Key and is the replay; one customer exists", () => {
    const answers: Array<string> = []
    return Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Stall" } })
      const ama = yield* Customers.create({ email: "ama@example.com" }, { timeout: "1 second", maxRetries: 3 })
      const attempts = yield* requestsTo(control, "POST /customers")
      assert.strictEqual(attempts.length, 2)
      assertOneCall(attempts)
      // The stalled attempt did the work (its 201 headers arrived); the retry got that answer again.
      assert.deepStrictEqual(answers, ["201", "200 replay"])
      assert.deepStrictEqual((yield* Customers.listPage()).data.map((c) => c.id), [ama.id])
    }).pipe(Effect.provide(Mock({ transformClient: noteAnswers(answers) })))
  })

  it.live("truncated JSON comes correctly framed: a complete answer of its announced length that does not parse", () =>
    Effect.gen(function*() {
      const { baseUrl, control } = yield* MockServer
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "TruncatedJson" } })
      const result = answered(
        yield* rawFetch(`${baseUrl}/customers`, {
          method: "POST",
          headers: { authorization: defaultAuth, "content-type": "application/json" },
          body: JSON.stringify({ email: "ama@example.com" })
        })
      )
      assert.strictEqual(result.status, 201)
      assert.strictEqual(result.headers["content-length"], String(Buffer.byteLength(result.text)))
      assert.match(result.text, /^\{"id":"cus_/)
      assert.throws(() => JSON.parse(result.text))
    }).pipe(Effect.provide(MockServer.layer())))

  it.live("a truncated answer to a create is an UnexpectedResponse, not retried; the same call again is the replay", () => {
    const answers: Array<string> = []
    return Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "TruncatedJson" } })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }, { idempotencyKey: "signup-ama" }))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.strictEqual(error.status, 201)
      assert.strictEqual(error.attempts, 1)
      assert.strictEqual((yield* requestsTo(control, "POST /customers")).length, 1)
      // The create was done before its answer was cut: nothing is lost...
      const existing = (yield* Customers.listPage()).data
      assert.deepStrictEqual(existing.map((c) => c.email), ["ama@example.com"])
      // ...and repeating the call with its key returns that customer rather than making a second one.
      const ama = yield* Customers.create({ email: "ama@example.com" }, { idempotencyKey: "signup-ama" })
      assert.strictEqual(ama.id, existing[0]?.id)
      assert.deepStrictEqual(answers, ["201", "200", "200 replay"])
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 1)
    }).pipe(Effect.provide(Mock({ transformClient: noteAnswers(answers) })))
  })

  it.live("a Status fault with its own code and message reaches the client as that tag, with the request id", () =>
    Effect.gen(function*() {
      const { control } = yield* MockServer
      yield* control.injectFaults({
        times: 1,
        route: "POST /customers",
        fault: { _tag: "Status", status: 403, code: "insufficient_scope", message: "This key is read-only" }
      })
      const error = yield* Effect.flip(Customers.create({ email: "ama@example.com" }))
      assert.strictEqual(error._tag, "Forbidden")
      assert.strictEqual(error.code, "insufficient_scope")
      assert.strictEqual(error.message, `This key is read-only [HTTP 403, insufficient_scope, request ${error.requestId}]`)
      assert.match(error.requestId ?? "", /^req_/)
      // A 403 is not retried, and the request did nothing.
      assert.strictEqual((yield* requestsTo(control, "POST /customers")).length, 1)
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 0)
    }).pipe(Effect.provide(Mock())))
})
