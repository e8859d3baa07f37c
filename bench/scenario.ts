/**
 * What a scenario is and what it reports: rows of figures, each beside its baseline, some with a
 * target judged here, in one place.
 */
import type { ChildOptions } from "./child.js"
import type { MockServer, MockServerOptions } from "./server.js"

/**
 * A target, as a ratio to the baseline measured in the same run (`ratio` is ours ÷ baseline;
 * `speedup` is baseline ÷ ours) or as an absolute value.
 */
export type Target =
  | { readonly kind: "ratio-at-most" | "ratio-at-least"; readonly limit: number }
  | { readonly kind: "speedup-at-least"; readonly limit: number }
  | { readonly kind: "at-most" | "at-least"; readonly limit: number }

/** One figure of the report. */
export interface Row {
  /** Stable id, e.g. `retrieve.median`. */
  readonly id: string
  /** What was measured, in words. */
  readonly figure: string
  readonly value: number
  readonly unit: string
  /** The same measurement of the baseline (raw fetch, JSON.parse, …), in the same unit. */
  readonly baseline?: { readonly label: string; readonly value: number } | undefined
  readonly target?: Target | undefined
  readonly note?: string | undefined
}

/** A row with its ratio and verdict worked out. */
export interface JudgedRow extends Row {
  /** ours ÷ baseline, when there is a baseline. */
  readonly ratio?: number | undefined
  readonly verdict?: "PASS" | "MISS" | undefined
  /** The target in words, e.g. `≤ 1.25× baseline`. */
  readonly targetText?: string | undefined
}

const targetText = (target: Target): string => {
  switch (target.kind) {
    case "ratio-at-most":
      return `≤ ${target.limit}× baseline`
    case "ratio-at-least":
      return `≥ ${target.limit}× baseline`
    case "speedup-at-least":
      return `≥ ${target.limit}× faster than baseline`
    case "at-most":
      return `≤ ${target.limit}`
    case "at-least":
      return `≥ ${target.limit.toLocaleString("en-US")}`
  }
}

const meets = (target: Target, value: number, baseline: number | undefined): boolean => {
  switch (target.kind) {
    case "ratio-at-most":
      return baseline !== undefined && value / baseline <= target.limit
    case "ratio-at-least":
      return baseline !== undefined && value / baseline >= target.limit
    case "speedup-at-least":
      return baseline !== undefined && baseline / value >= target.limit
    case "at-most":
      return value <= target.limit
    case "at-least":
      return value >= target.limit
  }
}

export const judge = (row: Row): JudgedRow => ({
  ...row,
  ratio: row.baseline !== undefined ? row.value / row.baseline.value : undefined,
  verdict: row.target !== undefined ? (meets(row.target, row.value, row.baseline?.value) ? "PASS" : "MISS") : undefined,
  targetText: row.target !== undefined ? targetText(row.target) : undefined
})

/** A table of figures side by side (one line per client, say), rendered as it is. */
export interface Table {
  readonly title: string
  readonly columns: ReadonlyArray<string>
  readonly lines: ReadonlyArray<ReadonlyArray<string>>
  /** A sentence under the table: what was measured, how. */
  readonly note?: string | undefined
}

/** What a scenario gives back: its rows, and tables shown above them. */
export interface Outcome {
  readonly rows: ReadonlyArray<Row>
  readonly tables?: ReadonlyArray<Table> | undefined
  /** Unrounded figures behind the tables, kept in bench/results.json. */
  readonly data?: unknown
}

/** What the runner gives a scenario. */
export interface Context {
  /** Smaller sizes, for trying the harness out; its figures are not written anywhere. */
  readonly quick: boolean
  /** Starts the edition's `xtopay-mock` in its own process; it is stopped when the scenario ends. */
  readonly startServer: (options?: Omit<MockServerOptions, "cli">) => Promise<MockServer>
  /** Runs `measure(input)` of the module at `moduleUrl` in a fresh Node process and returns its result. */
  readonly inChild: <I, O>(moduleUrl: string, input: I, options?: ChildOptions) => Promise<O>
  readonly log: (line: string) => void
  /** Other Node lines to run on as well (`--node 24`): the major and its `node` binary. */
  readonly nodeLines: ReadonlyArray<{ readonly id: string; readonly execPath: string }>
}

/** One file under bench/scenarios. */
export interface Scenario {
  readonly id: string
  readonly title: string
  readonly run: (context: Context) => Promise<ReadonlyArray<Row> | Outcome>
}
