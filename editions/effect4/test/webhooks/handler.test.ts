/**
 * `Webhooks.handler` in a real `HttpRouter`, served by `@effect/platform-node` on 127.0.0.1 (a
 * free port) and posted to over real HTTP with `fetch`: 200, 400, 413 and 500, and what the 500
 * logs; then on a web `Request`, in process, as fetch runtimes call it.
 */
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer, Redacted, Ref } from "effect"
import * as HttpEffect from "effect/http/HttpEffect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import * as HttpApi from "effect/http-api/HttpApi"
import * as HttpApiBuilder from "effect/http-api/HttpApiBuilder"
import * as HttpApiEndpoint from "effect/http-api/HttpApiEndpoint"
import * as HttpApiGroup from "effect/http-api/HttpApiGroup"
import { createServer } from "node:http"
import { Webhooks, type XtopayEvent, XtopayTestWith } from "../../src/index.js"
import {
  customer,
  deliveryHeaders,
  eventBody,
  makeRecordingLogger,
  nodeSignature,
  nowHeaders,
  OTHER_SECRET,
  SECRET
} from "./support.js"

const client = XtopayTestWith({ clientSecret: Redacted.make(SECRET) })

/**
 * Serves a router with `Webhooks.handler(f)` at POST /webhooks/xtopay on 127.0.0.1, a free port;
 * gives its URL and the events `f` saw. The server stops with the scope.
 */
const serve = (f: (event: XtopayEvent) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<XtopayEvent>>([])
    const routes = HttpRouter.add(
      "POST",
      "/webhooks/xtopay",
      Webhooks.handler((event) => Ref.update(seen, (events) => [...events, event]).pipe(Effect.andThen(f(event))))
    )
    const app = yield* HttpRouter.toHttpEffect(routes)
    const server = yield* NodeHttpServer.make(() => createServer(), { port: 0, host: "127.0.0.1" })
    yield* server.serve(app)
    const address = server.address
    if (address._tag === "UnixPathAddress") return yield* Effect.die(new Error("expected a TCP address"))
    return { url: `http://127.0.0.1:${address.port}/webhooks/xtopay`, seen: Ref.get(seen) }
  })

/** Posts over real HTTP, bounded in time; the answer's status, headers and text, or the failure. */
const post = (url: string, body: string, headers: Record<string, string>) =>
  Effect.promise(async () => {
    const response = await fetch(url, { method: "POST", body, headers, signal: AbortSignal.timeout(10_000) })
    return { status: response.status, headers: response.headers, text: await response.text() }
  })

describe("Webhooks.handler over real HTTP", () => {
  it.live("200 for a genuine delivery, after f has run with the decoded event", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* serve(() => Effect.void)
      const body = eventBody("customer.created", customer)
      const answer = yield* post(url, body, nowHeaders(body))
      assert.strictEqual(answer.status, 200)
      const events = yield* seen
      assert.strictEqual(events.length, 1)
      assert.strictEqual(events[0]!.id, "evt_a1b2c3d4")
      assert.strictEqual(events[0]!.type, "customer.created")
    }).pipe(Effect.scoped, Effect.provide(client)))

  it.live("400 with the tag, reason and message for a bad signature, a bad payload or a missing header; f never runs", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* serve(() => Effect.void)
      const body = eventBody("customer.created", customer)
      const bad = eventBody("customer.created", { ...customer, email: 42 })
      const { "x-xtopay-signature": _, ...unsigned } = nowHeaders(body)
      const cases = [
        [body, nowHeaders(body, OTHER_SECRET), "NoMatchingSignature"],
        [JSON.stringify(JSON.parse(body), null, 2), nowHeaders(body), "NoMatchingSignature"],
        [bad, nowHeaders(bad), "InvalidPayload"],
        [body, unsigned, "MissingHeader"],
        [body, { ...nowHeaders(body), "x-xtopay-timestamp": "1e9" }, "MalformedHeader"],
        [body, deliveryHeaders(body, { timestamp: String(Math.floor(Date.now() / 1000) - 3600) }), "TimestampOutsideTolerance"]
      ] as const
      for (const [payload, headers, reason] of cases) {
        const answer = yield* post(url, payload, headers)
        assert.strictEqual(answer.status, 400, reason)
        assert.match(answer.headers.get("content-type") ?? "", /^application\/json/)
        const json = JSON.parse(answer.text) as Record<string, unknown>
        assert.deepStrictEqual(Object.keys(json).sort(), ["_tag", "message", "reason"])
        assert.strictEqual(json["_tag"], "WebhookVerificationError")
        assert.strictEqual(json["reason"], reason)
        assert.isString(json["message"])
        assert.notInclude(answer.text, SECRET)
      }
      assert.deepStrictEqual(yield* seen, [])
    }).pipe(Effect.scoped, Effect.provide(client)))

  it.live("413 for a body over 1 MiB, even validly signed; exactly 1 MiB is read and accepted", () =>
    Effect.gen(function*() {
      const { seen, url } = yield* serve(() => Effect.void)
      const compact = eventBody("customer.created", customer)
      // JSON padded with spaces to an exact size: still an event, still validly signed.
      const ofSize = (size: number) => `${compact.slice(0, -1)}${" ".repeat(size - compact.length)}}`
      const limit = ofSize(Webhooks.MAX_BODY_BYTES)
      assert.strictEqual(Buffer.byteLength(limit), 1024 * 1024)
      const atLimit = yield* post(url, limit, nowHeaders(limit))
      assert.strictEqual(atLimit.status, 200, atLimit.text)
      const over = ofSize(Webhooks.MAX_BODY_BYTES + 1)
      const tooLarge = yield* post(url, over, nowHeaders(over))
      assert.strictEqual(tooLarge.status, 413)
      assert.strictEqual((JSON.parse(tooLarge.text) as { _tag: string })._tag, "PayloadTooLarge")
      assert.strictEqual((yield* seen).length, 1)
    }).pipe(Effect.scoped, Effect.provide(client)))

  it.live("500 when f fails or dies, each logged exactly once at Warning, with the event id and no secret or signature", () =>
    Effect.gen(function*() {
      const logger = makeRecordingLogger()
      yield* Effect.gen(function*() {
        let calls = 0
        const { url } = yield* serve(() => {
          calls++
          return calls === 1 ? Effect.fail(new Error("the database is down")) : Effect.die(new Error("a bug"))
        })
        const body = eventBody("customer.deleted", customer, "evt_fails01")
        const headers = nowHeaders(body)
        for (const expected of ["the database is down", "a bug"]) {
          const before = logger.lines.length
          const answer = yield* post(url, body, headers)
          assert.strictEqual(answer.status, 500)
          assert.strictEqual((JSON.parse(answer.text) as { _tag: string })._tag, "HandlerFailed")
          assert.notInclude(answer.text, expected)
          const warnings = logger.lines.slice(before).filter((line) => line.level === "Warn")
          assert.strictEqual(warnings.length, 1, logger.lines.map((line) => line.text).join("\n"))
          assert.include(warnings[0]!.text, expected)
          assert.strictEqual(warnings[0]!.annotations["xtopay.event_id"], "evt_fails01")
          assert.strictEqual(warnings[0]!.annotations["xtopay.event_type"], "customer.deleted")
        }
        const hex = headers["x-xtopay-signature"].slice("sha256=".length)
        for (const line of logger.lines) {
          assert.notInclude(line.text, SECRET)
          assert.notInclude(line.text, hex)
        }
      }).pipe(Effect.provide(logger.layer))
    }).pipe(Effect.scoped, Effect.provide(client)))

  it.live("the server stops with its scope: a later delivery cannot connect", () =>
    Effect.gen(function*() {
      const url = yield* serve(() => Effect.void).pipe(Effect.map((served) => served.url), Effect.scoped)
      const body = eventBody("customer.created", customer)
      const result = yield* Effect.exit(post(url, body, nowHeaders(body)).pipe(Effect.catchDefect(Effect.fail)))
      assert.strictEqual(result._tag, "Failure")
    }).pipe(Effect.provide(client)))
})

describe("Webhooks.handler served as docs/webhooks.md's Effect 4 Main is (HttpRouter.serve of the routes' layer)", () => {
  it.live("the client layer provided to the served layer verifies the deliveries", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const Routes = HttpRouter.add("POST", "/webhooks/xtopay", Webhooks.handler((event) => Effect.sync(() => void seen.push(event.id))))
      const Main = HttpRouter.serve(Routes, { disableLogger: true, disableListenLog: true }).pipe(
        Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" })),
        Layer.provide(client)
      )
      const context = yield* Layer.build(Main)
      const address = Context.get(context, HttpServer.HttpServer).address
      if (address._tag === "UnixPathAddress") return yield* Effect.die(new Error("expected a TCP address"))
      const url = `http://127.0.0.1:${address.port}/webhooks/xtopay`
      const body = eventBody("customer.created", customer, "evt_main01")
      assert.strictEqual((yield* post(url, body, nowHeaders(body))).status, 200)
      assert.strictEqual((yield* post(url, body, nowHeaders(body, OTHER_SECRET))).status, 400)
      assert.deepStrictEqual(seen, ["evt_main01"])
    }).pipe(Effect.scoped))
})

describe("Webhooks.handler on a web Request (fetch runtimes, in process)", () => {
  const toHandler = (f: (event: XtopayEvent) => Effect.Effect<unknown>) =>
    HttpEffect.toWebHandler(Webhooks.handler(f).pipe(Effect.provide(Layer.fresh(client))))

  it("verifies a web Request's body, and treats a Request with no body as an empty one", async () => {
    const seen: Array<string> = []
    const handle = toHandler((event) => Effect.sync(() => seen.push(event.id)))
    const body = eventBody("customer.updated", customer, "evt_web01")
    const ok = await handle(new Request("http://shop.test/webhooks/xtopay", { method: "POST", body, headers: nowHeaders(body) }))
    assert.strictEqual(ok.status, 200)
    assert.deepStrictEqual(seen, ["evt_web01"])
    const timestamp = String(Math.floor(Date.now() / 1000))
    const empty = await handle(
      new Request("http://shop.test/webhooks/xtopay", {
        method: "POST",
        headers: { "x-xtopay-timestamp": timestamp, "x-xtopay-signature": `sha256=${nodeSignature(SECRET, timestamp, "")}` }
      })
    )
    assert.strictEqual(empty.status, 400)
    assert.strictEqual(((await empty.json()) as { reason: string }).reason, "InvalidPayload")
  })

  it("413 at once for a declared Content-Length far over the limit, without reading the body", async () => {
    let pulled = 0
    const stream = new ReadableStream<Uint8Array>({
      pull: (controller) => {
        pulled++
        controller.enqueue(new Uint8Array(64 * 1024))
      }
    })
    const handle = toHandler(() => Effect.void)
    const answer = await handle(
      new Request("http://shop.test/webhooks/xtopay", {
        method: "POST",
        body: stream,
        headers: { "content-length": String(64 * 1024 * 1024) },
        duplex: "half"
      } as RequestInit)
    )
    assert.strictEqual(answer.status, 413)
    assert.strictEqual(answer.headers.get("connection"), "close")
    assert.isAtMost(pulled, 1)
  })

  it("reads the raw body only once: a handler reading it too gets nothing re-parsed, the signature stays on the bytes", async () => {
    const seen: Array<string> = []
    const handle = toHandler((event) => Effect.sync(() => seen.push(event.id)))
    const body = eventBody("customer.created", customer, "evt_once01")
    // A body split into odd chunks, as a socket delivers it: the bytes are joined exactly.
    const bytes = new TextEncoder().encode(body)
    const chunked = new ReadableStream<Uint8Array>({
      start: (controller) => {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7))
        controller.close()
      }
    })
    const answer = await handle(
      new Request("http://shop.test/webhooks/xtopay", {
        method: "POST",
        body: chunked,
        headers: nowHeaders(body),
        duplex: "half"
      } as RequestInit)
    )
    assert.strictEqual(answer.status, 200)
    assert.deepStrictEqual(seen, ["evt_once01"])
  })
})

describe("Webhooks.handler in an HttpApi endpoint implemented with handleRaw (as docs/webhooks.md shows)", () => {
  class XtopayWebhooks extends HttpApiGroup.make("xtopay").add(HttpApiEndpoint.post("receive", "/webhooks/xtopay")) {}
  class ShopApi extends HttpApi.make("shop").add(XtopayWebhooks) {}

  it("gets the raw body: a genuine delivery is 200, a re-serialized one 400", async () => {
    const seen: Array<string> = []
    const group = HttpApiBuilder.group(ShopApi, "xtopay", (handlers) =>
      handlers.handleRaw("receive", () => Webhooks.handler((event) => Effect.sync(() => seen.push(event.id)))))
    const { dispose, handler } = HttpRouter.toWebHandler(
      HttpApiBuilder.layer(ShopApi).pipe(
        Layer.provide(group),
        // The handler reads the XtopayClient per request: Effect 4 routers provide such services so.
        HttpRouter.provideRequest(client),
        Layer.provide(NodeHttpServer.layerHttpServices)
      ),
      { disableLogger: true }
    )
    try {
      const body = eventBody("customer.created", customer, "evt_api01")
      const post = (payload: string) =>
        handler(new Request("http://shop.test/webhooks/xtopay", { method: "POST", body: payload, headers: nowHeaders(body) }))
      const accepted = await post(body)
      assert.strictEqual(accepted.status, 200, await accepted.text())
      const refused = await post(JSON.stringify(JSON.parse(body), null, 2))
      assert.strictEqual(refused.status, 400)
      assert.strictEqual(((await refused.json()) as { reason: string }).reason, "NoMatchingSignature")
      assert.deepStrictEqual(seen, ["evt_api01"])
    } finally {
      await dispose()
    }
  })
})
