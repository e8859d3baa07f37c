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

/** The editions, and which scripts each runs (the demo is the same tour in each: one is enough). */
const EDITIONS = [
  { dir: "editions/effect3", scripts: ["build", "demo", "test", "bench"] }
]

const npm = process.platform === "win32" ? "npm.cmd" : "npm"

const run = (cwd, args) => {
  console.log(`\n== ${cwd}: npm ${args.join(" ")}`)
  const result = spawnSync(npm, args, { cwd: join(root, cwd), stdio: "inherit" })
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
  if (!installed(edition.dir) && run(edition.dir, ["ci", "--ignore-scripts", "--no-audit", "--no-fund"]) !== 0) {
    failed++
    continue
  }
  if (run(edition.dir, ["run", script]) !== 0) failed++
}
process.exit(failed === 0 ? 0 : 1)
