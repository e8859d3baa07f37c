/**
 * What a hostile or broken answer, or a careless caller, must not break (issue 25, 1 and 3), as in
 * the Effect 3 edition: JSON nested thousands deep, in an answer or in a call's parameters, fails
 * with the library's own error, never a `RangeError`; and no message quotes a huge value whole.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Redacted, Stream } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import { Customers, XtopayClient } from "../../src/index.js"

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
