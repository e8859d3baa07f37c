/**
 * `Webhooks.router` (issue 26.7): one handler per event type with its typed event, `orElse` for
 * the rest (told whether the type is known), `before` to drop a delivery (a duplicate), `after` to
 * record it; the verification and answers of `Webhooks.handler`; and webhook secrets that are
 * empty or only whitespace refused when a handler or router is made.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Layer, Redacted, Ref, type Scope } from "effect"
import * as HttpEffect from "effect/http/HttpEffect"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import { Webhooks, type XtopayEvent, XtopayTestWith } from "../../src/index.js"
import { customer, deliveryHeaders, eventBody, makeRecordingLogger, OTHER_SECRET, paymentMethod, SECRET } from "./support.js"

const client = XtopayTestWith({ clientSecret: Redacted.make(SECRET) })

/** A web handler over `app`, with a fresh test client (and a recording logger) each. */
const webHandler = (
  app: Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest | any>,
  layer: Layer.Layer<any> = Layer.fresh(client)
) =>
  HttpEffect.toWebHandler(
    app.pipe(Effect.provide(layer)) as Effect.Effect<
      HttpServerResponse.HttpServerResponse,
      never,
      HttpServerRequest.HttpServerRequest | Scope.Scope
    >
  )

/** Posts `body`, signed now with `secret`, and reads the answer. */
const deliver = async (handle: (request: Request) => Promise<Response>, body: string, secret = SECRET) => {
  const headers = deliveryHeaders(body, { secret, timestamp: String(Math.floor(Date.now() / 1000)) })
  const answer = await handle(new Request("http://shop.test/webhooks/xtopay", { method: "POST", body, headers }))
  const text = await answer.text()
  return { status: answer.status, text, json: text === "" ? undefined : JSON.parse(text) as Record<string, unknown> }
}

const created = eventBody("customer.created", customer, "evt_created1")
const deleted = eventBody("customer.deleted", customer, "evt_deleted1")
const added = eventBody("customer.payment_method_added", paymentMethod, "evt_added1")
const subscription = eventBody("subscription.created", { id: "sub_1", plan: "pro" }, "evt_sub1")

describe("Webhooks.router: one handler per event type", () => {
  it("runs the handler of the event's type with its typed data; orElse gets the rest, told whether the type is known", async () => {
    const seen: Array<string> = []
    const handle = webHandler(
      Webhooks.router({
        "customer.created": (event) => Effect.sync(() => seen.push(`created ${event.data.email}`)),
        "customer.payment_method_added": (event) => Effect.sync(() => seen.push(`added ${event.data.type} ${event.data.id}`))
      }, {
        orElse: (event, { known }) => Effect.sync(() => seen.push(`orElse ${String(event.type)} known=${known}`))
      })
    )
    for (const body of [created, added, deleted, subscription]) {
      assert.strictEqual((await deliver(handle, body)).status, 200)
    }
    assert.deepStrictEqual(seen, [
      "created ama@example.com",
      `added card ${paymentMethod.id}`,
      "orElse customer.deleted known=true",
      "orElse subscription.created known=false"
    ])
  })

  it("without orElse, an event no handler takes is acknowledged (200) and nothing runs", async () => {
    const seen: Array<string> = []
    const handle = webHandler(Webhooks.router({ "customer.created": (event) => Effect.sync(() => seen.push(event.id)) }))
    assert.strictEqual((await deliver(handle, subscription)).status, 200)
    assert.strictEqual((await deliver(handle, deleted)).status, 200)
    assert.deepStrictEqual(seen, [])
  })

  it("a key that names Object.prototype's members in the body's type never reaches them", async () => {
    const handle = webHandler(Webhooks.router({ "customer.created": () => Effect.void }))
    for (const type of ["toString", "constructor", "__proto__", "hasOwnProperty"]) {
      assert.strictEqual((await deliver(handle, eventBody(type, {}))).status, 200, type)
    }
  })

  it("the answers of Webhooks.handler: 400 for a bad signature or payload (nothing runs), 500 when a handler fails, logged once", async () => {
    const logger = makeRecordingLogger()
    const ran: Array<string> = []
    const handle = webHandler(
      Webhooks.router({
        "customer.created": () => Effect.sync(() => ran.push("created")),
        "customer.deleted": () => Effect.fail(new Error("the database is down"))
      }, { before: (event) => Effect.sync(() => ran.push(`before ${event.id}`)).pipe(Effect.as(true)) }),
      Layer.mergeAll(Layer.fresh(client), logger.layer)
    )
    const forged = await deliver(handle, created, OTHER_SECRET)
    assert.strictEqual(forged.status, 400)
    assert.deepStrictEqual(forged.json, {
      _tag: "WebhookVerificationError",
      reason: "NoMatchingSignature",
      message: forged.json!["message"]
    })
    const bad = eventBody("customer.created", { ...customer, email: 42 })
    assert.strictEqual((await deliver(handle, bad)).json!["reason"], "InvalidPayload")
    assert.deepStrictEqual(ran, [])

    const failed = await deliver(handle, deleted)
    assert.strictEqual(failed.status, 500)
    assert.strictEqual(failed.json!["_tag"], "HandlerFailed")
    assert.notInclude(failed.text, "the database is down")
    const warnings = logger.lines.filter((line) => line.level === "Warn")
    assert.strictEqual(warnings.length, 1)
    assert.include(warnings[0]!.text, "Webhooks.router")
    assert.include(warnings[0]!.text, "the database is down")
    assert.strictEqual(warnings[0]!.annotations["xtopay.event_id"], "evt_deleted1")
    for (const line of logger.lines) assert.notInclude(line.text, SECRET)
  })
})

describe("Webhooks.router: before and after, and a dedupe on event ids", () => {
  /** The docs' dedupe: ids handled so far in a Ref<Set>; a duplicate is acknowledged without handling. */
  const dedupingRouter = (handled: Ref.Ref<ReadonlySet<string>>, work: (event: XtopayEvent) => Effect.Effect<void, Error>) =>
    Webhooks.router({
      "customer.created": work,
      "customer.deleted": work
    }, {
      before: (event) => Effect.map(Ref.get(handled), (ids) => !ids.has(event.id)),
      after: (event) => Ref.update(handled, (ids) => new Set(ids).add(event.id))
    })

  it("a delivery of an event already handled is acknowledged (200) without running the handler again", async () => {
    const handled = Effect.runSync(Ref.make<ReadonlySet<string>>(new Set()))
    const runs: Array<string> = []
    const handle = webHandler(dedupingRouter(handled, (event) => Effect.sync(() => void runs.push(event.id))))
    for (const body of [created, created, deleted, created]) assert.strictEqual((await deliver(handle, body)).status, 200)
    assert.deepStrictEqual(runs, ["evt_created1", "evt_deleted1"])
    assert.deepStrictEqual([...Effect.runSync(Ref.get(handled))].sort(), ["evt_created1", "evt_deleted1"])
  })

  it("an event whose handler failed is not recorded: its redelivery runs the handler again", async () => {
    const handled = Effect.runSync(Ref.make<ReadonlySet<string>>(new Set()))
    let attempts = 0
    const handle = webHandler(
      dedupingRouter(handled, () => ++attempts === 1 ? Effect.fail(new Error("timeout")) : Effect.void),
      Layer.mergeAll(Layer.fresh(client), makeRecordingLogger().layer)
    )
    assert.strictEqual((await deliver(handle, created)).status, 500)
    assert.strictEqual((await deliver(handle, created)).status, 200)
    assert.strictEqual((await deliver(handle, created)).status, 200)
    assert.strictEqual(attempts, 2)
  })

  it("before failing, or after failing, answers 500 (Xtopay delivers again); before is not run for a refused delivery", async () => {
    let befores = 0
    const failingBefore = webHandler(
      Webhooks.router({ "customer.created": () => Effect.void }, {
        before: () => Effect.sync(() => befores++).pipe(Effect.andThen(Effect.fail("store down")))
      }),
      Layer.mergeAll(Layer.fresh(client), makeRecordingLogger().layer)
    )
    assert.strictEqual((await deliver(failingBefore, created)).status, 500)
    assert.strictEqual((await deliver(failingBefore, created, OTHER_SECRET)).status, 400)
    assert.strictEqual(befores, 1)
    const ran: Array<string> = []
    const failingAfter = webHandler(
      Webhooks.router({ "customer.created": () => Effect.sync(() => ran.push("handler")) }, {
        after: () => Effect.die(new Error("bug in after"))
      }),
      Layer.mergeAll(Layer.fresh(client), makeRecordingLogger().layer)
    )
    assert.strictEqual((await deliver(failingAfter, created)).status, 500)
    assert.deepStrictEqual(ran, ["handler"])
  })
})

describe("secrets of a handler or router", () => {
  it("explicit secrets (a rotation: old and new) verify without an XtopayClient in context", async () => {
    const seen: Array<string> = []
    const app = Webhooks.router(
      { "customer.created": (event) => Effect.sync(() => seen.push(event.id)) },
      { secrets: [Redacted.make(OTHER_SECRET), Redacted.make(SECRET)] }
    )
    const handle = HttpEffect.toWebHandler(app)
    assert.strictEqual((await deliver(handle, created, SECRET)).status, 200)
    assert.strictEqual((await deliver(handle, created, OTHER_SECRET)).status, 200)
    assert.strictEqual((await deliver(handle, created, "csk_test_someone_else")).status, 400)
    assert.deepStrictEqual(seen, ["evt_created1", "evt_created1"])
    const plain = HttpEffect.toWebHandler(
      Webhooks.handler((event) => Effect.sync(() => seen.push(event.id)), { secrets: [Redacted.make(SECRET)] })
    )
    assert.strictEqual((await deliver(plain, deleted)).status, 200)
  })

  it("an empty list, or a secret empty or only whitespace, is refused when the handler or router is made", () => {
    for (const secrets of [[], [Redacted.make("")], [Redacted.make(" \t\n")], [Redacted.make(SECRET), Redacted.make("\u00a0")]]) {
      for (const make of [() => Webhooks.router({}, { secrets }), () => Webhooks.handler(() => Effect.void, { secrets })]) {
        let thrown: unknown
        try {
          make()
        } catch (error) {
          thrown = error
        }
        assert.instanceOf(thrown, Cause.IllegalArgumentError)
        const message = (thrown as Error).message
        assert.match(message, /^Webhooks\.(router|handler): /)
        assert.match(message, secrets.length === 0 ? /secrets is an empty list/ : /empty or only whitespace/)
        assert.notInclude(message, SECRET)
      }
    }
  })

  it("a client secret empty or only whitespace: every delivery is answered 500 (InvalidWebhookSecret), logged at Error, and constructEvent dies", async () => {
    for (const blank of ["", "   "]) {
      const logger = makeRecordingLogger()
      const ran: Array<string> = []
      const blankClient = XtopayTestWith({ clientSecret: Redacted.make(blank) })
      for (const app of [Webhooks.router({ "customer.created": () => Effect.sync(() => ran.push("router")) }), Webhooks.handler(() => Effect.sync(() => ran.push("handler")))]) {
        const handle = webHandler(app, Layer.mergeAll(Layer.fresh(blankClient), logger.layer))
        // Signed with the blank key itself: anyone could make this signature.
        const answer = await deliver(handle, created, blank)
        assert.strictEqual(answer.status, 500)
        assert.strictEqual(answer.json!["_tag"], "InvalidWebhookSecret")
        assert.include(String(answer.json!["message"]), "empty or only whitespace")
      }
      assert.deepStrictEqual(ran, [])
      assert.strictEqual(logger.lines.filter((line) => line.level === "Error").length, 2)
      const exit = await Effect.runPromiseExit(
        Webhooks.constructEvent(created, deliveryHeaders(created, { secret: blank })).pipe(Effect.provide(blankClient))
      )
      assert.isTrue(exit._tag === "Failure" && Cause.hasDies(exit.cause))
    }
  })
})
