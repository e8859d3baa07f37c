/**
 * (c) Every customer through `Customers.list` (page size 100) for 10k, 100k and 1M seeded
 * customers, against a hand-written fetch loop over the same pages: wall time, and the peak heap
 * and RSS of the walking process (one fresh process per walk, so peaks never mix). The largest
 * walk runs once more with the old generation capped at 64 MB: issue 24's target is that it
 * finishes.
 */
import { Effect, Stream } from "effect"
import { Customers } from "../harness/sdk.js"
import { clientRuntime } from "../harness/client.js"
import { rawWalk, WALK_LIMIT as LIMIT } from "../../../../bench/raw.js"
import { MB, memorySampler, settledHeapUsed, settleHeap, timed } from "../../../../bench/measure.js"
import type { Row, Scenario } from "../../../../bench/scenario.js"

/**
 * The old-generation cap of the extra walk that shows the memory is bounded: V8 may not let the
 * heap grow past it, so the walk must live within it or crash.
 */
const CAPPED_OLD_SPACE_MB = 64

type Side = "client" | "raw"

interface Input {
  readonly baseUrl: string
  readonly side: Side
  /** How many customers the server holds. */
  readonly customers: number
}

interface Walk {
  readonly items: number
  readonly wallMs: number
  /** Heap and RSS after start-up, before the walk. */
  readonly startHeapMB: number
  readonly startRssMB: number
  /** Peak `heapUsed` as sampled: live objects plus garbage V8 has not collected yet. */
  readonly peakHeapMB: number
  readonly peakRssMB: number
  /** `heapUsed` after a forced full GC while the last customer is handled: what the walk still holds. */
  readonly heldHeapMB: number
}

/**
 * The client, used as documented: one `Stream`, one effect per customer. The runtime (the client's
 * layer) is built before the clock starts, as an application builds its layers once.
 */
const clientWalker = async (baseUrl: string) => {
  const runtime = clientRuntime(baseUrl)
  await runtime.runPromise(Effect.void)
  return {
    walk: (onItem: () => void) =>
      runtime.runPromise(Stream.runForEach(Customers.list({ limit: LIMIT }), () => Effect.sync(onItem))),
    dispose: () => runtime.dispose()
  }
}

export const measure = async ({ baseUrl, side, customers }: Input): Promise<Walk> => {
  const client = side === "client" ? await clientWalker(baseUrl) : undefined
  settleHeap()
  const start = process.memoryUsage()
  const memory = memorySampler()
  let items = 0
  let held = Number.NaN
  const onItem = () => {
    items += 1
    if (items % LIMIT === 0) memory.sample()
    if (items === customers) {
      // After the peak is taken: the one forced GC of the walk, while the stream is still open.
      memory.sample()
      held = settledHeapUsed()
    }
  }
  const wallMs = await timed(() => client !== undefined ? client.walk(onItem) : rawWalk(baseUrl, onItem))
  const peaks = memory.stop()
  await client?.dispose()
  return {
    heldHeapMB: held / MB,
    items,
    wallMs,
    startHeapMB: start.heapUsed / MB,
    startRssMB: start.rss / MB,
    peakHeapMB: peaks.heapUsed / MB,
    peakRssMB: peaks.rss / MB
  }
}

const label = (n: number) => (n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1_000}k`)

const sizeRows = (n: number, client: Walk, base: Walk): Array<Row> => {
  const baseline = "hand-written fetch loop"
  return [
    {
      id: `stream.${label(n)}.throughput`,
      figure: `Customers.list, ${label(n)} customers: throughput`,
      value: client.items / (client.wallMs / 1000),
      unit: "customers/s",
      // The throughput target is the node-stream scenario's (XtopayNode against the fetch loop).
      baseline: { label: baseline, value: base.items / (base.wallMs / 1000) },
      note: `wall ${(client.wallMs / 1000).toFixed(2)} s vs ${(base.wallMs / 1000).toFixed(2)} s`
    },
    {
      id: `stream.${label(n)}.heap`,
      figure: `Customers.list, ${label(n)} customers: peak heap used`,
      value: client.peakHeapMB,
      unit: "MB",
      baseline: { label: baseline, value: base.peakHeapMB },
      note: `${client.startHeapMB.toFixed(1)} MB before the walk`
    },
    {
      id: `stream.${label(n)}.held`,
      figure: `Customers.list, ${label(n)} customers: heap still held at the last customer (after a forced full GC)`,
      value: client.heldHeapMB,
      unit: "MB",
      baseline: { label: baseline, value: base.heldHeapMB }
    },
    {
      id: `stream.${label(n)}.rss`,
      figure: `Customers.list, ${label(n)} customers: peak RSS`,
      value: client.peakRssMB,
      unit: "MB",
      baseline: { label: baseline, value: base.peakRssMB },
      note: `${client.startRssMB.toFixed(1)} MB before the walk`
    }
  ]
}

export const scenario: Scenario = {
  id: "stream",
  title: "Streaming every customer (Customers.list, page size 100)",
  run: async ({ startServer, inChild, log, quick }) => {
    const sizes = quick ? [10_000, 50_000] : [10_000, 100_000, 1_000_000]
    const walks = new Map<number, { readonly client: Walk; readonly raw: Walk }>()
    const largestSize = sizes[sizes.length - 1]!
    let capped: Walk | undefined
    let cappedFailure: string | undefined
    for (const n of sizes) {
      const server = await startServer({ seedCustomers: n })
      // Untimed: the server encodes each customer on its first listing and caches it; warm it for both sides.
      await rawWalk(server.baseUrl, () => {})
      const walk = (side: Side, nodeFlags?: ReadonlyArray<string>) =>
        inChild<Input, Walk>(import.meta.url, { baseUrl: server.baseUrl, side, customers: n }, { nodeFlags })
      const base = await walk("raw")
      const client = await walk("client")
      // The largest walk once more, with the old generation capped: a walk that kept what it read
      // would run out of heap; a flat one finishes.
      if (n === largestSize) {
        capped = await walk("client", [`--max-old-space-size=${CAPPED_OLD_SPACE_MB}`]).catch((error: unknown) => {
          cappedFailure = error instanceof Error ? error.message.split("\n")[0] : String(error)
          return undefined
        })
      }
      await server.stop()
      for (const w of [client, base]) {
        if (w.items !== n) throw new Error(`walked ${w.items} customers of ${n}`)
      }
      log(`${label(n)}: client ${(client.wallMs / 1000).toFixed(1)} s, raw ${(base.wallMs / 1000).toFixed(1)} s`)
      walks.set(n, { client, raw: base })
    }
    const smallest = walks.get(sizes[0]!)!
    const largest = walks.get(sizes[sizes.length - 1]!)!
    const largestLabel = label(sizes[sizes.length - 1]!)
    return [
      ...sizes.flatMap((n) => sizeRows(n, walks.get(n)!.client, walks.get(n)!.raw)),
      {
        id: "stream.heap-flat",
        figure: `Customers.list peak heap, ${largestLabel} customers vs 10k`,
        value: largest.client.peakHeapMB,
        unit: "MB",
        // The peak is V8's heap policy; what is judged is the heap held, and the capped walk.
        baseline: { label: "client, 10k customers", value: smallest.client.peakHeapMB }
      },
      {
        id: "stream.held-flat",
        figure: `Customers.list heap held at the last customer, ${largestLabel} customers vs 10k`,
        value: largest.client.heldHeapMB,
        unit: "MB",
        baseline: { label: "client, 10k customers", value: smallest.client.heldHeapMB },
        target: { kind: "ratio-at-most", limit: 1.2 }
      },
      {
        id: "stream.capped-walked",
        figure: `Customers.list, ${largestLabel} customers with the old generation capped at ${CAPPED_OLD_SPACE_MB} MB ` +
          "(--max-old-space-size): customers walked",
        value: capped?.items ?? 0,
        unit: "customers",
        target: { kind: "at-least", limit: largestSize },
        note: capped !== undefined
          ? `peak heap ${capped.peakHeapMB.toFixed(1)} MB, held ${capped.heldHeapMB.toFixed(1)} MB at the last customer; ` +
            `wall ${(capped.wallMs / 1000).toFixed(1)} s, uncapped ${(largest.client.wallMs / 1000).toFixed(1)} s`
          : `the walk failed: ${cappedFailure ?? "?"}`
      },
      {
        id: "stream.rss-flat",
        figure: `Customers.list peak RSS, ${largestLabel} customers vs 10k`,
        value: largest.client.peakRssMB,
        unit: "MB",
        baseline: { label: "client, 10k customers", value: smallest.client.peakRssMB }
      }
    ]
  }
}
