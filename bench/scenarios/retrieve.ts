/**
 * (a) `Customers.retrieve` against raw fetch + JSON.parse of the same `GET /customers/:id`.
 */
import * as Customers from "../../src/Customers.js"
import { clientRuntime, customersPageUrl, raw, type RawPage } from "../harness/client.js"
import { callRows, callSizes, type CallSizes, compareCalls, slowServerSizes } from "../harness/compare.js"
import type { Scenario } from "../harness/scenario.js"

interface Input {
  readonly baseUrl: string
  readonly id: string
  readonly sizes: CallSizes
}

export const measure = async ({ baseUrl, id, sizes }: Input) => {
  const runtime = clientRuntime(baseUrl)
  const url = `${baseUrl}/customers/${id}`
  const result = await compareCalls(
    () => runtime.runPromise(Customers.retrieve(id)),
    () => raw.get(url),
    sizes
  )
  await runtime.dispose()
  return result
}

export const scenario: Scenario = {
  id: "retrieve",
  title: "Customers.retrieve",
  run: async ({ startServer, inChild, quick }) => {
    const compare = async (latencyMs: number | undefined, sizes: CallSizes) => {
      const server = await startServer({ seedCustomers: 1_000, latencyMs })
      const first = (await raw.get(customersPageUrl(server.baseUrl, 1, null))) as RawPage
      const result = await inChild<Input, Awaited<ReturnType<typeof measure>>>(import.meta.url, {
        baseUrl: server.baseUrl,
        id: first.data[0]!.id,
        sizes
      })
      await server.stop()
      return result
    }
    const sizes = callSizes(quick)
    const loopback = await compare(undefined, sizes)
    // For scale: the same comparison when the server is 20 ms away, as a real API is.
    const distant = await compare(20, slowServerSizes)
    return [
      ...callRows("retrieve", "Customers.retrieve", loopback, sizes),
      ...callRows("retrieve", "Customers.retrieve", distant, slowServerSizes, { id: "latency20", label: "server +20 ms" })
    ]
  }
}
