import { assert, describe, it } from "@effect/vitest"
import { Chunk, Effect, Stream } from "effect"
import { Customers, PaymentMethods } from "../../src/index.js"
import { cardPaymentMethod, listedCustomer, page } from "../client/fixtures.js"
import { clientLayer, json, type RecordedRequest, recordedRequests } from "../support/scripted.js"

/** Sizes of the pages the scripted Xtopay answers, in order; the empty one must be walked through. */
const PAGE_SIZES = [3, 1, 0, 2, 3, 1, 2]
const PAGES = PAGE_SIZES.length

/** Page k (1-based) holds items `${k}.${j}`; `after=cur_k` asks for page k + 1. */
const pageNumber = (request: RecordedRequest) => {
  const after = request.query["after"]
  return after === undefined ? 1 : Number(after.slice("cur_".length)) + 1
}

const answer = <A>(item: (page: number, j: number) => A) => (request: RecordedRequest) => {
  const k = pageNumber(request)
  const items = Array.from({ length: PAGE_SIZES[k - 1] ?? 0 }, (_, j) => item(k, j + 1))
  return json(200, page(items, { has_more: k < PAGES, next_cursor: k < PAGES ? `cur_${k}` : null }))
}

const customerAt = (k: number, j: number) => ({ ...listedCustomer(k * 100 + j), id: `cus_${k}.${j}` })
const methodAt = (k: number, j: number) => ({ ...cardPaymentMethod, id: `pm_${k}.${j}` })

const ids = (chunk: Chunk.Chunk<{ readonly id: string }>) => Chunk.toReadonlyArray(chunk).map((item) => item.id)
const afters = Effect.map(recordedRequests, (requests) => requests.map((request) => request.query["after"]))

const everyItem = (prefix: string) =>
  PAGE_SIZES.flatMap((size, index) => Array.from({ length: size }, (_, j) => `${prefix}_${index + 1}.${j + 1}`))

describe("prefetch gives the lazy walk's results", () => {
  for (const prefetch of [0, 1, 2, 3, 16]) {
    it.effect(`Customers.list with prefetch ${prefetch}: every customer once, in list order, one request per page`, () =>
      Effect.gen(function*() {
        const customers = yield* Stream.runCollect(Customers.list({ limit: 3, prefetch }))
        assert.deepStrictEqual(ids(customers), everyItem("cus"))
        assert.deepStrictEqual(yield* afters, [undefined, ...Array.from({ length: PAGES - 1 }, (_, k) => `cur_${k + 1}`)])
      }).pipe(Effect.provide(clientLayer(answer(customerAt)))))

    it.effect(`PaymentMethods.list with prefetch ${prefetch}: every method once, in list order`, () =>
      Effect.gen(function*() {
        const methods = yield* Stream.runCollect(PaymentMethods.list({ customer_id: "cus_a1b2c3", prefetch }))
        assert.deepStrictEqual(ids(methods), everyItem("pm"))
        const requests = yield* recordedRequests
        assert.strictEqual(requests.length, PAGES)
        assert.isTrue(requests.every((request) => request.query["customer_id"] === "cus_a1b2c3"))
      }).pipe(Effect.provide(clientLayer(answer(methodAt)))))
  }
})

/**
 * How many requests were sent, once the fetches that may run ahead have had their chance: polls
 * until `expected` is reached (or a generous bound passes), then lets a few more turns go by so
 * that a fetch too many would show.
 */
const requestsOnceSettled = (expected: number) =>
  Effect.gen(function*() {
    for (let i = 0; i < 400 && (yield* recordedRequests).length < expected; i++) yield* Effect.sleep("5 millis")
    yield* Effect.sleep("30 millis")
    return (yield* recordedRequests).length
  })

describe("prefetch n keeps at most n pages ahead of the consumer", () => {
  for (const prefetch of [0, 1, 2, 3]) {
    it.live(`prefetch ${prefetch}: while the consumer holds page k, exactly min(k + ${prefetch}, last) pages were requested`, () =>
      Effect.gen(function*() {
        const seen: Array<number> = []
        const expected: Array<number> = []
        yield* Customers.list({ limit: 3, prefetch }).pipe(
          // The first item of each non-empty page: the consumer now holds that page.
          Stream.filter((customer) => customer.id.endsWith(".1")),
          Stream.runForEach((customer) =>
            Effect.gen(function*() {
              const k = Number(customer.id.slice("cus_".length, customer.id.indexOf(".")))
              const bound = Math.min(k + prefetch, PAGES)
              expected.push(bound)
              seen.push(yield* requestsOnceSettled(bound))
            })
          )
        )
        assert.deepStrictEqual(seen, expected)
      }).pipe(Effect.provide(clientLayer(answer(customerAt)))))
  }

  it.live("PaymentMethods.list with prefetch 2 holds the same bound", () =>
    Effect.gen(function*() {
      const seen: Array<number> = []
      const expected: Array<number> = []
      yield* PaymentMethods.list({ customer_id: "cus_a1b2c3", prefetch: 2 }).pipe(
        Stream.filter((method) => method.id.endsWith(".1")),
        Stream.runForEach((method) =>
          Effect.gen(function*() {
            const k = Number(method.id.slice("pm_".length, method.id.indexOf(".")))
            expected.push(Math.min(k + 2, PAGES))
            seen.push(yield* requestsOnceSettled(Math.min(k + 2, PAGES)))
          })
        )
      )
      assert.deepStrictEqual(seen, expected)
    }).pipe(Effect.provide(clientLayer(answer(methodAt)))))
})
