/**
 * The `list` streams over the in-memory Xtopay: every page walked with `after = next_cursor`,
 * lazily, `prefetch` pages ahead when asked, stable while customers are inserted; and `paginate`'s
 * own guard against a cursor that does not advance.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { Customers, type Page, paginate, XtopayControl, XtopayTest } from "../../src/index.js"

const afters = Effect.map(Effect.flatMap(XtopayControl, (control) => control.requests), (requests) =>
  requests.filter((request) => request.route === "GET /customers").map((request) => request.query.get("after") ?? undefined))

/** Real time for an eager fetch to happen in the background, if anything would do one. */
const pause = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 50)))

describe("Customers.list walks the cursor", () => {
  it.effect("over three pages of ten, newest first, each page asking after the last cursor", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.seedCustomers(25)
      const everyone = yield* Stream.runCollect(Customers.list({ limit: 10 }))
      const firstPages = yield* Customers.listPage({ limit: 25 })
      assert.deepStrictEqual(everyone.map((c) => c.id), firstPages.data.map((c) => c.id))
      const cursors = yield* afters
      assert.lengthOf(cursors, 4)
      assert.isUndefined(cursors[0])
      assert.isDefined(cursors[1])
      assert.notStrictEqual(cursors[1], cursors[2])
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("customers created while the walk is under way do not disturb it: every one seen once, none twice", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.seedCustomers(12)
      const before = (yield* Customers.listPage({ limit: 100 })).data.map((c) => c.id)
      let inserted = 0
      const seen = yield* Customers.list({ limit: 5 }).pipe(
        Stream.tap(() =>
          inserted < 3
            ? Effect.andThen(Customers.create({ email: `new${inserted}@example.com` }), Effect.sync(() => inserted++))
            : Effect.void
        ),
        Stream.runCollect
      )
      const ids = seen.map((c) => c.id)
      assert.strictEqual(new Set(ids).size, ids.length, "no customer twice")
      assert.deepStrictEqual(ids, before, "the newest-first walk holds its place; the new customers are ahead of it")
      assert.strictEqual(inserted, 3)
      assert.lengthOf((yield* Customers.listPage({ limit: 100 })).data, 15)
      assert.lengthOf(yield* afters, 1 + 3 + 1, "a page of 100 before and after the walk's three pages of five")
    }).pipe(Effect.provide(XtopayTest)))

  it.effect("is lazy: making the stream sends nothing, and Stream.take(1) fetches one page only", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* control.seedCustomers(20)
      const stream = Customers.list({ limit: 5 })
      assert.lengthOf(yield* afters, 0)
      const first = yield* Stream.runCollect(Stream.take(stream, 1))
      assert.lengthOf(first, 1)
      yield* pause
      assert.lengthOf(yield* afters, 1)
    }).pipe(Effect.provide(XtopayTest)))

  for (const prefetch of [1, 2, 3]) {
    it.effect(`with prefetch ${prefetch}, fetches ${prefetch} pages ahead of a consumer still on page one`, () =>
      Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* control.seedCustomers(50)
        const seen: Array<number> = []
        yield* Customers.list({ limit: 5, prefetch }).pipe(
          Stream.take(1),
          Stream.runForEach(() => Effect.andThen(pause, Effect.map(afters, (sent) => seen.push(sent.length))))
        )
        assert.deepStrictEqual(seen, [1 + prefetch])
      }).pipe(Effect.provide(XtopayTest)))
  }

  it.effect("prefetch outside 0–16 is InvalidRequest naming it, before anything is sent", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Stream.runDrain(Customers.list({ prefetch: 17 })))
      assert.strictEqual(error._tag, "InvalidRequest")
      assert.strictEqual(error.param, "prefetch")
      assert.lengthOf(yield* afters, 0)
    }).pipe(Effect.provide(XtopayTest)))
})

describe("paginate", () => {
  const pageOf = (data: ReadonlyArray<number>, next: string | null, hasMore = next !== null): Effect.Effect<Page<number>> =>
    Effect.succeed({
      data,
      pagination: { has_more: hasMore, next_cursor: next, previous_cursor: null, total_count: null }
    })

  it.effect("walks through empty pages and stops at next_cursor null even when has_more says true", () =>
    Effect.gen(function*() {
      const pages: Record<string, Effect.Effect<Page<number>>> = {
        start: pageOf([1, 2], "a"),
        a: pageOf([], "b"),
        b: pageOf([3], "c"),
        c: pageOf([4], null, true)
      }
      const items = yield* Stream.runCollect(paginate((after) => pages[after ?? "start"]!))
      assert.deepStrictEqual(items, [1, 2, 3, 4])
    }))

  it.effect("a cursor that comes back fails with UnexpectedResponse instead of walking forever", () =>
    Effect.gen(function*() {
      const cycle: Record<string, string> = { start: "a", a: "b", b: "c", c: "a" }
      const error = yield* Effect.flip(Stream.runDrain(paginate((after) => pageOf([1], cycle[after ?? "start"]!))))
      assert.strictEqual(error._tag, "UnexpectedResponse")
      assert.include(error.message, "did not advance")
    }))
})
