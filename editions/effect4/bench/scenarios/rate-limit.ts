/**
 * What `effect-xtopay/rate-limit` costs per call: `Customers.retrieve` through `XtopayTest` (no
 * network, so the gate's own cost shows) without a limiter, with `XtopayRateLimit.layerMemory`
 * and with `XtopayRateLimit.layerRedis` over a redis-server on loopback that this scenario starts.
 * The budget is far above the call rate, so no call waits: the rows are the take itself.
 */
import { Layer, ManagedRuntime } from "effect"
import type { XtopayRateGate } from "../../src/internal/rateGate.js"
import { Customers, loadRateLimit, XtopayTestWith } from "../harness/sdk.js"
import { alternate, latencies, median } from "../../../../bench/measure.js"
import { startRedis } from "../../../../bench/redis.js"
import type { Row, Scenario } from "../../../../bench/scenario.js"

interface Input {
  readonly redisPort: number | undefined
  readonly samples: number
  readonly rounds: number
}

const BUDGET = { limit: 1_000_000_000, window: "1 second" } as const

export const measure = async ({ redisPort, rounds, samples }: Input) => {
  const { XtopayRateLimit } = await loadRateLimit()
  const side = async (gate: Layer.Layer<XtopayRateGate> | undefined) => {
    const layer = gate === undefined ? XtopayTestWith() : XtopayTestWith().pipe(Layer.provide(gate))
    const runtime = ManagedRuntime.make(layer)
    const id = (await runtime.runPromise(Customers.create({ email: "bench@example.com" }))).id
    const call = () => runtime.runPromise(Customers.retrieve(id))
    await latencies(call, Math.min(500, samples))
    return { run: () => latencies(call, samples), dispose: () => runtime.dispose() }
  }
  const none = await side(undefined)
  const memory = await side(XtopayRateLimit.layerMemory(BUDGET))
  const redis = redisPort === undefined
    ? undefined
    : await side(
      XtopayRateLimit.layerRedis({ ...BUDGET, redis: { host: "127.0.0.1", port: redisPort } })
    )
  const times = await alternate(rounds, {
    none: none.run,
    memory: memory.run,
    ...(redis !== undefined ? { redis: redis.run } : {})
  } as Record<"none" | "memory" | "redis", () => Promise<Array<number>>>)
  await Promise.all([none, memory, redis].map((s) => s?.dispose()))
  const micros = (rounds: ReadonlyArray<ReadonlyArray<number>> | undefined) =>
    rounds === undefined ? undefined : median(rounds.flat()) * 1000
  return { none: micros(times.none)!, memory: micros(times.memory)!, redis: micros(times.redis) }
}

export const scenario: Scenario = {
  id: "rate-limit",
  title: "effect-xtopay/rate-limit: the cost of a take",
  run: async ({ inChild, quick, log }) => {
    const redis = await startRedis()
    if (redis === undefined) log("redis-server is not installed: the Redis row is left out")
    try {
      const result = await inChild<Input, Awaited<ReturnType<typeof measure>>>(import.meta.url, {
        redisPort: redis?.port,
        samples: quick ? 500 : 2_000,
        rounds: quick ? 2 : 4
      })
      const baseline = { label: "no limiter", value: result.none }
      const rows: Array<Row> = [
        {
          id: "rate-limit.none",
          figure: "Customers.retrieve through XtopayTest, no limiter: median per call",
          value: result.none,
          unit: "µs"
        },
        {
          id: "rate-limit.memory",
          figure: "the same with XtopayRateLimit.layerMemory (a budget never reached)",
          value: result.memory,
          unit: "µs",
          baseline
        }
      ]
      if (result.redis !== undefined) {
        rows.push({
          id: "rate-limit.redis",
          figure: "the same with XtopayRateLimit.layerRedis, redis-server on loopback (one round trip a call)",
          value: result.redis,
          unit: "µs",
          baseline
        })
      }
      return rows
    } finally {
      redis?.stop()
    }
  }
}
