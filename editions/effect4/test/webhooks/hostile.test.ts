/**
 * Correctly signed but hostile bodies (issue 25.1, 25.3): JSON nested thousands of arrays deep
 * anywhere in the body is refused as `InvalidPayload` (400 from the handler, so Xtopay does not
 * retry it for days), never a stack overflow; and what a message quotes is bounded.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as HttpEffect from "effect/http/HttpEffect"
import { TestClock } from "effect/testing"
import { QUOTE_LIMIT } from "#core/text.js"
import { Webhooks, XtopayTestWith } from "../../src/index.js"
import { customer, deliveryHeaders, eventBody, NOW_MILLIS, SECRET } from "./support.js"

const secrets = [Redacted.make(SECRET)]

/** `depth` arrays, one inside the other: about 2 bytes a level. */
const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`

const event = (type: string, data: string, id = `"evt_deep01"`) =>
  `{"id":${id},"type":"${type}","created_at":"2026-05-24T10:00:00Z","data":${data}}`

const customerWith = (field: string, value: string) => {
  const json = JSON.stringify(customer)
  return `${json.slice(0, -1)},"${field}":${value}}`
}

/** Bodies that nest `depth` arrays somewhere: in a known event's data, an unknown event's, the id, the whole body. */
const deepBodies = (depth: number): ReadonlyArray<readonly [string, string]> => [
  ["metadata of a customer.created", event("customer.created", customerWith("metadata", `{"a":${nested(depth)}}`))],
  ["email of a customer.updated", event("customer.updated", customerWith("email", nested(depth)))],
  ["the id", event("customer.created", JSON.stringify(customer), nested(depth))],
  ["the type", `{"id":"evt_1","type":${nested(depth)},"created_at":"2026-05-24T10:00:00Z","data":{}}`],
  ["data of an unknown type, with a bad created_at", `{"id":"evt_1","type":"subscription.created","created_at":${nested(depth)},"data":${nested(depth)}}`],
  ["the whole body", nested(depth)],
  ["an object nesting objects", `${"{\"a\":".repeat(depth)}1${"}".repeat(depth)}`]
]

describe("a correctly signed body nested thousands deep", () => {
  it.effect("constructEventWith refuses it as InvalidPayload at 3,000 and 20,000 levels, with a short message", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      for (const depth of [3_000, 20_000]) {
        for (const [where, body] of deepBodies(depth)) {
          const error = yield* Effect.flip(Webhooks.constructEventWith(body, deliveryHeaders(body), { secrets }))
          assert.strictEqual(error.reason, "InvalidPayload", `${where} at ${depth}`)
          assert.isAtMost(error.message.length, QUOTE_LIMIT, `${where}: ${error.message}`)
          assert.notInclude(error.message, "[[[[", where)
        }
      }
    }))

  it.effect("up to MAX_JSON_DEPTH levels is read as usual; brackets inside strings do not count", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      // The event object is level 1, so `data` may nest MAX_JSON_DEPTH - 1 levels.
      const deepest = event("subscription.created", nested(Webhooks.MAX_JSON_DEPTH - 1))
      const kept = yield* Webhooks.constructEventWith(deepest, deliveryHeaders(deepest), { secrets })
      assert.strictEqual(String(kept.type), "subscription.created")
      const deeper = event("subscription.created", nested(Webhooks.MAX_JSON_DEPTH))
      const refused = yield* Effect.flip(Webhooks.constructEventWith(deeper, deliveryHeaders(deeper), { secrets }))
      assert.strictEqual(refused.reason, "InvalidPayload")
      assert.include(refused.message, `more than ${Webhooks.MAX_JSON_DEPTH} levels`)
      const inStrings = event("subscription.created", JSON.stringify({ note: `\\"${"[{".repeat(5_000)}` }))
      const text = yield* Webhooks.constructEventWith(inStrings, deliveryHeaders(inStrings), { secrets })
      assert.strictEqual((text.data as { note: string }).note.length, 10_002)
    }))

  it.effect("under the limit, a bad value nested deep is named by its path, an unknown type's fields too (not its `type`)", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      const metadata = event("customer.created", customerWith("metadata", `{"a":${nested(50)}}`))
      const known = yield* Effect.flip(Webhooks.constructEventWith(metadata, deliveryHeaders(metadata), { secrets }))
      assert.include(known.message, "not a customer.created event")
      assert.include(known.message, "data.metadata.a")
      assert.notInclude(known.message, "[[")
      const unknown = `{"id":"evt_1","type":"subscription.created","created_at":${nested(50)},"data":${nested(50)}}`
      const other = yield* Effect.flip(Webhooks.constructEventWith(unknown, deliveryHeaders(unknown), { secrets }))
      assert.include(other.message, "(fields at fault: created_at)")
    }))

  it.effect("constructEvent (the client's secret) refuses it the same way", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      const [, body] = deepBodies(3_000)[0]!
      const error = yield* Effect.flip(Webhooks.constructEvent(body, deliveryHeaders(body)))
      assert.strictEqual(error.reason, "InvalidPayload")
    }).pipe(Effect.provide(XtopayTestWith({ clientSecret: Redacted.make(SECRET) }))))

  it("Webhooks.handler answers 400 with the reason and a clear message, for each of them", async () => {
    const handle = HttpEffect.toWebHandler(
      Webhooks.handler(() => Effect.void).pipe(Effect.provide(Layer.fresh(XtopayTestWith({ clientSecret: Redacted.make(SECRET) }))))
    )
    for (const [where, body] of deepBodies(3_000)) {
      const headers = deliveryHeaders(body, { timestamp: String(Math.floor(Date.now() / 1000)) })
      const answer = await handle(new Request("http://shop.test/webhooks/xtopay", { method: "POST", body, headers }))
      assert.strictEqual(answer.status, 400, where)
      const json = (await answer.json()) as { _tag: string; reason: string; message: string }
      assert.strictEqual(json._tag, "WebhookVerificationError")
      assert.strictEqual(json.reason, "InvalidPayload", where)
      assert.include(json.message, `nests arrays or objects more than ${Webhooks.MAX_JSON_DEPTH} levels deep`, where)
    }
  })
})

describe("what a refusal's message quotes is bounded", () => {
  it.effect("a 1 MB key at fault, or a 1 MB timestamp header: the message stays within the quote limit", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      const key = "k".repeat(1_000_000)
      const body = event("customer.created", customerWith("metadata", `{"${key}":1}`))
      const payload = yield* Effect.flip(Webhooks.constructEventWith(body, deliveryHeaders(body), { secrets }))
      assert.strictEqual(payload.reason, "InvalidPayload")
      assert.include(payload.message, "data.metadata.")
      assert.isAtMost(payload.message.length, QUOTE_LIMIT)

      const plain = eventBody("customer.created", customer)
      const timestamp = `1${"x".repeat(1_000_000)}`
      const header = yield* Effect.flip(
        Webhooks.constructEventWith(plain, { ...deliveryHeaders(plain), "x-xtopay-timestamp": timestamp }, { secrets })
      )
      assert.strictEqual(header.reason, "MalformedHeader")
      assert.isAtMost(header.message.length, QUOTE_LIMIT)
      assert.include(header.message, "\"1xxx")
    }))
})
