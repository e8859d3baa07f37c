/**
 * What a hostile or broken answer, or a careless caller, must not break (issue 25, 1 to 3), as in
 * the Effect 3 edition: JSON nested thousands deep, in an answer or in a call's parameters, fails
 * with the library's own error, never a `RangeError`; no message quotes a huge value whole; and no
 * answer is read past `maxResponseBytes`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Config, Effect, Exit, Layer, Redacted, Stream } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { Customers, XtopayClient, XtopayTestWith } from "../../src/index.js"
import { clientLayer, rawJson, scriptedLayer } from "../support/scripted.js"
import { customerDetails } from "./fixtures.js"

/** 3,000 arrays, one inside the next (≈ 6 kB of JSON). */
const deeplyNested = (depth = 3_000): string => `${"[".repeat(depth)}${"]".repeat(depth)}`

const customer = {
  id: "cus_a1b2c3",
  object: "customer",
  email: "ama@example.com",
  name: null,
  phone: null,
  currency: "GHS",
  metadata: "DEEP",
  created_at: "2026-05-24T10:00:00Z"
}

/** A client whose every answer is `status` with `body`, counting what it was sent. */
const answering = (status: number, body: string) => {
  const sent = { count: 0 }
  const client = HttpClient.make((request) => {
    sent.count++
    return Effect.succeed(HttpClientResponse.fromWeb(request, new Response(body, { status })))
  })
  const layer = XtopayClient.layer({ clientId: "cid_test_a", clientSecret: Redacted.make("csk_test_a"), maxRetries: 0 }).pipe(
    Layer.provide(Layer.succeed(HttpClient.HttpClient, client))
  )
  return { sent, layer }
}

/** At most this many characters in any message (a quote's cap, with the sentence around it). */
const MESSAGE_CAP = 1_000

const failureOf = <A, E>(exit: Exit.Exit<A, E>) => {
  assert.isTrue(Exit.isFailure(exit))
  const cause = Exit.isFailure(exit) ? exit.cause : Cause.empty
  assert.isFalse(Cause.hasDies(cause), Cause.pretty(cause).slice(0, 300))
  return Cause.squash(cause) as { readonly _tag?: string; readonly message: string; readonly param?: string }
}

describe("an answer nested thousands deep", () => {
  it.effect("Customers.retrieve: UnexpectedResponse naming the field, not a RangeError", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ ...customer, subscriptions: [], payment_methods: [] }).replace("\"DEEP\"", `{"deep":${deeplyNested()}}`)
      const { layer } = answering(200, body)
      const error = failureOf(yield* Effect.exit(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(layer))))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "metadata")
      assert.isAtMost(error.message.length, MESSAGE_CAP)
    }))

  it.effect("Customers.list: the stream fails with UnexpectedResponse, not a RangeError", () =>
    Effect.gen(function*() {
      const page = JSON.stringify({
        data: [customer],
        pagination: { has_more: false, next_cursor: null, previous_cursor: null, total_count: 1 }
      }).replace("\"DEEP\"", `{"deep":${deeplyNested()}}`)
      const { layer } = answering(200, page)
      const error = failureOf(yield* Effect.exit(Stream.runCollect(Customers.list()).pipe(Effect.provide(layer))))
      assert.strictEqual(error._tag, "UnexpectedResponse")
    }))
})

describe("parameters nested thousands deep", () => {
  it.effect("Customers.create: InvalidRequest naming the field, and nothing is sent", () =>
    Effect.gen(function*() {
      const { layer, sent } = answering(201, "{}")
      const metadata = { deep: JSON.parse(deeplyNested()) as unknown }
      const error = failureOf(
        yield* Effect.exit(Customers.create({ email: "ama@example.com", metadata } as never).pipe(Effect.provide(layer)))
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.param, "metadata")
      assert.isAtMost(error.message.length, MESSAGE_CAP)
      assert.strictEqual(sent.count, 0)
    }))

  it.effect("a huge string where an email goes is not quoted whole", () =>
    Effect.gen(function*() {
      const { layer } = answering(201, "{}")
      const error = failureOf(yield* Effect.exit(Customers.create({ email: "x".repeat(1_000_000) }).pipe(Effect.provide(layer))))
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.isAtMost(error.message.length, MESSAGE_CAP)
    }))
})

describe("maxResponseBytes", () => {
  const big = JSON.stringify({ ...customerDetails, name: "x".repeat(4_000) })

  it.effect("an answer past the limit: UnexpectedResponse ResponseTooLarge naming the limit, not retried", () =>
    Effect.gen(function*() {
      // Declared longer than the limit, and with no declared length at all (counted as it arrives).
      for (const headers of [{ "content-length": String(big.length) }, {}]) {
        const error = yield* Effect.flip(
          Customers.retrieve("cus_a1b2c3", { maxResponseBytes: 1_000 }).pipe(
            Effect.provide(clientLayer([rawJson(200, big, headers)], { maxRetries: 2 }))
          )
        )
        assert.strictEqual(error._tag, "UnexpectedResponse")
        if (error._tag === "UnexpectedResponse") {
          assert.strictEqual(error.reason, "ResponseTooLarge")
          assert.include(error.message, "1000 bytes")
          assert.strictEqual(error.attempts, 1)
        }
      }
    }))

  it.effect("within the limit, per call or per client, the answer is read as usual", () =>
    Effect.gen(function*() {
      const customer = yield* Customers.retrieve("cus_a1b2c3", { maxResponseBytes: big.length })
      assert.strictEqual(customer.name?.length, 4_000)
      // Counted as it arrives, exactly at the limit.
      const counted = yield* Customers.retrieve("cus_a1b2c3", { maxResponseBytes: big.length })
      assert.strictEqual(counted.name?.length, 4_000)
    }).pipe(
      Effect.provide(
        clientLayer([rawJson(200, big, { "content-length": String(big.length) }), rawJson(200, big)], { maxResponseBytes: 10 })
      )
    ))

  it.effect("a limit per client applies to every call; a bad one is refused", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(clientLayer([rawJson(200, big)], { maxResponseBytes: 100 }))))
      assert.strictEqual(error._tag === "UnexpectedResponse" ? error.reason : undefined, "ResponseTooLarge")
      const invalid = yield* Effect.flip(Customers.retrieve("cus_a1b2c3", { maxResponseBytes: 0 }).pipe(Effect.provide(clientLayer([]))))
      assert.strictEqual(invalid._tag, "InvalidRequest")
      assert.strictEqual(invalid._tag === "InvalidRequest" ? invalid.param : undefined, "maxResponseBytes")
    }))

  it.effect("over the in-memory Xtopay too: XtopayTestWith's limit applies, a call's replaces it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Customers.listPage())
      assert.strictEqual(error._tag === "UnexpectedResponse" ? error.reason : undefined, "ResponseTooLarge")
      assert.include(error.message, "64 bytes")
      const page = yield* Customers.listPage({}, { maxResponseBytes: 1024 * 1024 })
      assert.deepStrictEqual(page.data, [])
    }).pipe(Effect.provide(XtopayTestWith({ maxRetries: 0, maxResponseBytes: 64 }))))

  it.effect("the layers take it: a bad one is a ConfigError naming it; layerConfig reads it", () =>
    Effect.gen(function*() {
      const credentials = { clientId: "cid_test_a", clientSecret: Redacted.make("csk_test_a"), maxRetries: 0 }
      const refused = yield* Effect.exit(
        Layer.build(Layer.provide(XtopayClient.layer({ ...credentials, maxResponseBytes: 1.5 }), scriptedLayer([]))).pipe(Effect.scoped)
      )
      assert.isTrue(Exit.isFailure(refused))
      assert.include(String(Exit.isFailure(refused) ? Cause.squash(refused.cause) : ""), "maxResponseBytes")
      const configured = XtopayClient.layerConfig({
        clientId: Config.succeed(credentials.clientId),
        clientSecret: Config.succeed(credentials.clientSecret),
        maxRetries: Config.succeed(0),
        maxResponseBytes: Config.succeed(100)
      }).pipe(Layer.provide(scriptedLayer([rawJson(200, big)])))
      const error = yield* Effect.flip(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(configured)))
      assert.strictEqual(error._tag === "UnexpectedResponse" ? error.reason : undefined, "ResponseTooLarge")
    }))
})
