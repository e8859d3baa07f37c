import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Customers, PaymentMethods } from "../../src/index.js"
import { clientLayer, errorAnswer, json, recordedRequests } from "../support/scripted.js"
import { cardPaymentMethod, listedCustomer, page } from "./fixtures.js"

const ids = (items: ReadonlyArray<{ readonly id: string }>) => items.map((item) => item.id)

/** The `after` each request asked for (`undefined` for the first page). */
const afters = Effect.map(recordedRequests, (requests) => requests.map((request) => request.query["after"]))

const pm = (n: number) => ({ ...cardPaymentMethod, id: `pm_${n}` })

describe("Customers.list walks the cursor", () => {
  it.effect("over four pages, through an empty page with has_more true, until has_more is false", () =>
    Effect.gen(function*() {
      const customers = yield* Stream.runCollect(Customers.list())
      assert.deepStrictEqual(ids(customers), ["cus_1", "cus_2", "cus_3", "cus_4"])
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a", "cur_b", "cur_c"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([], { has_more: true, next_cursor: "cur_b" })),
      json(200, page([listedCustomer(3)], { has_more: true, next_cursor: "cur_c" })),
      // has_more false ends the walk even though a cursor is printed
      json(200, page([listedCustomer(4)], { has_more: false, next_cursor: "cur_d" }))
    ]))))

  it.effect("stops at next_cursor null even when has_more says true", () =>
    Effect.gen(function*() {
      const customers = yield* Stream.runCollect(Customers.list())
      assert.deepStrictEqual(ids(customers), ["cus_1", "cus_2"])
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([listedCustomer(2)], { has_more: true, next_cursor: null }))
    ]))))

  it.effect("stops at a first page that is the last", () =>
    Effect.gen(function*() {
      const customers = yield* Stream.runCollect(Customers.list())
      assert.deepStrictEqual(ids(customers), [])
      assert.deepStrictEqual(yield* afters, [undefined])
    }).pipe(Effect.provide(clientLayer([json(200, page([], { has_more: false, next_cursor: null }))]))))

  it.effect("resumes from a given after", () =>
    Effect.gen(function*() {
      const customers = yield* Stream.runCollect(Customers.list({ after: "cur_resume" }))
      assert.deepStrictEqual(ids(customers), ["cus_7", "cus_8"])
      assert.deepStrictEqual(yield* afters, ["cur_resume", "cur_next"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(7)], { has_more: true, next_cursor: "cur_next" })),
      json(200, page([listedCustomer(8)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("walks forward only: a before cursor given through JavaScript is not sent", () =>
    Effect.gen(function*() {
      const params = { after: "cur_resume", before: "cur_back" } as Parameters<typeof Customers.list>[0]
      yield* Stream.runDrain(Customers.list(params))
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.query), [{ after: "cur_resume" }, { after: "cur_next" }])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(7)], { has_more: true, next_cursor: "cur_next" })),
      json(200, page([listedCustomer(8)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("passes email and limit on every page", () =>
    Effect.gen(function*() {
      yield* Stream.runDrain(Customers.list({ email: "ama@example.com", limit: 100 }))
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.query), [
        { email: "ama@example.com", limit: "100" },
        { email: "ama@example.com", limit: "100", after: "cur_a" },
        { email: "ama@example.com", limit: "100", after: "cur_b" }
      ])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([listedCustomer(2)], { has_more: true, next_cursor: "cur_b" })),
      json(200, page([listedCustomer(3)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("is lazy: making the stream sends nothing, and Stream.take(1) fetches one page only", () =>
    Effect.gen(function*() {
      const stream = Customers.list()
      assert.strictEqual((yield* recordedRequests).length, 0)
      const first = yield* Stream.runCollect(Stream.take(stream, 1))
      assert.deepStrictEqual(ids(first), ["cus_1"])
      assert.deepStrictEqual(yield* afters, [undefined])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([listedCustomer(3)], { has_more: true, next_cursor: "cur_b" })),
      json(200, page([listedCustomer(4)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("is lazy: while the consumer holds page 1's items, page 2 is not fetched", () =>
    Effect.gen(function*() {
      const seen: Array<number> = []
      yield* Customers.list().pipe(
        Stream.take(2),
        Stream.runForEach(() =>
          Effect.gen(function*() {
            // Real time for any eager fetch to happen in the background.
            yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))
            seen.push((yield* recordedRequests).length)
          })
        )
      )
      assert.deepStrictEqual(seen, [1, 1])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([listedCustomer(3)], { has_more: true, next_cursor: "cur_b" })),
      json(200, page([listedCustomer(4)], { has_more: false, next_cursor: null }))
    ]))))

  for (const prefetch of [1, 2, 3]) {
    it.effect(`with prefetch ${prefetch}, fetches exactly ${prefetch} pages ahead of the consumer`, () =>
      Effect.gen(function*() {
        const seen: Array<number> = []
        yield* Customers.list({ prefetch }).pipe(
          Stream.take(1),
          Stream.runForEach(() =>
            Effect.gen(function*() {
              // Real time for the fetches ahead to happen in the background.
              yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 200)))
              seen.push((yield* recordedRequests).length)
            })
          )
        )
        // page 1 is being consumed, and `prefetch` more pages were fetched
        assert.deepStrictEqual(seen, [1 + prefetch])
      }).pipe(Effect.provide(clientLayer((_, index) =>
        json(200, page([listedCustomer(index + 1)], { has_more: true, next_cursor: `cur_${index + 1}` }))
      ))))
  }

  it.effect("is lazy: taking into the second page fetches exactly two pages", () =>
    Effect.gen(function*() {
      const taken = yield* Stream.runCollect(Stream.take(Customers.list(), 3))
      assert.deepStrictEqual(ids(taken), ["cus_1", "cus_2", "cus_3"])
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([listedCustomer(3), listedCustomer(4)], { has_more: true, next_cursor: "cur_b" })),
      json(200, page([listedCustomer(5)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("with prefetch, yields the same items in the same order", () =>
    Effect.gen(function*() {
      const customers = yield* Stream.runCollect(Customers.list({ prefetch: 2 }))
      assert.deepStrictEqual(ids(customers), ["cus_1", "cus_2", "cus_3", "cus_4"])
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a", "cur_b", "cur_c"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([listedCustomer(2)], { has_more: true, next_cursor: "cur_b" })),
      json(200, page([], { has_more: true, next_cursor: "cur_c" })),
      json(200, page([listedCustomer(3), listedCustomer(4)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("fails when the cursor does not advance, instead of fetching the same page forever", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(Customers.list()))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([listedCustomer(2)], { has_more: true, next_cursor: "cur_a" })),
      // a third answer would only be asked for by a walk that loops
      json(200, page([listedCustomer(2)], { has_more: true, next_cursor: "cur_a" }))
    ]))))

  it.effect("fails when a resumed walk is handed back its own cursor", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(Customers.list({ after: "cur_x" })))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.deepStrictEqual(yield* afters, ["cur_x"])
    }).pipe(Effect.provide(clientLayer(() => json(200, page([], { has_more: true, next_cursor: "cur_x" }))))))

  it.effect("a failing page fails the stream after the items already fetched", () =>
    Effect.gen(function*() {
      const seen: Array<string> = []
      const error = yield* Effect.flip(Stream.runForEach(Customers.list(), (c) => Effect.sync(() => seen.push(c.id))))
      assert.deepStrictEqual(seen, ["cus_1"])
      assert.strictEqual(error._tag, "ServerError")
      assert.strictEqual(error.status, 503)
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1)], { has_more: true, next_cursor: "cur_a" })),
      errorAnswer(503, { code: "api_error", message: "Try later" })
    ]))))
})

describe("Customers.listPage", () => {
  it.effect("fetches one page only, even when has_more is true, and returns its pagination", () =>
    Effect.gen(function*() {
      const result = yield* Customers.listPage({ limit: 2 })
      assert.deepStrictEqual(result.data.map((c) => c.id), ["cus_1", "cus_2"])
      assert.deepStrictEqual(result.pagination, {
        has_more: true,
        next_cursor: "cur_a",
        previous_cursor: null,
        total_count: 247
      })
      assert.strictEqual((yield* recordedRequests).length, 1)
    }).pipe(Effect.provide(clientLayer([
      json(200, page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_a" }))
    ]))))
})

describe("PaymentMethods.list walks the cursor", () => {
  it.effect("over three pages with an empty middle page, passing customer_id and limit on every page", () =>
    Effect.gen(function*() {
      const methods = yield* Stream.runCollect(PaymentMethods.list({ customer_id: "cus_a1b2c3", limit: 2 }))
      assert.deepStrictEqual(ids(methods), ["pm_1", "pm_2", "pm_3"])
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.query), [
        { customer_id: "cus_a1b2c3", limit: "2" },
        { customer_id: "cus_a1b2c3", limit: "2", after: "cur_a" },
        { customer_id: "cus_a1b2c3", limit: "2", after: "cur_b" }
      ])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([pm(1), pm(2)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([], { has_more: true, next_cursor: "cur_b" })),
      json(200, page([pm(3)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("resumes from a given after, and Stream.take(1) fetches one page only", () =>
    Effect.gen(function*() {
      const first = yield* Stream.runCollect(
        Stream.take(PaymentMethods.list({ customer_id: "cus_a1b2c3", after: "cur_r" }), 1)
      )
      assert.deepStrictEqual(ids(first), ["pm_1"])
      assert.deepStrictEqual(yield* afters, ["cur_r"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([pm(1), pm(2)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([pm(3)], { has_more: false, next_cursor: null }))
    ]))))

  it.effect("fails when the cursor does not advance", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(PaymentMethods.list({ customer_id: "cus_a1b2c3" })))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a"])
    }).pipe(Effect.provide(clientLayer([
      json(200, page([pm(1)], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([], { has_more: true, next_cursor: "cur_a" })),
      json(200, page([], { has_more: true, next_cursor: "cur_a" }))
    ]))))
})

describe("a walk that revisits a cursor", () => {
  it.effect("fails on a cycle of cursors (a → b → a) instead of looping", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(Customers.list()))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a", "cur_b"])
    }).pipe(Effect.provide(clientLayer((request, index) =>
      index >= 5 ? Effect.die(new Error("the walk loops")) : json(
        200,
        page([listedCustomer(1)], { has_more: true, next_cursor: request.query["after"] === "cur_a" ? "cur_b" : "cur_a" })
      )
    ))))

  it.effect("fails on a long cycle entered late (p1 … p3 → c0 … c6 → c0) within two laps, holding no list of cursors", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(Customers.list()))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.isAtMost((yield* afters).length, 3 + 2 * 7 + 1)
    }).pipe(Effect.provide(clientLayer((request, index) => {
      const lead = ["cur_p1", "cur_p2", "cur_p3"]
      const loop = Array.from({ length: 7 }, (_, i) => `cur_c${i}`)
      const after = request.query["after"]
      const next = after === undefined
        ? lead[0]!
        : lead.includes(after)
        ? (lead[lead.indexOf(after) + 1] ?? loop[0]!)
        : loop[(loop.indexOf(after) + 1) % loop.length]!
      return index >= 40 ? Effect.die(new Error("the walk loops")) : json(200, page([listedCustomer(index)], { has_more: true, next_cursor: next }))
    }))))

  it.effect("the same stream value can be run twice, each run walking from its start", () =>
    Effect.gen(function*() {
      const stream = Customers.list()
      assert.deepStrictEqual(ids(yield* Stream.runCollect(stream)), ["cus_1", "cus_2"])
      assert.deepStrictEqual(ids(yield* Stream.runCollect(stream)), ["cus_1", "cus_2"])
      assert.deepStrictEqual(yield* afters, [undefined, "cur_a", undefined, "cur_a"])
    }).pipe(Effect.provide(clientLayer((request) =>
      request.query["after"] === undefined
        ? json(200, page([listedCustomer(1)], { has_more: true, next_cursor: "cur_a" }))
        : json(200, page([listedCustomer(2)], { has_more: false, next_cursor: null }))
    ))))
})
