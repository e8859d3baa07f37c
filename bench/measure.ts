/**
 * The timing and memory primitives every scenario uses: one latency loop, one throughput loop,
 * one way to alternate subject and baseline, one memory sampler. Scenarios never time by hand.
 */
import { performance } from "node:perf_hooks"

/** One call of the thing measured; `i` numbers the calls (for unique emails and the like). */
export type Call = (i: number) => Promise<unknown>

/** Order statistics of a set of samples. */
export interface Summary {
  readonly count: number
  readonly median: number
  readonly p99: number
  readonly mean: number
  readonly min: number
  readonly max: number
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN

export const summarize = (samples: ReadonlyArray<number>): Summary => {
  const sorted = [...samples].sort((a, b) => a - b)
  return {
    count: sorted.length,
    median: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: sorted.reduce((sum, x) => sum + x, 0) / Math.max(1, sorted.length),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN
  }
}

export const median = (samples: ReadonlyArray<number>): number => summarize(samples).median

/** Milliseconds `run` takes. */
export const timed = async (run: () => Promise<unknown>): Promise<number> => {
  const start = performance.now()
  await run()
  return performance.now() - start
}

/** What `run` gives, with the CPU time (user + system, µs) this process spent meanwhile. */
export const withCpu = async <T>(run: () => Promise<T>): Promise<{ readonly result: T; readonly cpuMicros: number }> => {
  const start = process.cpuUsage()
  const result = await run()
  const used = process.cpuUsage(start)
  return { result, cpuMicros: used.user + used.system }
}

/** A counter shared by every loop, so each call gets a fresh index however the loops interleave. */
let nextIndex = 0

/** `samples` sequential calls, one latency (ms) each. */
export const latencies = async (call: Call, samples: number): Promise<Array<number>> => {
  const out: Array<number> = new Array(samples)
  for (let k = 0; k < samples; k++) {
    const i = nextIndex++
    const start = performance.now()
    await call(i)
    out[k] = performance.now() - start
  }
  return out
}

/** Calls per second when `concurrency` callers share `calls` calls. */
export const throughput = async (call: Call, calls: number, concurrency: number): Promise<number> => {
  let left = calls
  const worker = async () => {
    while (left > 0) {
      left -= 1
      await call(nextIndex++)
    }
  }
  const millis = await timed(() => Promise.all(Array.from({ length: concurrency }, worker)))
  return calls / (millis / 1000)
}

/**
 * Runs every variant once per round, in turn, for `rounds` rounds: slow drifts in machine load
 * (other processes on a shared box) then hit the subject and its baseline alike.
 */
export const alternate = async <K extends string, T>(
  rounds: number,
  variants: Readonly<Record<K, () => Promise<T>>>
): Promise<Record<K, Array<T>>> => {
  const names = Object.keys(variants) as Array<K>
  const results = Object.fromEntries(names.map((name) => [name, [] as Array<T>])) as Record<K, Array<T>>
  for (let round = 0; round < rounds; round++) {
    // Alternate who goes first, so neither always runs on a cache the other warmed.
    const order = round % 2 === 0 ? names : [...names].reverse()
    for (const name of order) results[name].push(await variants[name]())
  }
  return results
}

/** Peak heap and RSS seen by a sampler, in bytes. */
export interface MemoryPeaks {
  readonly heapUsed: number
  readonly rss: number
}

/**
 * Samples `process.memoryUsage()` every `intervalMs` and whenever `sample()` is called (per page,
 * so a short-lived peak between timer ticks is still seen).
 */
export const memorySampler = (intervalMs = 5) => {
  let heapUsed = 0
  let rss = 0
  const sample = () => {
    const usage = process.memoryUsage()
    if (usage.heapUsed > heapUsed) heapUsed = usage.heapUsed
    if (usage.rss > rss) rss = usage.rss
  }
  sample()
  const timer = setInterval(sample, intervalMs)
  return {
    sample,
    stop: (): MemoryPeaks => {
      clearInterval(timer)
      sample()
      return { heapUsed, rss }
    }
  }
}

/** Collects garbage if the process runs with `--expose-gc`, so a scenario starts from a settled heap. */
export const settleHeap = () => {
  const gc = (globalThis as { gc?: () => void }).gc
  if (gc !== undefined) {
    gc()
    gc()
  }
}

/** `heapUsed` right after a full GC (needs `--expose-gc`, as every measuring child has): what is still held. */
export const settledHeapUsed = (): number => {
  settleHeap()
  return process.memoryUsage().heapUsed
}

export const MB = 1024 * 1024
