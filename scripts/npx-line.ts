/**
 * The one line that runs the mock server with nothing installed (README and docs/testing.md, in
 * each edition's form: a ```` ```sh npx-line effect3 ```` or `effect4` block), run as written from
 * an empty folder with only the package spec made the packed tarball and the port a free one.
 * Shared by both editions' package tests.
 */
import { spawn } from "node:child_process"
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Edition } from "./install-lines.js"

/** The `npx-line` blocks of `edition` in the Markdown file `path`. */
export const npxLinesIn = async (path: string, edition: Edition): Promise<Array<string>> =>
  [...(await readFile(path, "utf8")).matchAll(new RegExp(`^\`\`\`sh npx-line ${edition}\\n(.+)\\n\`\`\`$`, "gm"))].map((m) => m[1]!)

/** A server the line started: its base URL, how long npx took to print it, and how to stop it. */
export interface StartedLine {
  readonly baseUrl: string
  readonly millis: number
  readonly stop: () => Promise<void>
}

/**
 * Runs `line` (its words as written) from an empty folder, the `--package=effect-xtopay@<version>`
 * word made `--package=<tarball>` and `--port`'s value 0; resolves with the first line it prints.
 */
export const startNpxLine = async (line: string, version: string, tarball: string): Promise<StartedLine> => {
  const words = line.split(/\s+/)
  const args = words.slice(1).map((word) => word === `--package=effect-xtopay@${version}` ? `--package=${tarball}` : word)
  args[args.indexOf("--port") + 1] = "0"
  const empty = await mkdtemp(join(tmpdir(), "effect-xtopay-npx-"))
  // Its own process group, so that npx and the server below it are stopped together.
  const child = spawn("npx", args, { cwd: empty, detached: true, stdio: ["ignore", "pipe", "pipe"] })
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM")
    await rm(empty, { recursive: true, force: true })
  }
  let stderr = ""
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const started = performance.now()
  try {
    const baseUrl = await new Promise<string>((resolve, reject) => {
      let stdout = ""
      const timer = setTimeout(() => reject(new Error(`no URL within 240 s; stderr:\n${stderr}`)), 240_000)
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk
        if (stdout.includes("\n")) {
          clearTimeout(timer)
          resolve(stdout.split("\n")[0]!)
        }
      })
      child.on("exit", (code) => reject(new Error(`npx exited (${code}) before printing a URL:\n${stderr}`)))
    })
    return { baseUrl, millis: Math.round(performance.now() - started), stop }
  } catch (error) {
    await stop()
    throw error
  }
}
