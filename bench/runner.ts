/**
 * `npm run bench` of either edition: parses the flags, runs the edition's scenarios one by one
 * (each in its own child processes), prints their figures and, after a full run, writes the
 * edition's bench/results.json and re-renders docs/performance.md from both editions' results.
 * Each edition's bench/run.ts lists its scenarios and calls `runBench`.
 *
 *   npm run bench                          builds dist, then the full run
 *   npm run bench -- --quick               smaller sizes, nothing written
 *   npm run bench -- --only peers,stream   some scenarios, nothing written
 *   npm run bench -- --profile             also writes a CPU profile of each measuring process
 *   npm run bench -- --report              only re-renders docs/performance.md from the results.json files
 *   npm run bench -- --node 24             the peer scenario on those Node lines too (a full run
 *                                          does Node 22 and 24 by default; `--node none` skips
 *                                          them), from scripts/node-line.sh
 */
import { execFileSync } from "node:child_process"
import { mkdirSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { runInChild } from "./child.js"
import { consoleTable, machine, type ScenarioResult, writeDocFrom, writeJson } from "./report.js"
import { type Context, judge, type Scenario } from "./scenario.js"
import { type MockServer, startMockServer } from "./server.js"

/** The repository: docs/, the editions, the Node-line installer. */
const repo = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url))

/** Every edition's results, in the order the page shows them. */
const EDITION_RESULTS = [
  { edition: "Effect 3", path: repo("editions/effect3/bench/results.json") },
  { edition: "Effect 4", path: repo("editions/effect4/bench/results.json") }
]

/** The Node lines a full run measures the peers on, besides the one running the bench. */
const FULL_RUN_NODE_LINES = "22,24"

export interface BenchOptions {
  /** "Effect 3" or "Effect 4": its results.json is the one written. */
  readonly edition: string
  readonly scenarios: ReadonlyArray<Scenario>
  /** The module URL of the `xtopay-mock` command's `main` the mock server runs. */
  readonly mockCli: string
  /** After a full run has written its results (the Effect 3 edition records its bundle size). */
  readonly afterFullRun?: (() => Promise<string>) | undefined
}

const renderDoc = () => writeDocFrom(repo("docs/performance.md"), EDITION_RESULTS)

export const runBench = async ({ afterFullRun, edition, mockCli, scenarios }: BenchOptions): Promise<void> => {
  const resultsPath = EDITION_RESULTS.find((e) => e.edition === edition)?.path
  if (resultsPath === undefined) throw new Error(`No results file for the ${edition} edition`)
  const { values: flags } = parseArgs({
    options: {
      quick: { type: "boolean" },
      only: { type: "string" },
      profile: { type: "boolean" },
      report: { type: "boolean" },
      node: { type: "string" }
    },
    strict: true
  })
  if (flags.report === true) {
    // After editing the hand-written part or the table layout: the figures stay those of the last full runs.
    renderDoc()
    console.log("Re-rendered docs/performance.md from the editions' bench/results.json.")
    return
  }
  const only = flags.only?.split(",").map((id) => id.trim())
  const unknown = only?.filter((id) => !scenarios.some((scenario) => scenario.id === id)) ?? []
  if (unknown.length > 0) {
    console.error(`Unknown scenario ${unknown.join(", ")}; known: ${scenarios.map((s) => s.id).join(", ")}`)
    process.exitCode = 2
    return
  }
  const quick = flags.quick === true
  const profileDir = flags.profile === true ? join(os.tmpdir(), `xtopay-bench-profiles-${Date.now()}`) : undefined
  if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true })

  const log = (line: string) => console.log(line)

  // Other Node lines for the peer scenario: Node 22 and 24 in a full run (not the one running the
  // bench twice), none in a quick or partial one.
  const currentMajor = process.versions.node.split(".")[0]
  const nodeMajors = (flags.node ?? (quick || only !== undefined ? "none" : FULL_RUN_NODE_LINES)).split(",")
    .map((m) => m.trim())
    .filter((m) => m !== "none" && m !== "" && m !== currentMajor)
  const nodeLines = nodeMajors.map((major) => {
    const bin = execFileSync("bash", [repo("scripts/node-line.sh"), major], { encoding: "utf8" }).trim()
    return { id: major, execPath: join(bin, "node") }
  })

  const runScenario = async (scenario: Scenario): Promise<ScenarioResult> => {
    const servers: Array<MockServer> = []
    const context: Context = {
      quick,
      log: (line) => log(`  ${line}`),
      nodeLines,
      startServer: async (options) => {
        const server = await startMockServer({ ...options, cli: mockCli })
        servers.push(server)
        return server
      },
      inChild: (moduleUrl, input, options) =>
        runInChild(moduleUrl, input, {
          ...options,
          ...(profileDir !== undefined ? { cpuProfileDir: join(profileDir, scenario.id) } : {})
        })
    }
    const started = performance.now()
    try {
      const outcome = await scenario.run(context)
      const { data, rows, tables } = "rows" in outcome ? outcome : { rows: outcome, tables: undefined, data: undefined }
      return {
        id: scenario.id,
        title: scenario.title,
        seconds: (performance.now() - started) / 1000,
        rows: rows.map(judge),
        ...(tables !== undefined ? { tables } : {}),
        ...(data !== undefined ? { data } : {})
      }
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error)
      return { id: scenario.id, title: scenario.title, seconds: (performance.now() - started) / 1000, rows: [], error: message }
    } finally {
      await Promise.all(servers.map((server) => server.stop()))
    }
  }

  const startedAt = new Date()
  const loadAtStart = os.loadavg()[0] ?? 0
  const t0 = performance.now()
  const results: Array<ScenarioResult> = []
  log(`${edition} edition, Node ${process.version}`)
  for (const scenario of scenarios.filter((s) => only === undefined || only.includes(s.id))) {
    log(`▶ ${scenario.title}`)
    const result = await runScenario(scenario)
    log(consoleTable(result))
    log(`  (${result.seconds.toFixed(1)} s)`)
    results.push(result)
  }

  const run = { machine: machine(loadAtStart, startedAt), totalSeconds: (performance.now() - t0) / 1000, scenarios: results }
  const misses = results.flatMap((s) => s.rows).filter((row) => row.verdict === "MISS").length
  const failures = results.filter((s) => s.error !== undefined).length
  log(`\n${results.length} scenarios in ${run.totalSeconds.toFixed(0)} s: ${misses} target(s) missed, ${failures} failed.`)
  if (profileDir !== undefined) log(`CPU profiles: ${profileDir}`)

  if (!quick && only === undefined) {
    writeJson(resultsPath, run)
    renderDoc()
    const extra = afterFullRun !== undefined ? await afterFullRun() : ""
    log(`Wrote bench/results.json${extra} and docs/performance.md.`)
  } else {
    log("(--quick or --only: nothing written.)")
  }
  process.exitCode = failures > 0 ? 1 : 0
}
