/**
 * Where a call's CPU goes in the Effect 4 edition: a V8 CPU profile (node:inspector) of one
 * workload, its self time summed by where the code lives (Effect's fiber runtime, Schema,
 * effect/http, this SDK, core's in-memory Xtopay, Node's fetch and sockets, GC) and the hottest
 * functions. Workloads: `xtopay-test` (the bench's mixed create / retrieve / list loop over
 * `XtopayTest`), `live-retrieve` (`Customers.retrieve` over `XtopayLive` against the floor
 * server, one call after another) and `node-walk` (`Customers.list` over `XtopayNode`, every
 * customer of a mock server seeded with `operations` customers, one effect per customer).
 *
 *   npx tsx bench/micro/profile.ts xtopay-test|live-retrieve|node-walk [operations] [function to show the callers of]
 */
import { Effect, ManagedRuntime, Stream } from "effect"
import { Session } from "node:inspector/promises"
import { FLOOR_CUSTOMER, startFloorServer } from "../../../../bench/floor-server.js"
import { rawWalk, useEnvironment } from "../../../../bench/raw.js"
import { startMockServer } from "../../../../bench/server.js"
import { mixed } from "../scenarios/xtopay-test.js"
import { Customers, mockCli, XtopayLive, XtopayNode, XtopayTest } from "../harness/sdk.js"

const workload = process.argv[2] ?? "xtopay-test"
const operations = Number(process.argv[3] ?? 6_000)

interface Node {
  readonly id: number
  readonly children?: ReadonlyArray<number>
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number }
  readonly hitCount: number
}

/** Where a function's code lives, by its script's URL. */
const category = (url: string, name: string): string => {
  if (name === "(garbage collector)") return "GC"
  if (name === "(program)" || name === "(idle)") return name
  if (url.includes("/effect/dist/Schema") || url.includes("/effect/dist/internal/schema")) return "effect Schema"
  if (url.includes("/effect/dist/http/")) return "effect/http"
  if (url.includes("/effect/dist/")) return "effect runtime (fibers, Context, Cause, Schedule, Tracer…)"
  if (url.includes("/core/fake/") || url.includes("/dist/esm/testing/")) return "the in-memory Xtopay (core/fake, testing/)"
  if (url.includes("/dist/esm/")) return "this SDK (request path, endpoints, schemas' code)"
  if (url.includes("/core/")) return "core rules"
  if (url.includes("node:internal/deps/undici") || url.includes("undici")) return "undici (fetch)"
  if (url.startsWith("node:")) return "Node internals (streams, sockets, timers…)"
  if (url === "") return "native / V8 builtins"
  return url.replace(/^.*node_modules\//, "")
}

const run = async (): Promise<() => Promise<void>> => {
  if (workload === "xtopay-test") {
    const runtime = ManagedRuntime.make(XtopayTest)
    await runtime.runPromise(mixed(1_500)) // warm-up
    return () => runtime.runPromise(mixed(operations))
  }
  if (workload === "node-walk") {
    const mock = await startMockServer({ cli: mockCli(), seedCustomers: operations })
    await rawWalk(mock.baseUrl, () => {}) // the server encodes each customer once
    useEnvironment(mock.baseUrl)
    const runtime = ManagedRuntime.make(XtopayNode ?? XtopayLive)
    let items = 0
    const walk = () => runtime.runPromise(Stream.runForEach(Customers.list({ limit: 100 }), () => Effect.sync(() => void items++)))
    await walk() // warm-up
    return async () => {
      await walk()
      await runtime.dispose()
      await mock.stop()
    }
  }
  const server = await startFloorServer()
  useEnvironment(server.baseUrl)
  const runtime = ManagedRuntime.make(XtopayLive)
  const call = () => runtime.runPromise(Customers.retrieve(FLOOR_CUSTOMER.id))
  for (let i = 0; i < 1_000; i++) await call()
  return async () => {
    for (let i = 0; i < operations; i++) await call()
    await runtime.dispose()
    await server.stop()
  }
}

const work = await run()
const session = new Session()
session.connect()
await session.post("Profiler.enable")
await session.post("Profiler.setSamplingInterval", { interval: 100 })
const cpuStart = process.cpuUsage()
await session.post("Profiler.start")
await work()
const { profile } = await session.post("Profiler.stop")
const cpu = process.cpuUsage(cpuStart)
session.disconnect()

const nodes = profile.nodes as ReadonlyArray<Node>
const total = nodes.reduce((n, node) => n + node.hitCount, 0)
const byCategory = new Map<string, number>()
const byFunction = new Map<string, number>()
for (const node of nodes) {
  const { functionName, lineNumber, url } = node.callFrame
  const where = category(url, functionName)
  byCategory.set(where, (byCategory.get(where) ?? 0) + node.hitCount)
  const key = `${functionName || "(anonymous)"} ${url.replace(/^.*\/(node_modules|dist)\//, "")}:${lineNumber + 1}`
  byFunction.set(key, (byFunction.get(key) ?? 0) + node.hitCount)
}
const perOp = (cpu.user + cpu.system) / operations
const share = (hits: number) => `${((100 * hits) / total).toFixed(1)}%`
console.log(`${workload}, Node ${process.version}: ${operations} operations, ${perOp.toFixed(0)} µs CPU each (profiler on)`)
console.log("| where | self time | ≈ µs per operation |\n|---|---|---|")
for (const [where, hits] of [...byCategory].sort((a, b) => b[1] - a[1])) {
  console.log(`| ${where} | ${share(hits)} | ${((perOp * hits) / total).toFixed(1)} |`)
}
console.log("\nHottest functions (self time):")
for (const [name, hits] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${share(hits).padStart(6)}  ${name}`)
// Who calls a function (its self time by the chain of callers, six frames up).
const traced = process.argv[4]
if (traced !== undefined) {
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const chains = new Map<string, number>()
  for (const node of nodes.filter((n) => n.callFrame.functionName === traced && n.hitCount > 0)) {
    const frames: Array<string> = []
    for (let id = parent.get(node.id); id !== undefined && frames.length < 6; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame
      frames.push(`${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/(node_modules|dist)\//, "")}:${frame.lineNumber + 1}`)
    }
    const chain = frames.join(" ← ")
    chains.set(chain, (chains.get(chain) ?? 0) + node.hitCount)
  }
  console.log(`\nCallers of ${traced}:`)
  for (const [chain, hits] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`  ${share(hits).padStart(6)}  ${chain}`)
}
await Effect.runPromise(Effect.void)
