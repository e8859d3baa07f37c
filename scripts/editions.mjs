#!/usr/bin/env node
// `npm run <build|demo|test|bench>` at the repository's root: runs that script in each edition,
// installing the edition first (`npm ci`, from its own lockfile) when its node_modules is missing or
// older than that lockfile. Each edition is its own install root; this is the one place that knows
// the list.
import { spawnSync } from "node:child_process"
import { existsSync, statSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))

/**
 * The editions, which scripts each runs, and the oldest Node line it loads on (Effect 4's Node
 * packages need 22.19+: on an older `node`, that edition runs on Node 22 from scripts/node-line.sh).
 */
const EDITIONS = [
  { dir: "editions/effect3", scripts: ["build", "demo", "test", "bench"], node: [20, 0] },
  { dir: "editions/effect4", scripts: ["build", "demo", "test", "bench"], node: [22, 19] }
]

const npm = process.platform === "win32" ? "npm.cmd" : "npm"

const [major, minor] = process.versions.node.split(".").map(Number)

/** The PATH an edition's scripts run with: this Node when it is new enough, else that line's. */
const pathFor = (edition) => {
  const [needMajor, needMinor] = edition.node
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return process.env.PATH
  const bin = spawnSync("bash", [join(root, "scripts", "node-line.sh"), String(needMajor)], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
  if (bin.status !== 0) throw new Error(`could not install Node ${needMajor} (scripts/node-line.sh)`)
  return `${bin.stdout.trim()}:${process.env.PATH}`
}

const run = (edition, args) => {
  const PATH = pathFor(edition)
  console.log(`\n== ${edition.dir}: npm ${args.join(" ")}${PATH === process.env.PATH ? "" : ` (Node ${edition.node[0]})`}`)
  const result = spawnSync(npm, args, { cwd: join(root, edition.dir), stdio: "inherit", env: { ...process.env, PATH } })
  return result.status ?? 1
}

const installed = (dir) => {
  const marker = join(root, dir, "node_modules", ".package-lock.json")
  return existsSync(marker) && statSync(marker).mtimeMs >= statSync(join(root, dir, "package-lock.json")).mtimeMs
}

const script = process.argv[2]
if (script === undefined) {
  console.error("usage: node scripts/editions.mjs <script>")
  process.exit(2)
}

let failed = 0
for (const edition of EDITIONS.filter((e) => e.scripts.includes(script))) {
  // No install scripts: nothing either edition uses needs one.
  if (!installed(edition.dir) && run(edition, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"]) !== 0) {
    failed++
    continue
  }
  if (run(edition, ["run", script]) !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
