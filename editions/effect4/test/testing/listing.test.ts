import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { TestClock } from "effect/testing"
import { Customers, XtopayControl, XtopayTest } from "../../src/index.js"
import { send } from "./support.js"

const ids = (page: { readonly data: ReadonlyArray<{ readonly id: string }> }) => page.data.map((c) => c.id)

/** Creates `n` customers one millisecond apart, returning their ids oldest first. */
const createMany = (n: number, prefix = "c") =>
  Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) =>
    Effect.tap(
      Effect.map(Customers.create({ email: `${prefix}${i}@example.com` }), (c) => c.id),
      () => TestClock.adjust("1 millis")
    ))

/** Walks `after` cursors from the start, `limit` at a time, running `between` after each page. */
const walk = (limit: number, between: (page: number) => Effect.Effect<unknown, unknown, any> = () => Effect.void) =>
  Effect.gen(function*() {
    const seen: Array<string> = []
    let after: string | undefined
    for (let page = 0;; page++) {
      const result = yield* Customers.listPage({ limit, ...(after !== undefined ? { after } : {}) })
      seen.push(...ids(result))
      if (!result.pagination.has_more || result.pagination.next_cursor === null) return seen
      after = result.pagination.next_cursor
      yield* between(page)
    }
  })

describe("in-memory Xtopay: listing customers", () => {
  it.effect("lists newest first by created_at, then by id", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.seed({
        customers: [
          { id: "cus_b", email: "b@x.co", created_at: 2_000 },
          { id: "cus_a", email: "a@x.co", created_at: 2_000 },
          { id: "cus_old", email: "old@x.co", created_at: 1_000 },
          { id: "cus_new", email: "new@x.co", created_at: 3_000 }
        ]
      })
      assert.deepStrictEqual(ids(yield* Customers.listPage()), ["cus_new", "cus_b", "cus_a", "cus_old"])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("customers created in the same millisecond list in reverse creation order", () =>
    Effect.gen(function*() {
      const a = yield* Customers.create({ email: "a@x.co" })
      const b = yield* Customers.create({ email: "b@x.co" })
      const c = yield* Customers.create({ email: "c@x.co" })
      assert.deepStrictEqual(ids(yield* Customers.listPage()), [c.id, b.id, a.id])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("the default page is 20, with has_more, next_cursor, previous_cursor and total_count", () =>
    Effect.gen(function*() {
      const created = yield* createMany(25)
      const first = yield* Customers.listPage()
      assert.deepStrictEqual(ids(first), created.slice(5).reverse())
      assert.strictEqual(first.pagination.has_more, true)
      assert.match(first.pagination.next_cursor ?? "", /^cur_/)
      assert.strictEqual(first.pagination.previous_cursor, null)
      assert.strictEqual(first.pagination.total_count, 25)
      const second = yield* Customers.listPage({ after: first.pagination.next_cursor! })
      assert.deepStrictEqual(ids(second), created.slice(0, 5).reverse())
      assert.strictEqual(second.pagination.has_more, false)
      assert.strictEqual(second.pagination.next_cursor, null)
      assert.match(second.pagination.previous_cursor ?? "", /^cur_/)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("before = previous_cursor gives the previous page back", () =>
    Effect.gen(function*() {
      yield* createMany(10)
      const first = yield* Customers.listPage({ limit: 4 })
      const second = yield* Customers.listPage({ limit: 4, after: first.pagination.next_cursor! })
      const back = yield* Customers.listPage({ limit: 4, before: second.pagination.previous_cursor! })
      assert.deepStrictEqual(ids(back), ids(first))
      assert.strictEqual(back.pagination.previous_cursor, null)
      assert.strictEqual(back.pagination.next_cursor !== null, true)
      const again = yield* Customers.listPage({ limit: 4, after: back.pagination.next_cursor! })
      assert.deepStrictEqual(ids(again), ids(second))
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("records created between pages are never skipped or repeated", () =>
    Effect.gen(function*() {
      const before = yield* createMany(23, "old")
      const seen = yield* walk(5, (page) => createMany(3, `new${page}-`))
      assert.deepStrictEqual(seen, [...before].reverse())
      assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 23 + 4 * 3)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("records created between pages with older timestamps still never make a page repeat one", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const before = yield* createMany(12, "old")
      let n = 0
      const seen = yield* walk(5, () => control.seed({ customers: [{ email: `back${n++}@x.co`, created_at: 0 }] }))
      // Each back-dated record sorts after every cursor, so the walk meets it: each id once, none lost.
      assert.strictEqual(new Set(seen).size, seen.length)
      for (const id of before) assert.include(seen, id)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("deleting the record a cursor points at does not lose the next one", () =>
    Effect.gen(function*() {
      const created = yield* createMany(6)
      const first = yield* Customers.listPage({ limit: 3 })
      yield* Customers.delete(first.data[2]!.id)
      const second = yield* Customers.listPage({ limit: 3, after: first.pagination.next_cursor! })
      assert.deepStrictEqual(ids(second), created.slice(0, 3).reverse())
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("email filters by exact match, and follows updates and deletes", () =>
    Effect.gen(function*() {
      const a1 = yield* Customers.create({ email: "ama@example.com" })
      yield* Customers.create({ email: "kofi@example.com" })
      const a2 = yield* Customers.create({ email: "ama@example.com" })
      yield* Customers.create({ email: "AMA@example.com" })
      const page = yield* Customers.listPage({ email: "ama@example.com" })
      assert.deepStrictEqual(ids(page), [a2.id, a1.id])
      assert.strictEqual(page.pagination.total_count, 2)
      yield* Customers.update(a1.id, { email: "ama.new@example.com" })
      assert.deepStrictEqual(ids(yield* Customers.listPage({ email: "ama@example.com" })), [a2.id])
      assert.deepStrictEqual(ids(yield* Customers.listPage({ email: "ama.new@example.com" })), [a1.id])
      yield* Customers.delete(a2.id)
      const none = yield* Customers.listPage({ email: "ama@example.com" })
      assert.deepStrictEqual(none.data, [])
      assert.strictEqual(none.pagination.total_count, 0)
      const c = yield* Customers.create({ email: "ama@example.com" })
      assert.deepStrictEqual(ids(yield* Customers.listPage({ email: "ama@example.com" })), [c.id])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("Customers.list streams every customer, one request per page", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.seedCustomers(250)
      yield* control.clearRequests
      const all = yield* Stream.runCollect(Customers.list({ limit: 100 }))
      assert.strictEqual(all.length, 250)
      assert.strictEqual(new Set(Array.from(all).map((c) => c.id)).size, 250)
      const requests = yield* control.requests
      assert.deepStrictEqual(requests.map((r) => r.route), ["GET /customers", "GET /customers", "GET /customers"])
      assert.deepStrictEqual(requests.map((r) => r.query.get("limit")), ["100", "100", "100"])
    }).pipe(Effect.provide(XtopayTest)))

  for (const limit of ["0", "101", "1.5", "abc", "-1", ""]) {
    it.effect(`limit=${JSON.stringify(limit)} is a 400 parameter_invalid naming limit`, () =>
      Effect.gen(function*() {
        const answer = yield* send("GET", `/customers?limit=${encodeURIComponent(limit)}`)
        assert.strictEqual(answer.status, 400)
        assert.strictEqual(answer.json.error.code, "parameter_invalid")
        assert.strictEqual(answer.json.error.param, "limit")
      }).pipe(Effect.provide(XtopayTest)))
  }

  it.effect("limits 1 and 100 are accepted", () =>
    Effect.gen(function*() {
      yield* Effect.flatMap(XtopayControl, (control) => control.seedCustomers(150))
      assert.strictEqual((yield* Customers.listPage({ limit: 1 })).data.length, 1)
      assert.strictEqual((yield* Customers.listPage({ limit: 100 })).data.length, 100)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a cursor that is not one of ours is a 400 parameter_invalid naming it", () =>
    Effect.gen(function*() {
      const after = yield* send("GET", "/customers?after=cur_garbage")
      assert.strictEqual(after.status, 400)
      assert.strictEqual(after.json.error.param, "after")
      const before = yield* send("GET", "/customers?before=xyz")
      assert.strictEqual(before.json.error.param, "before")
      const both = yield* send("GET", "/customers?after=cur_a&before=cur_b")
      assert.strictEqual(both.status, 400)
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("a page past the end is empty, ends the walk, and its previous_cursor leads back", () =>
    Effect.gen(function*() {
      const created = yield* createMany(3)
      const first = yield* Customers.listPage({ limit: 2 })
      yield* Customers.delete(created[0]!)
      const empty = yield* Customers.listPage({ limit: 2, after: first.pagination.next_cursor! })
      assert.deepStrictEqual(empty.data, [])
      assert.strictEqual(empty.pagination.has_more, false)
      assert.strictEqual(empty.pagination.next_cursor, null)
      const back = yield* Customers.listPage({ limit: 2, before: empty.pagination.previous_cursor! })
      assert.deepStrictEqual(ids(back), ids(first))
    }).pipe(Effect.provide(XtopayTest)))
})

describe("in-memory Xtopay: a million customers", () => {
  it.live("seedCustomers(1,000,000) is fast, and pages anywhere in them cost O(log n + limit)", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const seededAt = Date.now()
      assert.strictEqual(yield* control.seedCustomers(1_000_000), 1_000_000)
      const seedMillis = Date.now() - seededAt
      assert.isBelow(seedMillis, 20_000)

      const first = yield* Customers.listPage({ limit: 100 })
      assert.strictEqual(first.pagination.total_count, 1_000_000)
      assert.strictEqual(first.data[0]!.email, "customer1000000@example.com")
      let cursor = first.pagination.next_cursor!
      const started = Date.now()
      for (let i = 0; i < 200; i++) {
        const page = yield* Customers.listPage({ limit: 100, after: cursor })
        cursor = page.pagination.next_cursor!
      }
      // 200 pages in well under the time one scan of a million records would take per page.
      assert.isBelow(Date.now() - started, 5_000)
      const page = yield* Customers.listPage({ limit: 3, after: cursor })
      assert.deepStrictEqual(page.data.map((c) => c.email), [
        "customer979900@example.com",
        "customer979899@example.com",
        "customer979898@example.com"
      ])
      const byEmail = yield* Customers.listPage({ email: "customer123456@example.com" })
      assert.strictEqual(byEmail.data.length, 1)
    }).pipe(Effect.provide(XtopayTest)), 120_000)
})
