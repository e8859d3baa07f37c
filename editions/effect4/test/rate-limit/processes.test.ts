/**
 * Many processes, one budget: four worker processes create customers for one shop against one
 * recording server over an in-memory Xtopay that lets 50 requests through in any sliding second.
 * Through one Redis (a redis-server this suite starts on a free loopback port and stops) they stay
 * under it; each with its own in-memory budget they do not; and one 429 asking for 2 s quiets them all.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { XtopayControl } from "../../src/testing/Control.js"
import { recordingMock, redisServer, type Seen, startWorker, type WorkerArgs } from "./support.js"

const WORKERS = 4
const PER_SECOND = 20
const serverLimit = { requests: 50, window: "1 second" } as const

const creates = (seen: ReadonlyArray<Seen>) => seen.filter((request) => request.route === "POST /customers")
const refused = (seen: ReadonlyArray<Seen>) => seen.filter((request) => request.status === 429)

/** How many customers the shop's account holds (seeding none returns the count). */
const customerCount = (control: XtopayControl.Service) => control.seedCustomers("cid_test_shop", 0)

/** WORKERS worker processes, w0 to w3, with these arguments. */
const startWorkers = (args: Omit<WorkerArgs, "name" | "perSecond">) =>
  Effect.forEach(Array.from({ length: WORKERS }, (_, i) => i), (i) => startWorker({ ...args, perSecond: PER_SECOND, name: `w${i}` }))

/** Polls `check` every 20 ms until it holds, at most `millis`. */
const until = (check: () => boolean, millis: number) =>
  Effect.gen(function*() {
    const deadline = Date.now() + millis
    while (!check() && Date.now() < deadline) yield* Effect.sleep("20 millis")
    return check()
  })

describe("XtopayRateLimit over one Redis, four processes", () => {
  it.live("4 × 60 creates at 20 per second shared: no 429, 240 customers, and no faster than the budget", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer()
      const mock = yield* recordingMock({ rateLimit: serverLimit })
      const workers = yield* startWorkers({ baseUrl: mock.baseUrl, gate: "redis", redisPort: redis.port, count: 60, concurrency: 4 })
      const reports = yield* Effect.forEach(workers, (worker) => worker.done("120 seconds"), { concurrency: "unbounded" })

      assert.deepStrictEqual(reports.map((report) => report.failed), Array(WORKERS).fill({}))
      assert.strictEqual(reports.reduce((sum, report) => sum + report.created, 0), 240)
      assert.deepStrictEqual(refused(mock.seen), [])
      const posts = creates(mock.seen)
      assert.strictEqual(posts.length, 240)
      assert.strictEqual(yield* customerCount(mock.control), 240)
      // A full bucket of 20 goes at once; the other 220 wait for a token each, one every 50 ms: no
      // create can end before 11 s after the first worker began.
      const totalMillis = Math.max(...reports.map((r) => r.endedAt)) - Math.min(...reports.map((r) => r.startedAt))
      assert.isAtLeast(totalMillis, (240 - PER_SECOND) * 50, `240 creates in ${totalMillis} ms`)
      // At the server the first burst may arrive late (a first connection, a cold process), so the
      // span there is held to 90% of it: four separate budgets would take a quarter of the time.
      const spanMillis = posts[posts.length - 1]!.at - posts[0]!.at
      assert.isAtLeast(spanMillis, (240 - PER_SECOND) * 50 * 0.9, `240 creates reached the server over ${spanMillis} ms`)
      console.log(
        `rate-limit: 4 processes × 60 creates over Redis: ${totalMillis} ms (first to last create at the server: ${spanMillis} ms), 0 answered 429`
      )
    }), 150_000)

  it.live("the same run with each process's own in-memory budget gets 429s", () =>
    Effect.gen(function*() {
      const mock = yield* recordingMock({ rateLimit: serverLimit })
      yield* startWorkers({ baseUrl: mock.baseUrl, gate: "memory", count: 100, concurrency: 4 })
      // Four budgets of 20 a second are 80 a second against a limit of 50: stop at the tenth 429.
      const started = Date.now()
      yield* until(() => refused(mock.seen).length >= 10, 60_000)
      console.log(`rate-limit: 4 processes with their own budgets: ${refused(mock.seen).length} answers 429 in ${Date.now() - started} ms`)
      assert.isAtLeast(refused(mock.seen).length, 10)
    }), 90_000)

  it.live("one 429 with Retry-After: 2 to one process holds back all four for those 2 s, bar a few already released", () =>
    Effect.gen(function*() {
      const redis = yield* redisServer()
      const mock = yield* recordingMock({ rateLimit: serverLimit })
      const workers = yield* startWorkers({ baseUrl: mock.baseUrl, gate: "redis", redisPort: redis.port, count: 40, concurrency: 1 })
      // Once the workers are into their stride, the next create is answered 429, Retry-After: 2.
      assert.isTrue(yield* until(() => creates(mock.seen).length >= 60, 60_000), "the workers never got going")
      yield* mock.control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "RateLimit", retryAfterSeconds: 2 } })
      assert.isTrue(yield* until(() => refused(mock.seen).length === 1, 10_000), "no request met the fault")
      const refusal = refused(mock.seen)[0]!
      const reports = yield* Effect.forEach(workers, (worker) => worker.done("120 seconds"), { concurrency: "unbounded" })

      assert.strictEqual(reports.reduce((sum, report) => sum + report.created, 0), 160)
      const within = mock.seen.filter((request) => request.at > refusal.at && request.at < refusal.at + 2_000)
      // At their pace they would send 40 in 2 s. What still goes out: the creates already waiting
      // for their slot (one per process here) and those released while the 429 travels back to
      // its process and its wait on to Redis.
      assert.isAtMost(within.length, 2 * WORKERS, `${within.length} requests in the 2 s after the 429`)
      assert.deepStrictEqual(refused(mock.seen), [refusal])
      console.log(`rate-limit: ${within.length} requests from 4 processes in the 2 s after a 429 with Retry-After: 2`)
    }), 150_000)
})
