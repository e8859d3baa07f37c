/**
 * Runs a scenario's `measure` in a fresh Node process: its own heap (so memory peaks never mix),
 * its own JIT state and its own connection pool (so connection counts start from zero).
 */
import { fork } from "node:child_process"
import { fileURLToPath } from "node:url"

export interface ChildOptions {
  /** Extra Node flags, e.g. `--max-old-space-size=…`. `--expose-gc` is always on. */
  readonly nodeFlags?: ReadonlyArray<string> | undefined
  /** Write a V8 CPU profile of the child into this directory (`node --cpu-prof`). */
  readonly cpuProfileDir?: string | undefined
  /** Another Node binary to run the child with (e.g. Node 24 from `scripts/node-line.sh 24`). */
  readonly execPath?: string | undefined
  /** Extra environment variables for the child. */
  readonly env?: Readonly<Record<string, string>> | undefined
}

const ENTRY = fileURLToPath(new URL("./child-entry.ts", import.meta.url))

export const runInChild = <I, O>(moduleUrl: string, input: I, options: ChildOptions = {}): Promise<O> =>
  new Promise<O>((resolve, reject) => {
    const child = fork(ENTRY, [moduleUrl, JSON.stringify(input)], {
      execArgv: [
        "--import",
        "tsx",
        "--expose-gc",
        ...(options.cpuProfileDir !== undefined ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
        ...(options.nodeFlags ?? [])
      ],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      ...(options.execPath !== undefined ? { execPath: options.execPath } : {}),
      ...(options.env !== undefined ? { env: { ...process.env, ...options.env } } : {})
    })
    let result: { readonly ok: true; readonly value: O } | { readonly ok: false; readonly error: string } | undefined
    child.on("message", (message) => {
      result = message as typeof result
    })
    child.on("error", reject)
    child.on("exit", (code, signal) => {
      if (result?.ok === true) resolve(result.value)
      else if (result?.ok === false) reject(new Error(`${moduleUrl}: ${result.error}`))
      else reject(new Error(`${moduleUrl}: the child exited (${signal ?? code}) without a result`))
    })
  })
