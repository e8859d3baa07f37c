/**
 * What a call leaves behind for operators: one span per public call with the request's
 * attributes, and a Debug log line per retry with its reason and delay.
 */
import { assert, describe, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as RateLimiter from "@effect/experimental/RateLimiter"
import { Effect, Exit, Layer, Option, Random, Schedule } from "effect"
import { XtopayRateLimit } from "../../src/rate-limit.js"
import { CustomerPortal, Customers, PaymentMethods, SetupIntents, type XtopayClient, type XtopayError } from "../../src/index.js"
import {
  apiError,
  BASE_URL,
  customer,
  customerDetails,
  json,
  makeRecordingLogger,
  makeRecordingTracer,
  networkFailure,
  type RecordedSpan,
  runOnTestClock,
  scripted,
  type Step
} from "./support.js"

const SEED = 7

const paymentMethod = {
  id: "pm_q7r8s9",
  customer_id: "cus_a1b2c3",
  type: "mobile_money",
  card: null,
  mobile_money: { network: "mtn", phone: "+233244000000" },
  created_at: "2026-05-24T10:00:00Z"
}
const page = (item: unknown) => ({
  data: [item],
  pagination: { has_more: false, next_cursor: null, previous_cursor: null, total_count: 1 }
})

/** Runs `program` over `steps` with a recording tracer and a Debug-level recording logger. */
const observe = <A>(
  steps: ReadonlyArray<Step>,
  program: Effect.Effect<A, XtopayError, XtopayClient>,
  options: { readonly attemptSpans?: boolean } = {}
) =>
  Effect.gen(function*() {
    const script = scripted(steps, options)
    const { spans, tracer } = makeRecordingTracer()
    const logs = makeRecordingLogger()
    const exit = yield* runOnTestClock(
      program.pipe(
        Effect.provide(Layer.merge(script.layer, logs.layer)),
        Effect.withTracer(tracer),
        Effect.withRandom(Random.make(SEED))
      )
    )
    // The runtime also logs, at Debug, the end of the forked fiber of a failed call: not ours.
    const ours = logs.lines.filter((line) => line.annotations["xtopay.route"] !== undefined)
    return { exit, spans, logs: ours, allLogs: logs.lines, requests: script.requests }
  })

const only = (spans: ReadonlyArray<RecordedSpan>, name: string): RecordedSpan => {
  const named = spans.filter((span) => span.name === name)
  assert.strictEqual(named.length, 1, `exactly one ${name} span, got ${spans.map((span) => span.name).join(", ")}`)
  return named[0]!
}

describe("one span per public call", () => {
  interface Call {
    readonly name: string
    readonly method: string
    readonly route: string
    readonly answer: Step
    readonly program: Effect.Effect<unknown, XtopayError, XtopayClient>
  }
  const expires_at = "2026-05-24T10:30:00Z"
  const calls: ReadonlyArray<Call> = [{
    name: "Xtopay.customers.create",
    method: "POST",
    route: "/customers",
    answer: json(201, customer()),
    program: Customers.create({ email: "ama@example.com" })
  }, {
    name: "Xtopay.customers.retrieve",
    method: "GET",
    route: "/customers/:id",
    answer: json(200, customerDetails()),
    program: Customers.retrieve("cus_a1b2c3")
  }, {
    name: "Xtopay.customers.update",
    method: "PATCH",
    route: "/customers/:id",
    answer: json(200, customer()),
    program: Customers.update("cus_a1b2c3", { name: "Ama" })
  }, {
    name: "Xtopay.customers.delete",
    method: "DELETE",
    route: "/customers/:id",
    answer: json(200, { id: "cus_a1b2c3", deleted: true }),
    program: Customers.delete("cus_a1b2c3")
  }, {
    name: "Xtopay.customers.listPage",
    method: "GET",
    route: "/customers",
    answer: json(200, page(customer())),
    program: Customers.listPage({ email: "ama@example.com" })
  }, {
    name: "Xtopay.paymentMethods.retrieve",
    method: "GET",
    route: "/payment-methods/:id",
    answer: json(200, paymentMethod),
    program: PaymentMethods.retrieve("pm_q7r8s9")
  }, {
    name: "Xtopay.paymentMethods.listPage",
    method: "GET",
    route: "/payment-methods",
    answer: json(200, page(paymentMethod)),
    program: PaymentMethods.listPage({ customer_id: "cus_a1b2c3" })
  }, {
    name: "Xtopay.paymentMethods.detach",
    method: "DELETE",
    route: "/payment-methods/:id",
    answer: json(200, { ...paymentMethod, customer_id: null }),
    program: PaymentMethods.detach("pm_q7r8s9")
  }, {
    name: "Xtopay.setupIntents.create",
    method: "POST",
    route: "/setup-intents",
    answer: json(201, {
      id: "si_x1",
      customer_id: "cus_a1b2c3",
      setup_url: "https://checkout.xtopay.co/setup/tok_1",
      expires_at
    }),
    program: SetupIntents.create({ customer_id: "cus_a1b2c3" })
  }, {
    name: "Xtopay.customerPortal.createSession",
    method: "POST",
    route: "/customer-portal/sessions",
    answer: json(201, { id: "cps_x1", url: "https://billing.xtopay.co/portal/sess_1", expires_at }),
    program: CustomerPortal.createSession({ customer_id: "cus_a1b2c3", return_url: "https://shop.example/account" })
  }]

  for (const { answer: step, method, name, program, route } of calls) {
    it.effect(`${name}: method ${method}, route ${route}, and no id in its attributes`, () =>
      Effect.gen(function*() {
        const { exit, spans } = yield* observe([step], program)
        assert.isTrue(Exit.isSuccess(exit), String(exit))
        const span = only(spans, name)
        assert.strictEqual(span.attributes.get("xtopay.method"), method)
        assert.strictEqual(span.attributes.get("xtopay.route"), route)
        assert.strictEqual(span.attributes.get("xtopay.attempts"), 1)
        for (const value of span.attributes.values()) {
          assert.notMatch(String(value), /(cus|pm)_[a-z0-9]{6}/, "route templates hold no ids")
        }
        // It is the client span, with OpenTelemetry's HTTP attributes (the route template, not the path).
        assert.strictEqual(span.kind, "client")
        assert.strictEqual(span.attributes.get("http.request.method"), method)
        assert.strictEqual(span.attributes.get("url.template"), route)
        assert.strictEqual(span.attributes.get("server.address"), new URL(BASE_URL).hostname)
        assert.strictEqual(span.attributes.get("http.response.status_code"), step._tag === "Answer" ? step.status : undefined)
        // And the only span: the platform traces no attempt by default.
        assert.deepStrictEqual(spans.map((s) => s.name), [name])
      }))

    it.effect(`${name}: with attemptSpans, the platform's http.client span is the call's child`, () =>
      Effect.gen(function*() {
        const { spans } = yield* observe([step], program, { attemptSpans: true })
        const span = only(spans, name)
        const client = spans.filter((s) => s.name.startsWith("http.client"))
        assert.strictEqual(client.length, 1)
        assert.strictEqual(Option.getOrUndefined(client[0]!.parent)?.spanId, span.spanId)
      }))
  }
})

describe("span lifetime", () => {
  it.effect("a call's span ends with its success", () =>
    Effect.gen(function*() {
      const { exit, spans } = yield* observe([json(200, customerDetails())], Customers.retrieve("cus_a1b2c3"))
      assert.isTrue(Exit.isSuccess(exit))
      if (Exit.isSuccess(exit)) assert.strictEqual(exit.value.id, "cus_a1b2c3")
      const status = only(spans, "Xtopay.customers.retrieve").status
      assert.strictEqual(status._tag, "Ended")
      if (status._tag !== "Ended") return
      assert.isTrue(Exit.isSuccess(status.exit))
    }))

  it.effect("a failed call's span ends with the failure", () =>
    Effect.gen(function*() {
      const { spans } = yield* observe([apiError(404, "resource_missing")], Customers.retrieve("cus_a1b2c3"))
      const status = only(spans, "Xtopay.customers.retrieve").status
      assert.isTrue(status._tag === "Ended" && Exit.isFailure(status.exit))
    }))
})

describe("span attributes", () => {
  it.effect("a retried retrieve reports the last status, the attempt count and the request id", () =>
    Effect.gen(function*() {
      const { exit, spans } = yield* observe(
        [
          apiError(503, "api_error", { "x-request-id": "req_first" }),
          json(200, customerDetails(), { "x-request-id": "req_second" })
        ],
        Customers.retrieve("cus_a1b2c3")
      )
      assert.isTrue(Exit.isSuccess(exit))
      const span = only(spans, "Xtopay.customers.retrieve")
      assert.strictEqual(span.attributes.get("xtopay.status"), 200)
      assert.strictEqual(span.attributes.get("xtopay.attempts"), 2)
      assert.strictEqual(span.attributes.get("xtopay.request_id"), "req_second")
      assert.strictEqual(span.attributes.get("xtopay.replayed"), false)
      assert.isFalse(span.attributes.has("xtopay.idempotency_key"), "a GET has no key")
      assert.strictEqual(span.attributes.get("http.response.status_code"), 200)
      assert.strictEqual(spans.length, 1, "one span for the call, however many attempts")
    }))

  it.effect("with attemptSpans, each attempt has its own http.client span", () =>
    Effect.gen(function*() {
      const { spans } = yield* observe(
        [apiError(503, "api_error"), json(200, customerDetails())],
        Customers.retrieve("cus_a1b2c3"),
        { attemptSpans: true }
      )
      assert.strictEqual(spans.filter((s) => s.name.startsWith("http.client")).length, 2, "one client span per attempt")
    }))

  it.effect("a create reports the Idempotency-Key it sent, and whether the answer was a replay", () =>
    Effect.gen(function*() {
      const { exit, requests, spans } = yield* observe(
        [json(200, customer(), { "idempotency-replayed": "true", "x-request-id": "req_replay" })],
        Customers.create({ email: "ama@example.com" })
      )
      assert.isTrue(Exit.isSuccess(exit))
      const span = only(spans, "Xtopay.customers.create")
      assert.strictEqual(span.attributes.get("xtopay.idempotency_key"), requests[0]?.headers["idempotency-key"])
      assert.strictEqual(span.attributes.get("xtopay.replayed"), true)
      assert.strictEqual(span.attributes.get("xtopay.status"), 200)
    }))

  it.effect("a failed call reports its status and attempts, and its span ends failed", () =>
    Effect.gen(function*() {
      const { exit, spans } = yield* observe(
        [apiError(404, "customer_not_found", { "x-request-id": "req_404" })],
        Customers.retrieve("cus_a1b2c3")
      )
      assert.isTrue(Exit.isFailure(exit))
      const span = only(spans, "Xtopay.customers.retrieve")
      assert.strictEqual(span.attributes.get("xtopay.status"), 404)
      assert.strictEqual(span.attributes.get("xtopay.attempts"), 1)
      assert.strictEqual(span.attributes.get("xtopay.request_id"), "req_404")
      assert.isTrue(span.status._tag === "Ended" && Exit.isFailure(span.status.exit))
    }))

  it.effect("a call that never got an answer reports no status", () =>
    Effect.gen(function*() {
      const { spans } = yield* observe(
        [apiError(503, "api_error"), networkFailure("ECONNRESET"), networkFailure("ECONNRESET")],
        Customers.retrieve("cus_a1b2c3")
      )
      const span = only(spans, "Xtopay.customers.retrieve")
      assert.isFalse(span.attributes.has("xtopay.status"), "the 503 was not the last attempt's answer")
      assert.strictEqual(span.attributes.get("xtopay.attempts"), 3)
    }))
})

describe("turning the platform's spans off", () => {
  it.effect("transformClient with HttpClient.withTracerDisabledWhen drops the http.client spans and keeps the call's", () =>
    Effect.gen(function*() {
      const script = scripted([apiError(503, "api_error"), json(200, customerDetails())], {
        transformClient: (client) => HttpClient.withTracerDisabledWhen(client, () => true)
      })
      const { spans, tracer } = makeRecordingTracer()
      const exit = yield* runOnTestClock(
        Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.withTracer(tracer))
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(spans.map((span) => span.name), ["Xtopay.customers.retrieve"])
      assert.strictEqual(spans[0]?.attributes.get("xtopay.attempts"), 2)
    }))
})

describe("retry logs", () => {
  it.effect("each retry is logged at Debug with its reason and delay", () =>
    Effect.gen(function*() {
      const jitter = yield* Effect.withRandom(Random.next, Random.make(SEED))
      const { exit, logs } = yield* observe(
        [
          apiError(503, "api_error"),
          apiError(429, "rate_limit_exceeded", { "retry-after": "2" }),
          json(200, customerDetails())
        ],
        Customers.retrieve("cus_a1b2c3")
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.strictEqual(logs.length, 2)
      const [first, second] = logs
      assert.strictEqual(first?.level, "DEBUG")
      assert.strictEqual(first?.annotations["xtopay.reason"], "ServerError 503 api_error")
      assert.strictEqual(first?.annotations["xtopay.delay_ms"], Math.floor(jitter * 500))
      assert.strictEqual(first?.annotations["xtopay.attempt"], 1)
      assert.strictEqual(first?.annotations["xtopay.route"], "/customers/:id")
      assert.include(first?.message ?? "", "retrying")
      assert.strictEqual(second?.level, "DEBUG")
      assert.strictEqual(second?.annotations["xtopay.reason"], "RateLimited 429 rate_limit_exceeded")
      assert.strictEqual(second?.annotations["xtopay.delay_ms"], 2_000)
      assert.strictEqual(second?.annotations["xtopay.attempt"], 2)
    }))

  it.effect("a call that succeeds at once logs nothing", () =>
    Effect.gen(function*() {
      const { allLogs } = yield* observe([json(200, customerDetails())], Customers.retrieve("cus_a1b2c3"))
      assert.deepStrictEqual(allLogs, [])
    }))

  it.effect("giving up on a wait above the cap is logged at Debug too", () =>
    Effect.gen(function*() {
      const { logs } = yield* observe(
        [apiError(429, "rate_limit_exceeded", { "retry-after": "120" })],
        Customers.retrieve("cus_a1b2c3")
      )
      assert.strictEqual(logs.length, 1)
      assert.include(logs[0]?.message ?? "", "not retrying")
      assert.strictEqual(logs[0]?.annotations["xtopay.delay_ms"], 120_000)
    }))
})

describe("the call's span is the parent of what runs in the call", () => {
  /** The name of the span current where `Effect.currentSpan` runs, or "none". */
  const currentSpanName = Effect.map(Effect.option(Effect.currentSpan), (span) =>
    Option.match(span, { onNone: () => "none", onSome: (s) => s.name }))

  it.effect("the user's middleware sees the call's span, on the first attempt and on the retry", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const script = scripted([apiError(503, "api_error"), json(200, customerDetails())], {
        transformClient: HttpClient.tapRequest(() => Effect.map(currentSpanName, (name) => seen.push(name)))
      })
      const { tracer } = makeRecordingTracer()
      const exit = yield* runOnTestClock(
        Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.withTracer(tracer))
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(seen, ["Xtopay.customers.retrieve", "Xtopay.customers.retrieve"])
    }))

  it.effect("a retry schedule of the user's runs under the call's span", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const script = scripted([apiError(503, "api_error"), json(200, customerDetails())], {
        retrySchedule: Schedule.spaced("10 millis").pipe(
          Schedule.tapInput(() => Effect.map(currentSpanName, (name) => seen.push(name)))
        )
      })
      const { tracer } = makeRecordingTracer()
      const exit = yield* runOnTestClock(
        Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(script.layer), Effect.withTracer(tracer))
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(seen, ["Xtopay.customers.retrieve"])
    }))

  it.effect("the rate limiter in context (the user's store) is consulted under the call's span", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const recordingLimiter = Layer.effect(
        RateLimiter.RateLimiter,
        Effect.map(RateLimiter.make, (limiter) => ({
          ...limiter,
          consume: (options: Parameters<typeof limiter.consume>[0]) =>
            Effect.zipRight(Effect.map(currentSpanName, (name) => seen.push(name)), limiter.consume(options))
        }))
      ).pipe(Layer.provide(RateLimiter.layerStoreMemory))
      const gate = XtopayRateLimit.layer({ limit: 100, window: "1 second" }).pipe(Layer.provide(recordingLimiter))
      const script = scripted([json(200, customerDetails())])
      const { tracer } = makeRecordingTracer()
      const exit = yield* runOnTestClock(
        Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(script.layer.pipe(Layer.provide(gate))),
          Effect.withTracer(tracer)
        )
      )
      assert.isTrue(Exit.isSuccess(exit))
      assert.deepStrictEqual(seen, ["Xtopay.customers.retrieve"])
    }))

  it.effect("the call's span is a child of the caller's, and the caller's span is current again after it", () =>
    Effect.gen(function*() {
      const script = scripted([json(200, customerDetails())])
      const { spans, tracer } = makeRecordingTracer()
      const exit = yield* runOnTestClock(
        Effect.zipRight(Customers.retrieve("cus_a1b2c3"), currentSpanName).pipe(
          Effect.withSpan("checkout"),
          Effect.provide(script.layer),
          Effect.withTracer(tracer)
        )
      )
      assert.deepStrictEqual(exit, Exit.succeed("checkout"))
      const call = only(spans, "Xtopay.customers.retrieve")
      assert.strictEqual(Option.getOrUndefined(call.parent)?.spanId, only(spans, "checkout").spanId)
    }))
})
