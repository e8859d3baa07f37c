/**
 * Tracing: each call is one client span, `Xtopay.<operation>`, carrying the method, the route
 * template, the status, the attempts and the request id; with `attemptSpans`, effect/http's own
 * span per attempt under it. No span holds the secret or the Authorization value.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Option, Redacted, Tracer } from "effect"
import * as util from "node:util"
import { Customers, XtopayControl, XtopayTestWith } from "../../src/index.js"

const SECRET = "csk_test_TRACED"

/** A tracer keeping every span it makes, and how each ended. */
const recordingTracer = () => {
  const spans: Array<Tracer.NativeSpan & { exit?: Exit.Exit<unknown, unknown> }> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options) as Tracer.NativeSpan & { exit?: Exit.Exit<unknown, unknown> }
      const end = span.end.bind(span)
      span.end = (endTime, exit) => {
        span.exit = exit
        end(endTime, exit)
      }
      spans.push(span)
      return span
    }
  })
  return { spans, tracer }
}

const layer = (attemptSpans: boolean) =>
  XtopayTestWith({ clientId: "cid_test_traced", clientSecret: Redacted.make(SECRET), attemptSpans, maxRetries: 1 })

const assertNoSecret = (spans: ReadonlyArray<Tracer.NativeSpan & { exit?: Exit.Exit<unknown, unknown> }>) => {
  const basic = btoa(`cid_test_traced:${SECRET}`)
  for (const span of spans) {
    for (const printed of [JSON.stringify([...span.attributes]), util.inspect(span.exit, { depth: 8 }), String(span.exit)]) {
      assert.notInclude(printed, SECRET, span.name)
      assert.notInclude(printed, basic, span.name)
    }
  }
}

describe("spans", () => {
  it.effect("one client span per call, with the route template (no id), status, attempts and request id", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const control = yield* XtopayControl
      const ama = yield* Customers.create({ email: "ama@example.com" })
      yield* control.injectFaults({ times: 1, route: "GET /customers/:id", fault: { _tag: "Status", status: 503 } })
      const error = yield* Effect.flip(Customers.retrieve(ama.id, { maxRetries: 0 }).pipe(Effect.withTracer(tracer)))
      assert.strictEqual(error._tag, "ServerError")
      const names = spans.map((span) => span.name)
      assert.deepStrictEqual(names, ["Xtopay.customers.retrieve"])
      const [span] = spans
      assert.strictEqual(span!.kind, "client")
      assert.strictEqual(span!.attributes.get("xtopay.route"), "/customers/:id")
      assert.strictEqual(span!.attributes.get("url.template"), "/customers/:id")
      assert.strictEqual(span!.attributes.get("http.request.method"), "GET")
      assert.strictEqual(span!.attributes.get("server.address"), "api.xtopay.co")
      assert.strictEqual(span!.attributes.get("xtopay.status"), 503)
      assert.isTrue(span!.exit !== undefined && Exit.isFailure(span!.exit))
      assertNoSecret(spans)
    }).pipe(Effect.provide(layer(false))))

  it.live("a call's span ends with the status, attempts and request id of its last answer", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* Customers.create({ email: "ama@example.com" }).pipe(Effect.withTracer(tracer))
      const [span] = spans
      assert.strictEqual(span!.attributes.get("xtopay.status"), 201)
      assert.strictEqual(span!.attributes.get("xtopay.attempts"), 1)
      assert.match(String(span!.attributes.get("xtopay.request_id")), /^req_/)
      assert.match(String(span!.attributes.get("xtopay.idempotency_key")), /^xtopay-effect-/)
      assertNoSecret(spans)
    }).pipe(Effect.provide(layer(false))))

  it.live("with attemptSpans, effect/http's span for the attempt sits under the call's, and neither holds the secret", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      yield* Customers.listPage().pipe(Effect.withTracer(tracer))
      const call = spans.find((span) => span.name === "Xtopay.customers.listPage")
      const attempts = spans.filter((span) => span !== call)
      assert.isDefined(call)
      assert.lengthOf(attempts, 1)
      assert.strictEqual(Option.getOrUndefined(attempts[0]!.parent)?.spanId, call!.spanId)
      assertNoSecret(spans)
    }).pipe(Effect.provide(layer(true))))
})
