/**
 * Both editions' schemas on the JSON users meet: every example of docs/openapi.yaml and every answer
 * of the in-memory Xtopay, in a session that reaches every operation of core's description and the
 * error answers. Each edition takes each and encodes it to the same JSON (the Effect 3 edition in
 * its own process, test/support/verdicts.ts), so a program moved to Effect 4 reads what it read.
 */
import * as Api from "#core/api.js"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { makeBackend } from "../src/testing/Backend.js"
import type { WebhookSender } from "../src/testing/internal/deliveries.js"
import { basic } from "./testing/support.js"
import { casesOf, recorder } from "./support/fakeAnswers.js"
import { exampleKeyLines, readSpec, specExamples } from "./support/openapiExamples.js"
import { type Case, effect3Verdicts, effect4Verdict } from "./support/verdicts.js"

const operations = Api.operations as ReadonlyArray<Api.Operation>

/** Both editions take every case and encode it to the same JSON; `where` names a case in a failure. */
const assertSameJson = (cases: ReadonlyArray<Case & { readonly where: string }>) => {
  // As JSON, as the Effect 3 process reads them: what is not plain JSON would be judged on something else.
  const plain = JSON.parse(JSON.stringify(cases.map(({ input, shape }) => ({ shape, input })))) as ReadonlyArray<Case>
  assert.deepStrictEqual(plain, cases.map(({ input, shape }) => ({ shape, input })))
  const theirs = effect3Verdicts(plain)
  assert.strictEqual(theirs.length, plain.length)
  plain.forEach((c, i) => {
    const ours = effect4Verdict(c)
    const label = `${cases[i]!.where} as ${c.shape}\nEffect 3: ${JSON.stringify(theirs[i])}\nEffect 4: ${JSON.stringify(ours)}`
    assert.isTrue(theirs[i]!.ok, label)
    assert.isTrue(ours.ok, label)
    assert.deepStrictEqual(ours, theirs[i], label)
  })
}

/** The time the session starts at, and a step with milliseconds, so timestamps come in both forms. */
const START = Date.parse("2026-05-24T10:00:00Z")
const STEP = "1500 millis"

/** Where deliveries go: `/ok` answers 204, `/broken` 500 with a body, anything else never connects. */
const webhookSender: WebhookSender = ({ url }) =>
  url.endsWith("/ok")
    ? Effect.succeed({ status: 204, body: "" })
    : url.endsWith("/broken")
    ? Effect.succeed({ status: 500, body: "{\"error\":\"down\"}" })
    : Effect.fail(new Error("connect ECONNREFUSED", { cause: { code: "ECONNREFUSED" } }))

/**
 * A shop's session with the fake, request by request as written: endpoints, customers, setup
 * intents completed through the control service, pages walked to their end, a portal session,
 * detaching and deleting, events read, replayed and their deliveries listed; then error answers
 * of every status the fake gives. Every answer is kept.
 */
const session = Effect.gen(function*() {
  yield* TestClock.setTime(START)
  const backend = yield* makeBackend({ idSeed: 24, webhookSender })
  const { answers, fails, ok, send } = recorder(backend)
  const control = backend.control
  const step = TestClock.adjust(STEP)

  // Endpoints first, so that the events below are delivered: answered, refused with a 500, unreachable.
  const okHook = { url: "https://shop.example/ok", description: "orders" }
  const hook = yield* ok("POST", "/webhook-endpoints", { body: okHook, idempotencyKey: "we-ok" })
  yield* ok("POST", "/webhook-endpoints", { body: okHook, idempotencyKey: "we-ok" }) // a replay: 200, the same body
  const broken = yield* ok("POST", "/webhook-endpoints", {
    body: { url: "https://shop.example/broken", events: ["customer.created", "customer.deleted", "customer.payment_method_added"] }
  })
  const unreachable = yield* ok("POST", "/webhook-endpoints", { body: { url: "http://localhost:9/hooks" } })
  yield* ok("GET", `/webhook-endpoints/${hook.id}`)
  yield* ok("PATCH", `/webhook-endpoints/${broken.id}`, { body: { description: "failing on purpose" } })
  yield* step

  const ama = yield* ok("POST", "/customers", {
    body: { email: "ama@example.com", name: "Ama Owusu", phone: "+233244000000", currency: "GHS", metadata: { plan: "pro" } },
    idempotencyKey: "cus-ama"
  })
  yield* step
  const kofi = yield* ok("POST", "/customers", { body: { email: "kofi@example.com" } })
  yield* ok("POST", "/customers", { body: { email: "esi@example.com", name: "Esi" } })
  yield* ok("PATCH", `/customers/${ama.id}`, { body: { name: "Ama O.", metadata: { plan: null, tier: "gold" } } })
  yield* ok("PATCH", `/customers/${kofi.id}`, { body: { phone: "+233244000001", currency: "USD" } })

  const cardIntent = yield* ok("POST", "/setup-intents", { body: { customer_id: ama.id }, idempotencyKey: "si-ama" })
  const card = yield* control.completeSetupIntent(cardIntent.id, { type: "card", card: { brand: "mastercard", last4: "5100" } })
  yield* step
  const momoIntent = yield* ok("POST", "/setup-intents", { body: { customer_id: ama.id } })
  const momo = yield* control.completeSetupIntent(momoIntent.id, { type: "mobile_money", mobile_money: { network: "mtn" } })
  yield* ok("POST", "/setup-intents", { body: { customer_id: kofi.id } }) // left open
  yield* control.seedSubscription(ama.id, { plan_id: "plan_pro", current_period_end: "2026-06-24T10:00:00Z", cancel_at_period_end: true })

  yield* ok("GET", `/customers/${ama.id}`)
  yield* ok("GET", `/customers/${kofi.id}`)
  yield* ok("GET", `/payment-methods/${card.id}`)
  yield* ok("GET", `/payment-methods/${momo.id}`)
  const methods = yield* ok("GET", `/payment-methods?customer_id=${ama.id}&limit=1`)
  yield* ok("GET", `/payment-methods?customer_id=${ama.id}&limit=1&after=${methods.pagination.next_cursor}`)
  yield* ok("GET", `/payment-methods?customer_id=${kofi.id}`)
  yield* ok("POST", "/customer-portal/sessions", {
    body: { customer_id: ama.id, return_url: "https://shop.example/account" },
    idempotencyKey: "cps-ama"
  })
  yield* ok("DELETE", `/payment-methods/${momo.id}`)

  // Every page of customers, one at a time, and a search.
  let page = yield* ok("GET", "/customers?limit=1")
  while (page.pagination.has_more) page = yield* ok("GET", `/customers?limit=1&after=${page.pagination.next_cursor}`)
  yield* ok("GET", `/customers?email=${encodeURIComponent("kofi@example.com")}`)
  yield* ok("DELETE", `/customers/${kofi.id}`)

  // The deliveries' first attempts, then the retries of the failed ones.
  yield* control.settleDeliveries
  yield* TestClock.adjust("5 minutes")
  yield* control.settleDeliveries

  const events = yield* ok("GET", "/events?limit=100")
  for (const event of events.data as ReadonlyArray<{ readonly id: string }>) {
    yield* ok("GET", `/events/${event.id}`)
    yield* ok("GET", `/events/${event.id}/delivery-attempts`)
  }
  const created = yield* ok("GET", "/events?type=customer.created&limit=1")
  yield* ok("GET", `/events?type=customer.created&limit=1&after=${created.pagination.next_cursor}`)
  yield* ok("GET", `/events?created_after=${new Date(START + 1000).toISOString()}&created_before=2026-05-25T00:00:00Z`)
  yield* ok("POST", `/events/${created.data[0].id}/replay`, { idempotencyKey: "replay-1" })
  yield* control.settleDeliveries
  const attempts = yield* ok("GET", `/events/${created.data[0].id}/delivery-attempts?limit=1`)
  yield* ok("GET", `/events/${created.data[0].id}/delivery-attempts?limit=1&after=${attempts.pagination.next_cursor}`)

  yield* ok("PATCH", `/webhook-endpoints/${unreachable.id}`, { body: { status: "disabled", description: null, events: ["customer.updated"] } })
  const hooks = yield* ok("GET", "/webhook-endpoints?limit=2")
  yield* ok("GET", `/webhook-endpoints?limit=2&after=${hooks.pagination.next_cursor}`)
  yield* ok("DELETE", `/webhook-endpoints/${unreachable.id}`)

  // The error answers: refused input (each code), credentials, a missing object, idempotency, limits, faults.
  yield* fails(400, "POST", "/customers", { body: { email: "ama@" } })
  yield* fails(400, "POST", "/customers", { body: { name: "no email" } })
  yield* fails(400, "POST", "/customers", { body: { email: "ama@example.com", emial: "typo" } })
  yield* fails(400, "POST", "/customers", { text: "{\"email\":" })
  yield* fails(400, "PATCH", `/customers/${ama.id}`, { body: { phone: "0244000000" } })
  yield* fails(400, "GET", "/customers?limit=0")
  yield* fails(401, "GET", "/customers", { authorization: null })
  yield* fails(401, "GET", "/customers", { authorization: basic("cid_test_default", "csk_test_other") })
  yield* fails(403, "GET", "/customers", { authorization: basic("cid_live_shop", "csk_live_shop") })
  yield* fails(404, "GET", `/customers/${kofi.id}`)
  yield* fails(404, "GET", "/events/evt_missing")
  yield* fails(404, "GET", "/nowhere")
  yield* fails(422, "POST", "/customers", { body: { email: "other@example.com" }, idempotencyKey: "cus-ama" })
  yield* control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis: 1000 } })
  const slow = yield* Effect.forkChild(send("POST", "/customers", { body: { email: "yaw@example.com" }, idempotencyKey: "cus-yaw" }))
  yield* Effect.yieldNow
  yield* fails(409, "POST", "/customers", { body: { email: "yaw@example.com" }, idempotencyKey: "cus-yaw" })
  yield* TestClock.adjust("1 second")
  assert.strictEqual((yield* Fiber.join(slow)).status, 201)
  yield* fails(413, "POST", "/customers", { text: JSON.stringify({ email: "big@example.com", name: "x".repeat(1024 * 1024) }) })
  yield* control.setRateLimit({ requests: 1, window: "1 minute" })
  yield* ok("GET", "/customers?limit=1")
  yield* fails(429, "GET", "/customers?limit=1")
  yield* control.setRateLimit(undefined)
  yield* control.injectFaults(
    { times: 1, route: "GET /customers/:id", fault: { _tag: "Status", status: 500 } },
    { times: 1, route: "GET /customers/:id", fault: { _tag: "Status", status: 503, code: "service_unavailable", message: "Down for upkeep" } }
  )
  yield* fails(500, "GET", `/customers/${ama.id}`)
  yield* fails(503, "GET", `/customers/${ama.id}`)
  return answers
})

describe("the two editions' schemas on the JSON users meet", () => {
  it("decode every example of docs/openapi.yaml (bodies and answers) to the same JSON", () => {
    const { document, text } = readSpec()
    const { found, stray } = specExamples(document)
    // Every `example` key of the file is one found, with its shape: none is skipped unseen.
    assert.deepStrictEqual(stray, [])
    assert.isAbove(found.length, 0)
    assert.strictEqual(found.length, exampleKeyLines(text))
    // The component each example's schema names is the shape core says the operation takes or answers.
    for (const example of found) assert.strictEqual(example.component, example.shape, example.where)
    // Each operation has its answer's example, and one for its body when it sends one.
    for (const op of operations) {
      const at = (part: string) => found.some((e) => e.where.includes(`.${op.method.toLowerCase()}.${part}`))
      assert.isTrue(at(`responses.${op.status}.`), `${op.operation}: no answer example`)
      if (op.params !== undefined && (op.method === "POST" || op.method === "PATCH")) assert.isTrue(at("requestBody."), `${op.operation}: no body example`)
    }
    assertSameJson(found.map(({ example, shape, where }) => ({ where, shape, input: example })))
  }, 120_000)

  it.effect("decode every answer of the in-memory Xtopay (every operation's, and its errors) to the same JSON", () =>
    Effect.gen(function*() {
      const answers = yield* session
      const successes = answers.filter((a) => a.status >= 200 && a.status < 300)
      // Each operation of the description answered at least once with its success status (or 200, a replay).
      const answered = new Set(successes.map((a) => a.op?.operation))
      assert.deepStrictEqual(operations.map((op) => op.operation).filter((name) => !answered.has(name)), [])
      for (const a of successes) assert.include([a.op!.status, 200], a.status, a.request)
      // The error envelopes of every status the fake answers with.
      assert.deepStrictEqual(
        [...new Set(answers.filter((a) => a.status >= 400).map((a) => a.status))].sort(),
        [400, 401, 403, 404, 409, 413, 422, 429, 500, 503]
      )
      assertSameJson(casesOf(answers).map(({ input, request, shape }) => ({ where: request, shape, input })))
    }), 120_000)
})
