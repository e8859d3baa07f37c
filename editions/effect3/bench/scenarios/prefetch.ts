/**
 * Prefetch: 50 pages from a mock server that takes 20 ms per request, to a consumer that spends
 * 20 ms per page (awaiting, as a write to a database would), with `prefetch` 0, 1 and 2. The
 * items must come out identical, in the same order, whatever the prefetch.
 */
import { createHash } from "node:crypto"
import { Duration, Effect, Stream } from "effect"
import { Customers } from "../harness/sdk.js"
import type { Customer } from "../../src/Schemas.js"
import { clientRuntime } from "../harness/client.js"
import { alternate, median, timed } from "../../../../bench/measure.js"
import type { Scenario } from "../../../../bench/scenario.js"

const PAGES = 50
const LIMIT = 100
const LATENCY_MS = 20
const CONSUMER_MS = 20

interface Input {
  readonly baseUrl: string
  readonly rounds: number
}

export const measure = async ({ baseUrl, rounds }: Input) => {
  const runtime = clientRuntime(baseUrl)
  const digests = new Set<string>()
  const walk = (prefetch: number) => () => {
    const hash = createHash("sha256")
    let items = 0
    const consume = (customer: Customer) =>
      Effect.suspend(() => {
        hash.update(`${customer.id}\n`)
        items += 1
        return items % LIMIT === 0 ? Effect.sleep(Duration.millis(CONSUMER_MS)) : Effect.void
      })
    return timed(() => runtime.runPromise(Stream.runForEach(Customers.list({ limit: LIMIT, prefetch }), consume)))
      .then((millis) => {
        digests.add(`${items}:${hash.digest("hex")}`)
        return millis
      })
  }
  await walk(0)() // warm-up (and the server encodes every customer once)
  const times = await alternate(rounds, { none: walk(0), one: walk(1), two: walk(2) })
  await runtime.dispose()
  if (digests.size !== 1) throw new Error(`prefetch changed the items or their order: ${[...digests].join(", ")}`)
  return { none: median(times.none), one: median(times.one), two: median(times.two) }
}

export const scenario: Scenario = {
  id: "prefetch",
  title: `Prefetch (${PAGES} pages, server +${LATENCY_MS} ms per page, consumer ${CONSUMER_MS} ms per page)`,
  run: async ({ startServer, inChild, quick }) => {
    const server = await startServer({ seedCustomers: PAGES * LIMIT, latencyMs: LATENCY_MS })
    const result = await inChild<Input, Awaited<ReturnType<typeof measure>>>(import.meta.url, {
      baseUrl: server.baseUrl,
      rounds: quick ? 1 : 3
    })
    const baseline = { label: "prefetch 0, the lazy default", value: result.none }
    return [
      {
        id: "prefetch.1",
        figure: `Customers.list({ prefetch: 1 }), ${PAGES} pages: wall time`,
        value: result.one,
        unit: "ms",
        baseline,
        target: { kind: "speedup-at-least", limit: 1.7 },
        note: `${(result.none / result.one).toFixed(2)}× faster; same items in the same order`
      },
      {
        id: "prefetch.2",
        figure: `Customers.list({ prefetch: 2 }), ${PAGES} pages: wall time`,
        value: result.two,
        unit: "ms",
        baseline,
        note: `${(result.none / result.two).toFixed(2)}× faster`
      }
    ]
  }
}
