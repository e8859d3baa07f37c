/**
 * One worker process of the rate-limit suite: creates `count` customers, `concurrency` at a time,
 * through the real client, its budget shared over Redis or its own in memory, then prints a JSON
 * report. Run as `node --import tsx worker.ts '<WorkerArgs as JSON>'`.
 */
import { Effect, Layer, Redacted } from "effect"
import { Customers, FetchTransport, XtopayClient } from "../../src/index.js"
import { XtopayRateLimit } from "../../src/rate-limit.js"
import type { WorkerArgs } from "./support.js"

const args = JSON.parse(process.argv[2] ?? "{}") as WorkerArgs
const budget = { limit: args.perSecond, window: "1 second" } as const
const gate = args.gate === "redis"
  ? XtopayRateLimit.layerRedis({ ...budget, redis: { host: "127.0.0.1", port: args.redisPort ?? 6379 } })
  : XtopayRateLimit.layerMemory(budget)
// Every worker speaks for one shop: one client id, one budget.
const Client = XtopayClient.layer({
  clientId: "cid_test_shop",
  clientSecret: Redacted.make("csk_test_shop"),
  baseUrl: args.baseUrl,
  maxRetries: 10
}).pipe(Layer.provide(FetchTransport), Layer.provide(gate))

const program = Effect.gen(function*() {
  const failed: Record<string, number> = {}
  let created = 0
  const startedAt = Date.now()
  yield* Effect.forEach(
    Array.from({ length: args.count }, (_, i) => i),
    (i) =>
      Customers.create({ email: `${args.name}-${i}@example.com` }).pipe(
        Effect.match({
          onSuccess: () => void (created += 1),
          onFailure: (error) => void (failed[error._tag] = (failed[error._tag] ?? 0) + 1)
        })
      ),
    { concurrency: args.concurrency, discard: true }
  )
  return { created, failed, startedAt, endedAt: Date.now() }
})

Effect.runPromise(program.pipe(Effect.provide(Client))).then(
  (report) => process.stdout.write(`${JSON.stringify(report)}\n`),
  (error: unknown) => {
    process.stderr.write(`worker ${args.name}: ${String(error)}\n`)
    process.exitCode = 1
  }
)
