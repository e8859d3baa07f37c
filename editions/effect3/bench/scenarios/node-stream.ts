/**
 * Streaming over `XtopayNode`: every customer through `Customers.list` (page size 100) against the
 * hand-written fetch loop of the stream scenario, on loopback and with the server 20 ms away
 * (`--latency-ms 20`), where `prefetch: 2` fetches the next pages while the consumer works on one.
 * In that case both sides spend `CONSUMER_MS` per page (awaiting, as a database write does):
 * each page's cursor comes in the page before it, so fetching ahead can only overlap the fetches
 * with the consumer's work, never the fetches with each other. Each side walks once untimed before
 * the timed rounds, so the figures are those of a warm process.
 */
import { Effect, ManagedRuntime, Stream } from "effect"
import { alternate, median, timed } from "../../../../bench/measure.js"
import type { Row, Scenario } from "../../../../bench/scenario.js"
import { Customers, XtopayNode } from "../harness/sdk.js"
import { pause, rawWalk, useEnvironment } from "../../../../bench/raw.js"

const LIMIT = 100
const CONSUMER_MS = 20

interface Input {
  readonly baseUrl: string
  readonly customers: number
  readonly prefetch: number
  readonly rounds: number
  /** Awaited after every page, on both sides. */
  readonly consumerMs: number
}

interface Walks {
  readonly node: number
  readonly raw: number
}

export const measure = async ({ baseUrl, consumerMs, customers, prefetch, rounds }: Input): Promise<Walks> => {
  useEnvironment(baseUrl)
  const runtime = ManagedRuntime.make(XtopayNode)
  await runtime.runPromise(Effect.void)
  let items = 0
  const counted = (walk: () => Promise<unknown>) => async () => {
    items = 0
    const millis = await timed(walk)
    if (items !== customers) throw new Error(`walked ${items} customers of ${customers}`)
    return millis
  }
  const node = counted(() =>
    runtime.runPromise(Stream.runForEach(Customers.list({ limit: LIMIT, prefetch }), () =>
      Effect.suspend(() => {
        items += 1
        return consumerMs > 0 && items % LIMIT === 0 ? Effect.promise(() => pause(consumerMs)) : Effect.void
      })))
  )
  // The same consumer in the hand loop: the page's items, then the wait.
  const raw = counted(async () => {
    await rawWalk(baseUrl, () => (items += 1), consumerMs > 0 ? () => pause(consumerMs) : undefined)
  })
  // One untimed walk of each side first: the rate of a warm process, as a running server's would be.
  await node()
  await raw()
  const times = await alternate(rounds, { node, raw })
  await runtime.dispose()
  return { node: median(times.node), raw: median(times.raw) }
}

const label = (n: number) => `${n / 1_000}k`

export const scenario: Scenario = {
  id: "node-stream",
  title: "Streaming over XtopayNode (Customers.list, page size 100) against the hand-written fetch loop",
  run: async ({ startServer, inChild, quick }) => {
    const walk = async (customers: number, latencyMs: number | undefined, prefetch: number, consumerMs: number) => {
      const server = await startServer({ seedCustomers: customers, latencyMs })
      // Untimed: the server encodes each customer on its first listing and caches it.
      await rawWalk(server.baseUrl, () => {})
      const result = await inChild<Input, Walks>(import.meta.url, {
        baseUrl: server.baseUrl,
        customers,
        prefetch,
        consumerMs,
        rounds: quick ? 1 : 3
      })
      await server.stop()
      return result
    }
    const near = quick ? 20_000 : 100_000
    const far = quick ? 2_000 : 10_000
    const loopback = await walk(near, undefined, 0, 0)
    const distant = await walk(far, 20, 2, CONSUMER_MS)
    const baseline = (walks: Walks) => ({ label: "hand-written fetch loop", value: walks.raw })
    const rows: Array<Row> = [
      {
        id: "node-stream.loopback",
        figure: `Customers.list over XtopayNode, ${label(near)} customers, loopback: wall time (median of rounds)`,
        value: loopback.node,
        unit: "ms",
        baseline: baseline(loopback),
        target: { kind: "speedup-at-least", limit: 1 },
        note: `${(loopback.raw / loopback.node).toFixed(2)}× the loop's rate`
      },
      {
        id: "node-stream.latency20",
        figure: `Customers.list({ prefetch: 2 }) over XtopayNode, ${label(far)} customers, server +20 ms, ` +
          `consumer ${CONSUMER_MS} ms per page on both sides: wall time`,
        value: distant.node,
        unit: "ms",
        baseline: baseline(distant),
        target: { kind: "speedup-at-least", limit: 2.5 },
        note: `${(distant.raw / distant.node).toFixed(2)}× the loop's rate; at most 2× is possible when fetching ` +
          "and consuming take as long (cursor pages come one after another)"
      }
    ]
    return rows
  }
}
