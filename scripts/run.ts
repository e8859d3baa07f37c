/**
 * Runs a command to completion and keeps what it printed: the build and check scripts and the
 * package tests all shell out the same way.
 */
import { spawn } from "node:child_process"

/** What a finished command left behind. */
export interface RunResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `command args…` in `cwd`; never rejects on a non-zero exit, only when it cannot start. */
export const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv; readonly echo?: boolean } = { cwd: process.cwd() }
): Promise<RunResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (options.echo === true) process.stdout.write(chunk)
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk
      if (options.echo === true) process.stderr.write(chunk)
    })
    child.on("error", reject)
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }))
  })

/** `npm`, as a command this platform can spawn. */
export const npm = process.platform === "win32" ? "npm.cmd" : "npm"
