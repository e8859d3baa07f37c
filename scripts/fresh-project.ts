/**
 * A user's empty npm project in a temporary folder, for the package tests that install a packed
 * edition next to one major of effect or the other: npm and node run there as a user's shell runs
 * them (none of the `npm_*` settings `npm test` hands its children), each bounded in time.
 */
import { spawn } from "node:child_process"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { npm, type RunResult } from "./run.js"

/** npm's flags for these installs: from the local cache when it can, quiet but for warnings. */
export const INSTALL_FLAGS = ["--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=warn"]

/** The environment of a user's shell: none of the `npm_*` settings `npm test` hands its children. */
const userEnv = (): NodeJS.ProcessEnv => {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"])
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_") || keep.has(key.toLowerCase()))
  )
}

/** Runs `command args…` in `cwd`, killed after `timeout` ms (then its code is 1 and stderr says so). */
const runBounded = (command: string, args: ReadonlyArray<string>, cwd: string, timeout: number): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ["ignore", "pipe", "pipe"], timeout })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code, signal) =>
      resolve({ code: code ?? 1, stdout, stderr: signal === null ? stderr : `${stderr}\n(killed by ${signal} after ${timeout} ms)` })
    )
  })

/** An empty npm project of a user's, and what they run in it. */
export interface FreshProject {
  readonly dir: string
  /** `npm install <specs…> <flags…>` with INSTALL_FLAGS, at most two minutes. */
  readonly install: (specs: ReadonlyArray<string>, flags?: ReadonlyArray<string>) => Promise<RunResult>
  /** `node <args…>` in the project, at most a minute. */
  readonly node: (args: ReadonlyArray<string>) => Promise<RunResult>
  /** A command of the project's node_modules/.bin (`xtopay-mock`), at most a minute. */
  readonly bin: (name: string, args: ReadonlyArray<string>) => Promise<RunResult>
  readonly remove: () => Promise<void>
}

/** A new empty project named `name` under the system's temporary folder. */
export const freshProject = async (name: string): Promise<FreshProject> => {
  const dir = await mkdtemp(join(tmpdir(), `effect-xtopay-${name}-`))
  await writeFile(join(dir, "package.json"), JSON.stringify({ name, version: "0.0.0", private: true }))
  return {
    dir,
    install: (specs, flags = []) => runBounded(npm, ["install", ...specs, ...INSTALL_FLAGS, ...flags], dir, 120_000),
    node: (args) => runBounded(process.execPath, args, dir, 60_000),
    // By this Node, as npm's link would under it (its `#!/usr/bin/env node` takes the PATH's).
    bin: (name, args) => runBounded(process.execPath, [join(dir, "node_modules", ".bin", name), ...args], dir, 60_000),
    remove: () => rm(dir, { recursive: true, force: true })
  }
}

/**
 * The `Error [ERR_…]: …` line Node printed, with each path up to a `node_modules` folder written
 * as `/app/node_modules/`: the line the README's troubleshooting section quotes, whatever folder
 * the project was made in.
 */
export const nodeErrorLine = (stderr: string): string | undefined =>
  stderr.split("\n").find((line) => line.startsWith("Error [ERR_"))?.replace(/[^\s']*?[\\/]node_modules[\\/]/g, "/app/node_modules/")
