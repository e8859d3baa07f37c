/**
 * One request against its raw-fetch baseline: latency at concurrency 1 and throughput at
 * concurrency 64, alternating subject and baseline round by round. Used by the retrieve and
 * create scenarios alike.
 */
import { alternate, type Call, latencies, median, type Summary, summarize, throughput, withCpu } from "./measure.js"
import type { Row } from "./scenario.js"

export interface CallSizes {
  /** Untimed calls of each side before measuring. */
  readonly warmup: number
  /** Timed calls of each side at concurrency 1, split over the rounds. */
  readonly samples: number
  readonly rounds: number
  /** Calls of each side per throughput round. */
  readonly throughputCalls: number
  readonly concurrency: number
}

export const callSizes = (quick: boolean): CallSizes =>
  quick
    ? { warmup: 100, samples: 400, rounds: 2, throughputCalls: 640, concurrency: 64 }
    : { warmup: 500, samples: 2_000, rounds: 4, throughputCalls: 3_200, concurrency: 64 }

export interface CallComparison {
  readonly latency: { readonly subject: Summary; readonly baseline: Summary }
  /** CPU time (µs) the calling process spent per call at concurrency 1: what the client itself costs. */
  readonly cpuPerCall: { readonly subject: number; readonly baseline: number }
  readonly throughput: {
    readonly subject: number
    readonly baseline: number
    readonly rounds: { readonly subject: ReadonlyArray<number>; readonly baseline: ReadonlyArray<number> }
  }
}

/** Measures `subject` against `baseline` (in a child process: see `Context.inChild`). */
export const compareCalls = async (subject: Call, baseline: Call, sizes: CallSizes): Promise<CallComparison> => {
  await latencies(subject, sizes.warmup)
  await latencies(baseline, sizes.warmup)
  const perRound = Math.ceil(sizes.samples / sizes.rounds)
  const latency = await alternate(sizes.rounds, {
    subject: () => withCpu(() => latencies(subject, perRound)),
    baseline: () => withCpu(() => latencies(baseline, perRound))
  })
  const cpuPerCall = (rounds: ReadonlyArray<{ readonly cpuMicros: number }>) =>
    rounds.reduce((sum, round) => sum + round.cpuMicros, 0) / (rounds.length * perRound)
  const rate = await alternate(sizes.rounds, {
    subject: () => throughput(subject, sizes.throughputCalls, sizes.concurrency),
    baseline: () => throughput(baseline, sizes.throughputCalls, sizes.concurrency)
  })
  return {
    latency: {
      subject: summarize(latency.subject.flatMap((round) => round.result)),
      baseline: summarize(latency.baseline.flatMap((round) => round.result))
    },
    cpuPerCall: { subject: cpuPerCall(latency.subject), baseline: cpuPerCall(latency.baseline) },
    throughput: { subject: median(rate.subject), baseline: median(rate.baseline), rounds: rate }
  }
}

/** Fewer calls, for a server that answers slowly on purpose (`--latency-ms`). */
export const slowServerSizes: CallSizes = { warmup: 100, samples: 400, rounds: 2, throughputCalls: 1_280, concurrency: 64 }

/**
 * The rows of a comparison. On loopback they carry the targets (median ≤ 1.25× raw fetch,
 * throughput ≥ 0.8×); against a slow server (`where`) they are shown for scale, without targets.
 */
export const callRows = (
  id: string,
  name: string,
  result: CallComparison,
  sizes: CallSizes,
  where?: { readonly id: string; readonly label: string }
): Array<Row> => {
  const { cpuPerCall, latency, throughput: rate } = result
  const baseline = "raw fetch + JSON.parse"
  if (where !== undefined) {
    return [
      {
        id: `${id}.${where.id}.median`,
        figure: `${name} median latency, concurrency 1, ${where.label} (${latency.subject.count} calls)`,
        value: latency.subject.median,
        unit: "ms",
        baseline: { label: baseline, value: latency.baseline.median }
      },
      {
        id: `${id}.${where.id}.throughput`,
        figure: `${name} throughput, concurrency ${sizes.concurrency}, ${where.label}`,
        value: rate.subject,
        unit: "calls/s",
        baseline: { label: baseline, value: rate.baseline }
      }
    ]
  }
  return [
    {
      id: `${id}.median`,
      figure: `${name} median latency, concurrency 1 (${latency.subject.count} calls)`,
      value: latency.subject.median,
      unit: "ms",
      // Figures only: the peer scenario's ratios on the floor server replaced these targets (issue 13).
      baseline: { label: baseline, value: latency.baseline.median }
    },
    {
      id: `${id}.p99`,
      figure: `${name} p99 latency, concurrency 1`,
      value: latency.subject.p99,
      unit: "ms",
      baseline: { label: baseline, value: latency.baseline.p99 }
    },
    {
      id: `${id}.cpu`,
      figure: `${name}: CPU time of the calling process per call, concurrency 1`,
      value: cpuPerCall.subject,
      unit: "µs",
      baseline: { label: baseline, value: cpuPerCall.baseline }
    },
    {
      id: `${id}.throughput`,
      figure: `${name} throughput, concurrency ${sizes.concurrency} (median of ${rate.rounds.subject.length} rounds)`,
      value: rate.subject,
      unit: "calls/s",
      baseline: { label: baseline, value: rate.baseline }
    }
  ]
}

/** One client's figures in a side-by-side comparison (`compareClients`). */
export interface ClientFigures {
  readonly latency: Summary
  /** CPU time (µs) of the calling process per call at concurrency 1. */
  readonly cpuPerCall: number
  /** Median calls/s over the throughput rounds, at `sizes.concurrency`. */
  readonly throughput: number
  readonly throughputRounds: ReadonlyArray<number>
  /** CPU time (µs) of the calling process per call at `sizes.concurrency`. */
  readonly cpuPerCallConcurrent: number
}

/**
 * Many clients side by side in one process (in a child: see `Context.inChild`): every client takes
 * its turn in every round, the order flipping round by round, so a drift in machine load hits
 * them all alike.
 */
export const compareClients = async <K extends string>(
  clients: Readonly<Record<K, Call>>,
  sizes: CallSizes
): Promise<Record<K, ClientFigures>> => {
  const names = Object.keys(clients) as Array<K>
  const each = <T>(f: (call: Call) => () => Promise<T>) =>
    Object.fromEntries(names.map((name) => [name, f(clients[name])])) as Record<K, () => Promise<T>>
  for (const name of names) await latencies(clients[name], sizes.warmup)
  const perRound = Math.ceil(sizes.samples / sizes.rounds)
  const latency = await alternate(sizes.rounds, each((call) => () => withCpu(() => latencies(call, perRound))))
  const rate = await alternate(
    sizes.rounds,
    each((call) => () => withCpu(() => throughput(call, sizes.throughputCalls, sizes.concurrency)))
  )
  const sum = (xs: ReadonlyArray<number>) => xs.reduce((a, b) => a + b, 0)
  return Object.fromEntries(names.map((name) => {
    const rounds = latency[name]
    const rates = rate[name]
    const figures: ClientFigures = {
      latency: summarize(rounds.flatMap((round) => round.result)),
      cpuPerCall: sum(rounds.map((round) => round.cpuMicros)) / (rounds.length * perRound),
      throughput: median(rates.map((round) => round.result)),
      throughputRounds: rates.map((round) => round.result),
      cpuPerCallConcurrent: sum(rates.map((round) => round.cpuMicros)) / (rates.length * sizes.throughputCalls)
    }
    return [name, figures]
  })) as Record<K, ClientFigures>
}
