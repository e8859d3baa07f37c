/**
 * `npm run bench`: every scenario, each against its baseline, in one run; writes
 * bench/results.json, the browser bundle's size (bench/bundle-size.json) and the figures in docs/performance.md.
 *
 *   npm run bench                        builds dist, then the full run (about 7 minutes on 2 cores)
 *   npm run bench -- --quick             smaller sizes, nothing written
 *   npm run bench -- --only stream,decode  some scenarios, nothing written
 *   npm run bench -- --profile           also writes a CPU profile of each measuring process
 *   npm run bench -- --report            only re-renders docs/performance.md from bench/results.json
 *   npm run bench -- --node 24           the peer scenario on Node 24 too (a full run does this by
 *                                        default; `--node none` skips it), from scripts/node-line.sh
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, readFileSync } from "node:fs"
import * as os from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { parseArgs } from "node:util"
import { recordBundleSize } from "./bundle.js"
import { runInChild } from "./harness/child.js"
import {
  consoleTable,
  machine,
  markdownTables,
  type Results,
  type ScenarioResult,
  writeDoc,
  writeJson
} from "./harness/report.js"
import { type Context, judge, type Scenario } from "./harness/scenario.js"
import { type MockServer, startMockServer } from "./harness/server.js"
import { scenario as connections } from "./scenarios/connections.js"
import { scenario as create } from "./scenarios/create.js"
import { scenario as decode } from "./scenarios/decode.js"
import { scenario as inFlight } from "./scenarios/in-flight.js"
import { scenario as nodeStream } from "./scenarios/node-stream.js"
import { scenario as peers } from "./scenarios/peers.js"
import { scenario as prefetch } from "./scenarios/prefetch.js"
import { scenario as rateLimit } from "./scenarios/rate-limit.js"
import { scenario as retrieve } from "./scenarios/retrieve.js"
import { scenario as stream } from "./scenarios/stream.js"
import { scenario as xtopayTest } from "./scenarios/xtopay-test.js"

const SCENARIOS: ReadonlyArray<Scenario> = [
  peers,
  inFlight,
  nodeStream,
  retrieve,
  create,
  stream,
  decode,
  xtopayTest,
  prefetch,
  connections,
  rateLimit
]

const root = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url))
/** The repository: docs/ and the Node-line installer. */
const repo = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url))

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
  // After editing the hand-written part or the table layout: the figures stay those of the last full run.
  const last = JSON.parse(readFileSync(root("bench/results.json"), "utf8")) as Results
  writeDoc(repo("docs/performance.md"), markdownTables(last))
  console.log("Re-rendered docs/performance.md from bench/results.json.")
  process.exit(0)
}
const only = flags.only?.split(",").map((id) => id.trim())
const unknown = only?.filter((id) => !SCENARIOS.some((scenario) => scenario.id === id)) ?? []
if (unknown.length > 0) {
  console.error(`Unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.id).join(", ")}`)
  process.exit(2)
}
const quick = flags.quick === true
const profileDir = flags.profile === true ? join(os.tmpdir(), `xtopay-bench-profiles-${Date.now()}`) : undefined
if (profileDir !== undefined) mkdirSync(profileDir, { recursive: true })

const log = (line: string) => console.log(line)

// Other Node lines for the peer scenario: Node 24 in a full run, none in a quick or partial one.
const nodeMajors = (flags.node ?? (quick || only !== undefined ? "none" : "24")).split(",").map((m) => m.trim())
  .filter((m) => m !== "none" && m !== "")
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
      const server = await startMockServer(options)
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
for (const scenario of SCENARIOS.filter((s) => only === undefined || only.includes(s.id))) {
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
  writeJson(root("bench/results.json"), run)
  writeDoc(repo("docs/performance.md"), markdownTables(run))
  await recordBundleSize()
  log("Wrote bench/results.json, bench/bundle-size.json and docs/performance.md.")
} else {
  log("(--quick or --only: nothing written.)")
}
process.exitCode = failures > 0 ? 1 : 0
