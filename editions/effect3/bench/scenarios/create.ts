/**
 * (b) `Customers.create` against raw fetch + JSON.parse of the same `POST /customers` (same body,
 * an `Idempotency-Key` too).
 */
import { randomUUID } from "node:crypto"
import { Customers } from "../harness/sdk.js"
import { clientRuntime } from "../harness/client.js"
import { createParams as params, raw } from "../../../../bench/raw.js"
import { callRows, callSizes, type CallSizes, compareCalls } from "../../../../bench/compare.js"
import type { Scenario } from "../../../../bench/scenario.js"

interface Input {
  readonly baseUrl: string
  readonly sizes: CallSizes
}

export const measure = async ({ baseUrl, sizes }: Input) => {
  const runtime = clientRuntime(baseUrl)
  const url = `${baseUrl}/customers`
  const result = await compareCalls(
    (i) => runtime.runPromise(Customers.create(params(i))),
    (i) => raw.post(url, params(i), `bench-${randomUUID()}`),
    sizes
  )
  await runtime.dispose()
  return result
}

export const scenario: Scenario = {
  id: "create",
  title: "Customers.create",
  run: async ({ startServer, inChild, quick }) => {
    const server = await startServer()
    const sizes = callSizes(quick)
    const result = await inChild<Input, Awaited<ReturnType<typeof measure>>>(import.meta.url, {
      baseUrl: server.baseUrl,
      sizes
    })
    return callRows("create", "Customers.create", result, sizes)
  }
}
