/**
 * The peer comparison's figures, for either edition: measuring every client side by side in one
 * process, the table of one run, and the tables that put both editions' runs side by side (one
 * per operation and Node line) in docs/performance.md.
 */
import { callSizes, type CallSizes, type ClientFigures, compareClients } from "./compare.js"
import { startFloorServer } from "./floor-server.js"
import { type Peer, PEER_LABELS, type PeerCalls, PEERS } from "./peers.js"
import type { Context, Table } from "./scenario.js"

export const OPERATIONS = ["retrieve", "create"] as const
export type Operation = typeof OPERATIONS[number]

/** One run's figures: an edition measures the clients it has (an edition may lack one, e.g. before it is built). */
export type Figures = Record<Operation, Partial<Record<Peer, ClientFigures>>>

export interface Measured {
  /** `process.version` of the measuring process. */
  readonly node: string
  readonly figures: Figures
}

/** One Node line's run: `id` is `node<major>`. */
export interface PeerLine {
  readonly id: string
  readonly measured: Measured
}

/** Every client given, retrieve then create (in the measuring child). */
export const measurePeers = async (clients: Partial<Record<Peer, PeerCalls>>, sizes: CallSizes): Promise<Measured> => {
  const present = PEERS.filter((peer) => clients[peer] !== undefined)
  const figures = {} as Figures
  for (const operation of OPERATIONS) {
    const calls = Object.fromEntries(present.map((peer) => [peer, clients[peer]![operation]])) as Record<
      Peer,
      (i: number) => Promise<unknown>
    >
    figures[operation] = await compareClients(calls, sizes)
  }
  return { node: process.version, figures }
}

/**
 * Runs the module's `measure` against one floor server on the bench's Node and on every other line
 * asked for, one after another (`measure` must return `Measured`).
 */
export const measureOnEveryLine = async <I extends object>(
  { inChild, log, nodeLines }: Context,
  moduleUrl: string,
  input: (baseUrl: string) => I
): Promise<Array<PeerLine>> => {
  const server = await startFloorServer()
  try {
    const lines: Array<PeerLine> = []
    for (const line of [{ id: "current", execPath: undefined }, ...nodeLines]) {
      log(`Node ${line.id}: the peers × ${OPERATIONS.length} operations`)
      const measured = await inChild<I, Measured>(moduleUrl, input(server.baseUrl), { execPath: line.execPath })
      lines.push({ id: `node${measured.node.slice(1).split(".")[0]}`, measured })
    }
    return lines
  } finally {
    await server.stop()
  }
}

const fixed = (x: number, digits: number) => x.toFixed(digits)
const whole = (x: number) => Math.round(x).toLocaleString("en-US")

const title = (operation: Operation) =>
  operation === "retrieve" ? "Retrieve (GET /customers/:id)" : "Create (POST /customers)"

const note = (sizes: CallSizes) =>
  `${sizes.samples.toLocaleString("en-US")} calls per client at c=1 (after ${sizes.warmup} warm-up calls), ` +
  `${sizes.rounds} rounds of ${sizes.throughputCalls.toLocaleString("en-US")} calls at c=${sizes.concurrency} ` +
  "(median round); every client takes its turn in every round. CPU is `process.cpuUsage()` of the client " +
  "process over the loop; the floor server is another process."

/** One run's table (the console shows it; so did the page before both editions shared it). */
export const runTable = (
  operation: Operation,
  measured: Measured,
  sizes: CallSizes,
  labels: Partial<Record<Peer, string>> = {}
): Table => {
  const figures = measured.figures[operation]
  const fetch = figures.fetch!
  return {
    title: `${title(operation)}, Node ${measured.node}`,
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
    lines: PEERS.flatMap((peer) => {
      const f = figures[peer]
      if (f === undefined) return []
      return [[
        labels[peer] ?? PEER_LABELS[peer],
        fixed(f.latency.median, 3),
        fixed(f.latency.p99, 2),
        fixed(f.latency.median / fetch.latency.median, 2),
        whole(f.cpuPerCall),
        whole(f.cpuPerCallConcurrent),
        whole(f.throughput),
        fixed(f.throughput / fetch.throughput, 2)
      ]]
    }),
    note: note(sizes)
  }
}

/** An edition's peer runs, as its results.json keeps them (the peers scenario's `data`). */
export interface EditionLines {
  /** "Effect 3", "Effect 4". */
  readonly edition: string
  readonly lines: ReadonlyArray<PeerLine>
}

const major = (id: string) => Number(id.replace(/^node/, ""))

/**
 * One table per operation and Node line, each edition's run in its own columns: median (× raw
 * fetch), calls/s at c=64 (× raw fetch) and client CPU per call, each ratio within that edition's
 * own run (raw fetch, undici, node:http, openai-node and stripe-node run in both). A line only one
 * edition ran shows "—" for the other.
 */
export const sideBySideTables = (editions: ReadonlyArray<EditionLines>): Array<Table> => {
  const sizes = callSizes(false)
  const concurrency = sizes.concurrency
  const majors = [...new Set(editions.flatMap((e) => e.lines.map((line) => major(line.id))))].sort((a, b) => a - b)
  const tables = majors.flatMap((m) =>
    OPERATIONS.map((operation): Table => {
      const runs = editions.map((e) => e.lines.find((line) => major(line.id) === m)?.measured)
      const cells = (measured: Measured | undefined, peer: Peer): Array<string> => {
        const f = measured?.figures[operation][peer]
        const fetch = measured?.figures[operation].fetch
        if (f === undefined || fetch === undefined) return ["—", "—", "—"]
        return [
          `${fixed(f.latency.median, 3)} (${fixed(f.latency.median / fetch.latency.median, 2)}×)`,
          `${whole(f.throughput)} (${fixed(f.throughput / fetch.throughput, 2)}×)`,
          whole(f.cpuPerCall)
        ]
      }
      const versions = editions.map((e, i) => `${e.edition}: ${runs[i]?.node ?? "not run"}`).join(", ")
      return {
        title: `${title(operation)}, Node ${m} (${versions})`,
        columns: [
          "Client",
          ...editions.flatMap((e) => [
            `${e.edition}: median ms, c=1 (× raw fetch)`,
            `${e.edition}: calls/s, c=${concurrency} (× raw fetch)`,
            `${e.edition}: client CPU µs/call, c=1`
          ])
        ],
        lines: PEERS.filter((peer) => runs.some((run) => run?.figures[operation][peer] !== undefined)).map((peer) => [
          PEER_LABELS[peer],
          ...runs.flatMap((run) => cells(run, peer))
        ])
      }
    })
  )
  // Said once, under the last table.
  return tables.map((table, i) =>
    i < tables.length - 1 ? table : {
      ...table,
      note: `${note(sizes)} ` +
        "Each edition's columns come from its own run (`npm run bench` in that edition: one measuring process per " +
          "Node line, every client side by side in it, against the floor server); ratios are to raw fetch in the same " +
          "process. The rows without Effect run in both, so comparing them across the columns shows how far the two " +
          "runs' conditions differ. The platform's undici client is `@effect/platform-node` 0.108 under Effect 3 and " +
          "`@effect/platform-node` 4 under Effect 4."
    }
  )
}
