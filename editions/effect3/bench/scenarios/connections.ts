/**
 * Connection reuse: how many TCP connections the mock server accepts for 1,000 `Customers.retrieve`
 * calls one after another, and for 1,000 at concurrency 16, each from a fresh process (an empty
 * connection pool), beside the same calls with raw fetch.
 */
import { Customers } from "../harness/sdk.js"
import { clientRuntime } from "../harness/client.js"
import { firstCustomerId, raw } from "../../../../bench/raw.js"
import { throughput } from "../../../../bench/measure.js"
import type { Row, Scenario } from "../../../../bench/scenario.js"

const CALLS = 1_000

interface Input {
  readonly baseUrl: string
  readonly id: string
  readonly side: "client" | "raw"
  readonly concurrency: number
}

export const measure = async ({ baseUrl, id, side, concurrency }: Input) => {
  const runtime = clientRuntime(baseUrl)
  const url = `${baseUrl}/customers/${id}`
  const call = side === "client" ? () => runtime.runPromise(Customers.retrieve(id)) : () => raw.get(url)
  await throughput(call, CALLS, concurrency)
  await runtime.dispose()
  return null
}

export const scenario: Scenario = {
  id: "connections",
  title: "Connection reuse (connections the mock server accepted)",
  run: async ({ startServer, inChild }) => {
    const server = await startServer({ seedCustomers: 10 })
    const id = await firstCustomerId(server.baseUrl)
    // Counted around each child; the parent's own request above is already in the count.
    const accepted = async (side: Input["side"], concurrency: number) => {
      const before = await server.connections()
      await inChild<Input, null>(import.meta.url, { baseUrl: server.baseUrl, id, side, concurrency })
      return (await server.connections()) - before
    }
    const rows: Array<Row> = []
    for (const concurrency of [1, 16]) {
      const client = await accepted("client", concurrency)
      const base = await accepted("raw", concurrency)
      rows.push({
        id: `connections.c${concurrency}`,
        figure: `${CALLS.toLocaleString("en-US")} Customers.retrieve calls, ${
          concurrency === 1 ? "one after another" : `concurrency ${concurrency}`
        }: connections accepted`,
        value: client,
        unit: "connections",
        baseline: { label: "raw fetch", value: base },
        // A handful: undici keeps up to two sockets per concurrent caller (raw fetch does the same), never one per call.
        target: { kind: "at-most", limit: 2 * concurrency + 2 }
      })
    }
    return rows
  }
}
