/**
 * Starts the mock server (`xtopay-mock`) on loopback in its own process, and stops it. Which
 * edition's command it runs is the caller's (`cli`: the module URL of its built `testing/cli.js`).
 */
import { type ChildProcess, fork } from "node:child_process"
import { once } from "node:events"
import { fileURLToPath } from "node:url"

export interface MockServerOptions {
  /** The module URL of the `xtopay-mock` command's `main` (an edition's built `testing/cli.js`). */
  readonly cli: string
  /** `--seed-customers N`. */
  readonly seedCustomers?: number | undefined
  /** `--latency-ms N`: the server waits this long before answering each request. */
  readonly latencyMs?: number | undefined
}

export interface MockServer {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string
  /** TCP connections the server has accepted since it started. */
  readonly connections: () => Promise<number>
  readonly stop: () => Promise<void>
}

const ENTRY = fileURLToPath(new URL("./mock-server-process.ts", import.meta.url))
const START_TIMEOUT_MS = 180_000

/** Every server still running, stopped if the bench itself exits early. */
const running = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of running) child.kill("SIGKILL")
})

export const startMockServer = async (options: MockServerOptions): Promise<MockServer> => {
  const args = ["--port", "0", "--host", "127.0.0.1"]
  if (options.seedCustomers !== undefined) args.push("--seed-customers", String(options.seedCustomers))
  if (options.latencyMs !== undefined) args.push("--latency-ms", String(options.latencyMs))
  const child = fork(ENTRY, args, {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    env: { ...process.env, XTOPAY_BENCH_MOCK_CLI: options.cli }
  })
  running.add(child)
  let stderr = ""
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000)
  })

  const baseUrl = await new Promise<string>((resolve, reject) => {
    let stdout = ""
    const fail = (why: string) => {
      clearTimeout(timer)
      child.off("exit", onExit)
      child.kill("SIGKILL")
      reject(new Error(`xtopay-mock ${args.join(" ")} ${why}\n${stderr}`))
    }
    const onExit = (code: number | null) => fail(`exited (${code}) before it was ready`)
    const timer = setTimeout(() => fail(`did not print its base URL within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS)
    child.once("exit", onExit)
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const newline = stdout.indexOf("\n")
      if (newline >= 0) {
        clearTimeout(timer)
        child.off("exit", onExit)
        resolve(stdout.slice(0, newline).trim())
      }
    })
  })

  const connections = () =>
    new Promise<number>((resolve) => {
      child.once("message", (message) => resolve((message as { connections: number }).connections))
      child.send("connections")
    })

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, "exit")
    child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
    await exited
    clearTimeout(timer)
    running.delete(child)
  }

  return { baseUrl, connections, stop }
}
