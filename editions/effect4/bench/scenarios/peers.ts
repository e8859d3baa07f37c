/**
 * The peers, side by side in one process and one run: raw fetch, raw `undici.request`, `node:http`,
 * openai-node, stripe-node, `@effect/platform-node` 4's undici client alone, and effect-xtopay over
 * `XtopayLive`, `XtopayNode` and `NodeHttpClient.layerUndici`, all against the floor server (a
 * child process answering a fixed customer to anything). Retrieve and create: median and p99 at
 * concurrency 1, calls/s at 64, and the client's CPU per call. On the Node running the bench, and
 * on every other Node line asked for (a full run does Node 22 and 24). The page shows these runs
 * beside the Effect 3 edition's (`bench/peer-figures.ts` at the repository's root).
 */
import { callSizes, type CallSizes } from "../../../../bench/compare.js"
import { FLOOR_CUSTOMER } from "../../../../bench/floor-server.js"
import {
  type Measured,
  measureOnEveryLine,
  measurePeers,
  type Operation,
  OPERATIONS,
  runTable
} from "../../../../bench/peer-figures.js"
import type { Row, Scenario } from "../../../../bench/scenario.js"
import { makePeers } from "../harness/peers.js"

interface Input {
  readonly baseUrl: string
  readonly sizes: CallSizes
}

export const measure = async ({ baseUrl, sizes }: Input): Promise<Measured> => {
  const peers = makePeers(baseUrl, FLOOR_CUSTOMER.id)
  const measured = await measurePeers(peers.calls, sizes)
  await peers.dispose()
  return measured
}

/** The Effect 4 edition's targets (issue 24), as ratios within the run. */
const targetRows = (operation: Operation, measured: Measured, line: string): Array<Row> => {
  const { fetch, openai, stripe, xtopayLive, xtopayNode } = measured.figures[operation]
  if (!fetch || !openai || !stripe || !xtopayLive) throw new Error(`a client is missing from the ${line} run`)
  const id = (what: string) => `peers.${line}.${operation}.${what}`
  const on = `${operation}, Node ${measured.node}`
  const node: Array<Row> = xtopayNode === undefined ? [] : [
    {
      id: id("node.throughput-vs-stripe"),
      figure: `XtopayNode calls/s, c=64, ${on}`,
      value: xtopayNode.throughput,
      unit: "calls/s",
      baseline: { label: "stripe-node", value: stripe.throughput },
      target: { kind: "ratio-at-least", limit: 1.2 }
    },
    {
      id: id("node.median-vs-fetch"),
      figure: `XtopayNode median latency, c=1, ${on}`,
      value: xtopayNode.latency.median,
      unit: "ms",
      baseline: { label: "raw fetch + JSON.parse", value: fetch.latency.median },
      target: { kind: "ratio-at-most", limit: 0.8 }
    },
    {
      id: id("node.median-vs-stripe"),
      figure: `XtopayNode median latency, c=1, ${on}`,
      value: xtopayNode.latency.median,
      unit: "ms",
      baseline: { label: "stripe-node", value: stripe.latency.median }
    },
    {
      id: id("node.cpu-vs-stripe"),
      figure: `XtopayNode client CPU per call, c=1, ${on}`,
      value: xtopayNode.cpuPerCall,
      unit: "µs",
      baseline: { label: "stripe-node", value: stripe.cpuPerCall }
    }
  ]
  return [
    ...node,
    {
      id: id("live.throughput-vs-openai"),
      figure: `XtopayLive calls/s, c=64, ${on}`,
      value: xtopayLive.throughput,
      unit: "calls/s",
      baseline: { label: "openai-node", value: openai.throughput },
      target: { kind: "ratio-at-least", limit: 1 }
    },
    {
      id: id("live.median-vs-openai"),
      figure: `XtopayLive median latency, c=1, ${on}`,
      value: xtopayLive.latency.median,
      unit: "ms",
      baseline: { label: "openai-node", value: openai.latency.median },
      target: { kind: "ratio-at-most", limit: 1 }
    }
  ]
}

export const scenario: Scenario = {
  id: "peers",
  title: "Peers on the floor server (one process, one run)",
  run: async (context) => {
    const sizes = callSizes(context.quick)
    const lines = await measureOnEveryLine(context, import.meta.url, (baseUrl): Input => ({ baseUrl, sizes }))
    if (lines.some(({ measured }) => measured.figures.retrieve.xtopayNode === undefined)) {
      context.log("XtopayNode is not in this build (no dist/esm/node.js): its rows and targets are left out")
    }
    return {
      tables: lines.flatMap(({ measured }) => OPERATIONS.map((operation) => runTable(operation, measured, sizes, LABELS))),
      rows: lines.flatMap(({ id, measured }) => OPERATIONS.flatMap((operation) => targetRows(operation, measured, id))),
      data: lines
    }
  }
}

/** This edition's names for its own clients, in the console's table. */
const LABELS = { platformUndici: "`@effect/platform-node` 4 undici `HttpClient` alone (no SDK code; the floor)" }
