/**
 * (a) `Customers.retrieve` against raw fetch + JSON.parse of the same `GET /customers/:id`.
 */
import { Customers } from "../harness/sdk.js"
import { clientRuntime, platformAlone } from "../harness/client.js"
import { firstCustomerId, raw } from "../../../../bench/raw.js"
import { callRows, callSizes, type CallSizes, compareCalls, slowServerSizes } from "../../../../bench/compare.js"
import type { Scenario } from "../../../../bench/scenario.js"

interface Input {
  readonly baseUrl: string
  readonly id: string
  readonly sizes: CallSizes
  /** Measure the platform's `HttpClient` alone instead of the SDK: the floor under it. */
  readonly floor?: boolean
}

export const measure = async ({ baseUrl, floor, id, sizes }: Input) => {
  const url = `${baseUrl}/customers/${id}`
  if (floor === true) {
    const platform = platformAlone()
    const result = await compareCalls(() => platform.get(url), () => raw.get(url), sizes)
    await platform.dispose()
    return result
  }
  const runtime = clientRuntime(baseUrl)
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
    const compare = async (latencyMs: number | undefined, sizes: CallSizes, floor = false) => {
      const server = await startServer({ seedCustomers: 1_000, latencyMs })
      const result = await inChild<Input, Awaited<ReturnType<typeof measure>>>(import.meta.url, {
        baseUrl: server.baseUrl,
        id: await firstCustomerId(server.baseUrl),
        sizes,
        floor
      })
      await server.stop()
      return result
    }
    const sizes = callSizes(quick)
    const loopback = await compare(undefined, sizes)
    // For scale: the same comparison when the server is 20 ms away, as a real API is.
    const distant = await compare(20, slowServerSizes)
    // What no SDK over @effect/platform can beat: the platform's HttpClient alone, same GET.
    const floor = await compare(undefined, sizes, true)
    return [
      ...callRows("retrieve", "Customers.retrieve", loopback, sizes),
      ...callRows("retrieve", "@effect/platform FetchHttpClient alone (no SDK; the floor)", floor, sizes, {
        id: "platform",
        label: "loopback"
      }),
      ...callRows("retrieve", "Customers.retrieve", distant, slowServerSizes, { id: "latency20", label: "server +20 ms" })
    ]
  }
}
