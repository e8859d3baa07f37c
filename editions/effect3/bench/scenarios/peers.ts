/**
 * The peers, side by side in one process and one run: raw fetch, raw `undici.request`, `node:http`,
 * openai-node, stripe-node, the platform's undici client alone, and effect-xtopay over `XtopayLive`,
 * `XtopayNode` and `NodeHttpClient.layerUndici`, all against the floor server (a child process
 * answering a fixed customer to anything). Retrieve and create: median and p99 at concurrency 1,
 * calls/s at 64, and the client's CPU per call. On the Node running the bench, and on every other
 * Node line asked for (`--node 24`; a full run does Node 24 too).
 */
import type { ClientFigures } from "../harness/compare.js"
import { callSizes, type CallSizes, compareClients } from "../harness/compare.js"
import { FLOOR_CUSTOMER, startFloorServer } from "../harness/floor-server.js"
import { makePeers, type Peer, PEER_LABELS, PEERS } from "../harness/peers.js"
import type { Row, Scenario, Table } from "../harness/scenario.js"

const OPERATIONS = ["retrieve", "create"] as const
type Operation = typeof OPERATIONS[number]

interface Input {
  readonly baseUrl: string
  readonly sizes: CallSizes
}

type Figures = Record<Operation, Record<Peer, ClientFigures>>

export interface Measured {
  readonly node: string
  readonly figures: Figures
}

export const measure = async ({ baseUrl, sizes }: Input): Promise<Measured> => {
  const peers = makePeers(baseUrl, FLOOR_CUSTOMER.id)
  const figures = {} as Figures
  for (const operation of OPERATIONS) {
    const calls = Object.fromEntries(PEERS.map((peer) => [peer, peers.calls[peer][operation]])) as Record<
      Peer,
      (i: number) => Promise<unknown>
    >
    figures[operation] = await compareClients(calls, sizes)
  }
  await peers.dispose()
  return { node: process.version, figures }
}

const fixed = (x: number, digits: number) => x.toFixed(digits)
const whole = (x: number) => Math.round(x).toLocaleString("en-US")

const table = (operation: Operation, measured: Measured, sizes: CallSizes): Table => {
  const figures = measured.figures[operation]
  const fetch = figures.fetch
  return {
    title: `${operation === "retrieve" ? "Retrieve (GET /customers/:id)" : "Create (POST /customers)"}, Node ${measured.node}`,
    columns: [
      "Client",
      "median ms, c=1",
      "p99 ms, c=1",
      "× raw fetch",
      "client CPU µs/call, c=1",
      `client CPU µs/call, c=${sizes.concurrency}`,
      `calls/s, c=${sizes.concurrency}`,
      "× raw fetch"
    ],
    lines: PEERS.map((peer) => {
      const f = figures[peer]
      return [
        PEER_LABELS[peer],
        fixed(f.latency.median, 3),
        fixed(f.latency.p99, 2),
        fixed(f.latency.median / fetch.latency.median, 2),
        whole(f.cpuPerCall),
        whole(f.cpuPerCallConcurrent),
        whole(f.throughput),
        fixed(f.throughput / fetch.throughput, 2)
      ]
    }),
    note: `${sizes.samples.toLocaleString("en-US")} calls per client at c=1 (after ${sizes.warmup} warm-up calls), ` +
      `${sizes.rounds} rounds of ${sizes.throughputCalls.toLocaleString("en-US")} calls at c=${sizes.concurrency} ` +
      "(median round); every client takes its turn in every round. CPU is `process.cpuUsage()` of the client " +
      "process over the loop; the floor server is another process."
  }
}

/** The targets, as ratios within the run. */
const targetRows = (operation: Operation, measured: Measured, line: string): Array<Row> => {
  const f = measured.figures[operation]
  const id = (what: string) => `peers.${line}.${operation}.${what}`
  const on = `${operation}, Node ${measured.node}`
  return [
    {
      id: id("node.median-vs-stripe"),
      figure: `XtopayNode median latency, c=1, ${on}`,
      value: f.xtopayNode.latency.median,
      unit: "ms",
      baseline: { label: "stripe-node", value: f.stripe.latency.median },
      target: { kind: "ratio-at-most", limit: 1 }
    },
    {
      id: id("node.median-vs-fetch"),
      figure: `XtopayNode median latency, c=1, ${on}`,
      value: f.xtopayNode.latency.median,
      unit: "ms",
      baseline: { label: "raw fetch + JSON.parse", value: f.fetch.latency.median },
      target: { kind: "ratio-at-most", limit: 1 }
    },
    {
      id: id("node.throughput-vs-stripe"),
      figure: `XtopayNode calls/s, c=64, ${on}`,
      value: f.xtopayNode.throughput,
      unit: "calls/s",
      baseline: { label: "stripe-node", value: f.stripe.throughput },
      target: { kind: "ratio-at-least", limit: 1 }
    },
    {
      id: id("node.cpu-vs-stripe"),
      figure: `XtopayNode client CPU per call, c=1, ${on}`,
      value: f.xtopayNode.cpuPerCall,
      unit: "µs",
      baseline: { label: "stripe-node", value: f.stripe.cpuPerCall },
      target: { kind: "ratio-at-most", limit: 1 }
    },
    {
      id: id("live.median-vs-openai"),
      figure: `XtopayLive median latency, c=1, ${on}`,
      value: f.xtopayLive.latency.median,
      unit: "ms",
      baseline: { label: "openai-node", value: f.openai.latency.median },
      target: { kind: "ratio-at-most", limit: 1 }
    },
    {
      id: id("live.throughput-vs-openai"),
      figure: `XtopayLive calls/s, c=64, ${on}`,
      value: f.xtopayLive.throughput,
      unit: "calls/s",
      baseline: { label: "openai-node", value: f.openai.throughput },
      target: { kind: "ratio-at-least", limit: 1 }
    }
  ]
}

export const scenario: Scenario = {
  id: "peers",
  title: "Peers on the floor server (one process, one run)",
  run: async ({ inChild, log, nodeLines, quick }) => {
    const sizes = callSizes(quick)
    const server = await startFloorServer()
    try {
      const lines: Array<{ readonly id: string; readonly measured: Measured }> = []
      for (const line of [{ id: "current", execPath: undefined }, ...nodeLines]) {
        log(`Node ${line.id}: ${PEERS.length} clients × ${OPERATIONS.length} operations`)
        const measured = await inChild<Input, Measured>(import.meta.url, { baseUrl: server.baseUrl, sizes }, {
          execPath: line.execPath
        })
        lines.push({ id: line.id === "current" ? `node${measured.node.slice(1).split(".")[0]}` : `node${line.id}`, measured })
      }
      return {
        tables: lines.flatMap(({ measured }) => OPERATIONS.map((operation) => table(operation, measured, sizes))),
        rows: lines.flatMap(({ id, measured }) => OPERATIONS.flatMap((operation) => targetRows(operation, measured, id))),
        data: lines
      }
    } finally {
      await server.stop()
    }
  }
}
