/**
 * Writes a run's figures: the edition's bench/results.json, and the generated part of
 * docs/performance.md (the text between the two markers; the hand-written part around it is
 * kept), rendered from both editions' results.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import { type PeerLine, sideBySideTables } from "./peer-figures.js"
import type { JudgedRow, Table } from "./scenario.js"

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly node: string
  readonly date: string
  /** 1-minute load average when the run started and ended: other work on the box skews figures. */
  readonly loadAverage: { readonly start: number; readonly end: number }
}

export interface ScenarioResult {
  readonly id: string
  readonly title: string
  readonly seconds: number
  readonly rows: ReadonlyArray<JudgedRow>
  readonly tables?: ReadonlyArray<Table> | undefined
  readonly data?: unknown
  readonly error?: string | undefined
}

export interface Results {
  readonly machine: Machine
  readonly totalSeconds: number
  readonly scenarios: ReadonlyArray<ScenarioResult>
}

export const machine = (loadAtStart: number, date: Date): Machine => ({
  cpu: os.cpus()[0]?.model.trim() ?? "unknown",
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 1024 ** 3),
  os: `${os.type()} ${os.release()} ${os.arch()}`,
  node: process.version,
  date: date.toISOString(),
  loadAverage: { start: loadAtStart, end: os.loadavg()[0] ?? 0 }
})

const significant = (x: number): string => {
  if (!Number.isFinite(x)) return String(x)
  if (Number.isInteger(x)) return x.toLocaleString("en-US")
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US")
  if (Math.abs(x) >= 100) return x.toFixed(0)
  if (Math.abs(x) >= 10) return x.toFixed(1)
  if (Math.abs(x) >= 1) return x.toFixed(2)
  return x.toFixed(3)
}

const withUnit = (value: number, unit: string) => `${significant(value)} ${unit}`

const rowLine = (row: JudgedRow): string => {
  const cells = [
    row.figure + (row.note !== undefined ? ` — ${row.note}` : ""),
    withUnit(row.value, row.unit),
    row.baseline !== undefined ? `${withUnit(row.baseline.value, row.unit)} (${row.baseline.label})` : "—",
    row.ratio !== undefined ? `${row.ratio.toFixed(2)}×` : "—",
    row.targetText ?? "—",
    row.verdict !== undefined ? `**${row.verdict}**` : "—"
  ]
  return `| ${cells.join(" | ")} |`
}

/** An edition's last full run, as its bench/results.json holds it. */
export interface EditionResults {
  /** "Effect 3", "Effect 4". */
  readonly edition: string
  readonly results: Results
}

/** The id of the scenario whose runs both editions' columns share one table. */
const PEERS_ID = "peers"

const runLine = ({ edition, results }: EditionResults): string => {
  const { machine: m } = results
  return `**${edition} edition**: measured ${m.date.slice(0, 10)} (${m.date}) on ${m.cpu}, ${m.cores} cores, ` +
    `${m.memoryGiB} GiB, ${m.os}, Node ${m.node}. Load average ${m.loadAverage.start.toFixed(1)} at the start, ${
      m.loadAverage.end.toFixed(1)
    } at the end; the whole run took ${Math.round(results.totalSeconds)} s.`
}

const rowsTable = (rows: ReadonlyArray<JudgedRow>): Array<string> =>
  rows.length === 0
    ? []
    : ["| Figure | Ours | Baseline | Ratio | Target | Result |", "|---|---|---|---|---|---|", ...rows.map(rowLine), ""]

const failure = (scenario: ScenarioResult): Array<string> =>
  scenario.error === undefined ? [] : ["The scenario failed:", "", "```", scenario.error, "```", ""]

/**
 * The generated part of docs/performance.md from each edition's last full run: one peer section
 * with both editions side by side (the floor server's tables, then each edition's targets), then
 * each edition's other scenarios under its name.
 */
export const markdownDoc = (editions: ReadonlyArray<EditionResults>): string => {
  const lines = [
    ...editions.flatMap((e) => [runLine(e), ""]),
    "Ratio is ours ÷ baseline, both measured in the same run (for latency and time, lower is better; for " +
    "throughput, higher is better).",
    ""
  ]
  const peers = editions.map((e) => ({ edition: e.edition, scenario: e.results.scenarios.find((s) => s.id === PEERS_ID) }))
  if (peers.some((p) => p.scenario !== undefined)) {
    lines.push("### Peers on the floor server, both editions side by side", "")
    const sideBySide = sideBySideTables(
      peers.map(({ edition, scenario }) => ({ edition, lines: (scenario?.data as ReadonlyArray<PeerLine> | undefined) ?? [] }))
    )
    for (const table of sideBySide) lines.push(...markdownTable(table), "")
    for (const { edition, scenario } of peers) {
      if (scenario === undefined) continue
      lines.push(`**${edition} edition's targets**`, "", ...failure(scenario), ...rowsTable(scenario.rows))
    }
  }
  for (const { edition, results } of editions) {
    for (const scenario of results.scenarios.filter((s) => s.id !== PEERS_ID)) {
      lines.push(`### ${edition} edition: ${scenario.title}`, "", ...failure(scenario))
      if (scenario.error !== undefined) continue
      for (const table of scenario.tables ?? []) lines.push(...markdownTable(table), "")
      lines.push(...rowsTable(scenario.rows))
    }
  }
  return lines.join("\n")
}

/**
 * Re-renders the generated part of the page from every edition's results.json there is (an
 * edition not run yet is left out), so either edition's run keeps the other's figures.
 */
export const writeDocFrom = (docPath: string, files: ReadonlyArray<{ readonly edition: string; readonly path: string }>) => {
  const editions = files.flatMap(({ edition, path }): Array<EditionResults> =>
    existsSync(path) ? [{ edition, results: JSON.parse(readFileSync(path, "utf8")) as Results }] : []
  )
  writeDoc(docPath, markdownDoc(editions))
}

const markdownTable = (table: Table): Array<string> => [
  `**${table.title}**`,
  "",
  `| ${table.columns.join(" | ")} |`,
  `|${table.columns.map(() => "---").join("|")}|`,
  ...table.lines.map((line) => `| ${line.join(" | ")} |`),
  ...(table.note !== undefined ? ["", table.note] : [])
]

const consoleTextTable = (table: Table): string => {
  const all = [table.columns, ...table.lines]
  const widths = table.columns.map((_, i) => Math.max(...all.map((line) => (line[i] ?? "").length)))
  const text = (line: ReadonlyArray<string>) => `  ${line.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}`
  return [`  ${table.title}`, ...all.map(text)].join("\n")
}

export const consoleTable = (scenario: ScenarioResult): string =>
  scenario.error !== undefined
    ? `  FAILED: ${scenario.error.split("\n")[0]}`
    : [...(scenario.tables ?? []).map(consoleTextTable), ...scenario.rows.map((row) =>
      `  ${row.verdict ?? "    "} ${row.figure}: ${withUnit(row.value, row.unit)}${
        row.baseline !== undefined ? ` vs ${withUnit(row.baseline.value, row.unit)} (${row.ratio?.toFixed(2)}×)` : ""
      }${row.targetText !== undefined ? ` [target ${row.targetText}]` : ""}`
    )].join("\n")

export const BEGIN = "<!-- bench:begin (generated by `npm run bench`; edit outside these markers) -->"
export const END = "<!-- bench:end -->"

const skeleton = `# Performance

How fast the client is next to hand-written \`fetch\`, measured by \`npm run bench\`.

## Figures

${BEGIN}
${END}
`

/** Replaces the generated part of `path`, creating the file if needed. */
export const writeDoc = (path: string, generated: string) => {
  const text = existsSync(path) ? readFileSync(path, "utf8") : skeleton
  const begin = text.indexOf(BEGIN)
  const end = text.indexOf(END)
  const base = begin >= 0 && end > begin ? text : `${text.trimEnd()}\n\n${BEGIN}\n${END}\n`
  const from = base.indexOf(BEGIN) + BEGIN.length
  const to = base.indexOf(END)
  writeFileSync(path, `${base.slice(0, from)}\n${generated}\n${base.slice(to)}`)
}

export const writeJson = (path: string, results: Results) => writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`)
