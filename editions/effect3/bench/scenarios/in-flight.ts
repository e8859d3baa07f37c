/**
 * The heap a call holds while it waits for its answer. At c=64 sixty-four calls are in flight at
 * every young-generation collection, and a collection copies what they hold: the more each holds,
 * the more a call costs in GC at concurrency than alone. Each client runs in its own process over
 * a `fetch` that keeps its requests pending until released (no network), so only the client's own
 * state is counted: raw `fetch`, openai-node, a bare Effect fiber awaiting the same `fetch`, and
 * `Customers.retrieve` over `XtopayLive`.
 */
import { Effect, ManagedRuntime } from "effect"
import OpenAI from "openai"
import { FLOOR_CUSTOMER } from "../../../../bench/floor-server.js"
import { median, settledHeapUsed } from "../../../../bench/measure.js"
import type { Row, Scenario } from "../../../../bench/scenario.js"
import { Customers, XtopayLive } from "../harness/sdk.js"

const CLIENTS = ["fetch", "openai", "effectFiber", "xtopayLive"] as const
type Client = typeof CLIENTS[number]

const LABELS: Record<Client, string> = {
  fetch: "raw `fetch` + `text` + `JSON.parse`",
  openai: "openai-node 7.59 (`client.get`)",
  effectFiber: "a bare Effect fiber awaiting that `fetch` (`ManagedRuntime.runPromise(Effect.promise(…))`)",
  xtopayLive: "`Customers.retrieve` over `XtopayLive`"
}

const BASE_URL = "http://127.0.0.1:9/v1"

interface Input {
  readonly client: Client
  readonly calls: number
  readonly rounds: number
}

export const measure = async ({ calls, client, rounds }: Input): Promise<number> => {
  const body = JSON.stringify({ ...FLOOR_CUSTOMER, subscriptions: [], payment_methods: [] })
  const answer = () => new Response(body, { status: 200, headers: { "content-type": "application/json" } })
  let held: Array<() => void> | undefined
  globalThis.fetch = (() =>
    held === undefined
      ? Promise.resolve(answer())
      : new Promise<Response>((resolve) => held!.push(() => resolve(answer())))) as typeof fetch
  process.env["XTOPAY_CLIENT_ID"] = "cid_in_flight"
  process.env["XTOPAY_CLIENT_SECRET"] = "csk_test_in_flight"
  process.env["XTOPAY_BASE_URL"] = BASE_URL
  const url = `${BASE_URL}/customers/${FLOOR_CUSTOMER.id}`
  const viaFetch = () => fetch(url).then((response) => response.text()).then((text) => JSON.parse(text) as unknown)
  const openai = new OpenAI({ apiKey: "sk-in-flight", baseURL: BASE_URL })
  const runtime = ManagedRuntime.make(XtopayLive)
  const call: Record<Client, () => Promise<unknown>> = {
    fetch: viaFetch,
    openai: () => openai.get(`/customers/${FLOOR_CUSTOMER.id}`),
    effectFiber: () => runtime.runPromise(Effect.promise(viaFetch)),
    xtopayLive: () => runtime.runPromise(Customers.retrieve(FLOOR_CUSTOMER.id))
  }
  const run = call[client]
  for (let i = 0; i < 2_000; i++) await run()
  const perCall: Array<number> = []
  for (let round = 0; round < rounds; round++) {
    const before = settledHeapUsed()
    held = []
    const pending = Array.from({ length: calls }, run)
    // Every call has reached its fetch once the microtasks have run.
    await new Promise((resolve) => setTimeout(resolve, 50))
    if (held.length !== calls) throw new Error(`${held.length} of ${calls} calls reached fetch`)
    const during = settledHeapUsed()
    const release = held
    held = undefined
    for (const resolve of release) resolve()
    const answers = await Promise.all(pending)
    if (answers.some((answer) => (answer as { id?: unknown }).id !== FLOOR_CUSTOMER.id)) throw new Error("a wrong answer")
    perCall.push((during - before) / calls)
  }
  await runtime.dispose()
  return median(perCall)
}

export const scenario: Scenario = {
  id: "in-flight",
  title: "Heap held per call in flight (fetch held, no network)",
  run: async ({ inChild, quick }) => {
    const held: Partial<Record<Client, number>> = {}
    for (const client of CLIENTS) {
      held[client] = await inChild<Input, number>(import.meta.url, { client, calls: 2_000, rounds: quick ? 1 : 5 })
    }
    const baseline = { label: "openai-node", value: held.openai! }
    return CLIENTS.filter((client) => client !== "openai").map((client): Row => ({
      id: `in-flight.${client}`,
      figure: `Heap held per call in flight, 2,000 at once: ${LABELS[client]}`,
      value: held[client]!,
      unit: "bytes",
      baseline
    }))
  }
}
