/**
 * What a hostile or broken answer, or a careless caller, must not break (issue 25, 1 and 3): JSON
 * nested thousands deep, in an answer or in a call's parameters, fails with the library's own
 * error, never a `RangeError`; and no message or error field quotes a huge value whole.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Stream } from "effect"
import { Customers } from "../../src/index.js"
import { clientLayer, json, rawJson } from "../support/scripted.js"
import { customerDetails, listedCustomer } from "./fixtures.js"

/** 3,000 arrays, one inside the next (≈ 6 kB of JSON). */
const deeplyNested = (depth = 3_000): string => `${"[".repeat(depth)}${"]".repeat(depth)}`

/** Every string an error carries: its message and each string field, as a logger would print them. */
const textsOf = (error: object): ReadonlyArray<string> =>
  Object.values({ ...error, message: (error as { message?: unknown }).message }).filter(
    (value): value is string => typeof value === "string"
  )

/** At most this many characters in any message (the quote's cap, with the sentence around it). */
const MESSAGE_CAP = 1_000

describe("an answer nested thousands deep", () => {
  it.effect("Customers.retrieve: UnexpectedResponse, not a RangeError", () =>
    Effect.gen(function*() {
      const body = JSON.stringify({ ...customerDetails, metadata: "DEEP" }).replace("\"DEEP\"", `{"deep":${deeplyNested()}}`)
      assert.include(body, "[[[[")
      const exit = yield* Effect.exit(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(clientLayer([rawJson(200, body)]))))
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isSuccess(exit)) return
      assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause).slice(0, 300))
      const error = Cause.squash(exit.cause) as { _tag?: string; message: string }
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "metadata")
      for (const text of textsOf(error)) assert.isAtMost(text.length, MESSAGE_CAP)
    }))

  it.effect("Customers.list: the stream fails with UnexpectedResponse, not a RangeError", () =>
    Effect.gen(function*() {
      const page = JSON.stringify({
        data: [{ ...listedCustomer(1), metadata: "DEEP" }],
        pagination: { has_more: false, next_cursor: null, previous_cursor: null, total_count: 1 }
      }).replace("\"DEEP\"", `{"deep":${deeplyNested()}}`)
      assert.include(page, "[[[[")
      const exit = yield* Effect.exit(
        Stream.runCollect(Customers.list()).pipe(Effect.provide(clientLayer([rawJson(200, page)])))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isSuccess(exit)) return
      assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause).slice(0, 300))
      assert.strictEqual((Cause.squash(exit.cause) as { _tag?: string })._tag, "UnexpectedResponse")
    }))
})

describe("parameters nested thousands deep", () => {
  it.effect("Customers.create: InvalidRequest naming the field, and nothing is sent", () =>
    Effect.gen(function*() {
      const metadata = { deep: JSON.parse(deeplyNested()) as unknown }
      const exit = yield* Effect.exit(
        Customers.create({ email: "ama@example.com", metadata } as never).pipe(Effect.provide(clientLayer([])))
      )
      assert.isTrue(Exit.isFailure(exit))
      if (Exit.isSuccess(exit)) return
      assert.isFalse(Cause.isDie(exit.cause), Cause.pretty(exit.cause).slice(0, 300))
      const error = Cause.squash(exit.cause) as { _tag?: string; param?: string; message: string }
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.param, "metadata")
      for (const text of textsOf(error)) assert.isAtMost(text.length, MESSAGE_CAP)
    }))
})

describe("what an error quotes is bounded", () => {
  const huge = "x".repeat(2_000_000)

  it.effect("a huge field of the wrong type in an answer: the message quotes a few hundred characters of it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(clientLayer([json(200, { ...customerDetails, email: [huge] })])))
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "email")
      for (const text of textsOf(error)) assert.isAtMost(text.length, MESSAGE_CAP)
    }))

  it.effect("a huge bad parameter: InvalidRequest quotes a few hundred characters of it", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Customers.create({ email: huge }).pipe(Effect.provide(clientLayer([])))
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      for (const text of textsOf(error)) assert.isAtMost(text.length, MESSAGE_CAP)
    }))

  it.effect("a redirect to a huge Location: the message and the location field are bounded", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(clientLayer([{ _tag: "Answer", status: 302, headers: { location: `https://elsewhere.example/${huge}` }, body: "" }]))
        )
      )
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "redirect")
      for (const text of textsOf(error)) assert.isAtMost(text.length, MESSAGE_CAP)
    }))

  it.effect("an error envelope with a huge message: the error's message is bounded", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Customers.retrieve("cus_a1b2c3").pipe(
          Effect.provide(clientLayer([json(400, { error: { code: "parameter_invalid", message: huge, param: huge } })]))
        )
      )
      assert.strictEqual(error._tag, "InvalidRequest")
      for (const text of textsOf(error)) assert.isAtMost(text.length, MESSAGE_CAP)
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
    }).pipe(Effect.provide(clientLayer([rawJson(200, big, { "content-length": String(big.length) })], { maxResponseBytes: 10 }))))

  it.effect("a limit per client applies to every call; a bad one is refused", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Customers.retrieve("cus_a1b2c3").pipe(Effect.provide(clientLayer([rawJson(200, big)], { maxResponseBytes: 100 }))))
      assert.strictEqual(error._tag === "UnexpectedResponse" ? error.reason : undefined, "ResponseTooLarge")
      const invalid = yield* Effect.flip(Customers.retrieve("cus_a1b2c3", { maxResponseBytes: 0 }).pipe(Effect.provide(clientLayer([]))))
      assert.strictEqual(invalid._tag, "InvalidRequest")
    }))
})
