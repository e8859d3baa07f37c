/**
 * What the rate-limit suites share: a free loopback port, a redis-server of their own, a mock
 * server that notes when each request came and what it was answered, and worker processes.
 */
import { Duration, Effect, type Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { type BackendOptions, makeBackend } from "../../src/testing/Backend.js"
import type { XtopayControl } from "../../src/testing/Control.js"
import { serveWire } from "../../src/testing/server.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** A port nothing listens on right now. */
export const freePort: Effect.Effect<number> = Effect.async((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Waits for `child` to exit, at most `timeout`; true when it did. */
export const exited = (child: ChildProcess, timeout: Duration.DurationInput): Effect.Effect<boolean> =>
  child.exitCode !== null || child.signalCode !== null
    ? Effect.succeed(true)
    : Effect.async<boolean>((resume) => {
      child.once("exit", () => resume(Effect.succeed(true)))
    }).pipe(Effect.timeoutTo({ duration: timeout, onSuccess: (done) => done, onTimeout: () => false }))

/** Stops a child this suite started, by its pid: SIGTERM, then SIGKILL if it lingers. */
export const stop = (child: ChildProcess): Effect.Effect<void> =>
  Effect.gen(function*() {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill("SIGTERM")
    if (!(yield* exited(child, "5 seconds"))) {
      child.kill("SIGKILL")
      yield* exited(child, "5 seconds")
    }
  })

/** A redis-server on 127.0.0.1 and a free port, without persistence; stopped when the scope closes. */
export const redisServer: Effect.Effect<{ readonly port: number }, Error, Scope.Scope> = Effect.gen(function*() {
  const port = yield* freePort
  const child = yield* Effect.acquireRelease(
    Effect.sync(() =>
      spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
        stdio: ["ignore", "pipe", "pipe"]
      })
    ),
    stop
  )
  yield* Effect.async<void, Error>((resume) => {
    let output = ""
    child.on("error", (error) =>
      resume(Effect.fail(new Error(`redis-server could not start (${error.message}): apt-get install -y redis-server`))))
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ready to accept connections")) resume(Effect.void)
    })
    child.once("exit", (code) => resume(Effect.fail(new Error(`redis-server exited (${code}): ${output}`))))
  }).pipe(Effect.timeoutFail({ duration: "10 seconds", onTimeout: () => new Error("redis-server not ready in 10 s") }))
  return { port }
})

/** One request as the recording mock server saw it. */
export interface Seen {
  /** `Date.now()` when it arrived. */
  readonly at: number
  readonly route: string
  readonly idempotencyKey: string | undefined
  /** The status it was answered with (absent while it is being handled, or when the connection was cut first). */
  status: number | undefined
}

/** A mock server over its own in-memory Xtopay that notes every request's arrival time and answer. */
export const recordingMock = (options: BackendOptions = {}) =>
  Effect.gen(function*() {
    const backend = yield* makeBackend(options)
    const seen: Array<Seen> = []
    const listening = yield* serveWire((request) => {
      const entry: Seen = {
        at: Date.now(),
        route: `${request.method} ${request.path}`,
        idempotencyKey: request.headers["idempotency-key"],
        status: undefined
      }
      seen.push(entry)
      return Effect.tap(backend.handle(request), (outcome) => {
        entry.status = outcome._tag === "Answer" ? outcome.status : outcome.answer?.status
      })
    })
    return { baseUrl: listening.baseUrl, control: backend.control as XtopayControl.Service, seen }
  })

/** What a worker printed when it was done. */
export interface WorkerReport {
  readonly created: number
  readonly failed: Readonly<Record<string, number>>
  /** `Date.now()` before its first create, and after its last. */
  readonly startedAt: number
  readonly endedAt: number
}

/** What test/rate-limit/worker.ts takes. */
export interface WorkerArgs {
  readonly baseUrl: string
  readonly gate: "redis" | "memory"
  readonly redisPort?: number
  readonly count: number
  /** How many creates it has under way at once. */
  readonly concurrency: number
  readonly name: string
}

/** A running worker process, stopped (by pid) when the scope closes. */
export interface Worker {
  readonly child: ChildProcess
  /** Its report, once it exits (fails when it exits without one, or not within `timeout`). */
  readonly done: (timeout: Duration.DurationInput) => Effect.Effect<WorkerReport, Error>
}

/** Starts `node --import tsx <script>` with JSON arguments. */
export const startChild = (script: string, args: unknown): Effect.Effect<Worker, never, Scope.Scope> =>
  Effect.gen(function*() {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL(script, import.meta.url)), JSON.stringify(args)], {
          cwd: root,
          stdio: ["ignore", "pipe", "pipe"]
        })
      ),
      stop
    )
    let stdout = ""
    let stderr = ""
    child.stdout!.on("data", (chunk: Buffer) => void (stdout += chunk.toString()))
    child.stderr!.on("data", (chunk: Buffer) => void (stderr += chunk.toString()))
    const done = (timeout: Duration.DurationInput) =>
      Effect.flatMap(exited(child, timeout), (ok) => {
        const line = stdout.trim().split("\n").pop() ?? ""
        if (!ok) return Effect.fail(new Error(`${script} did not finish within ${Duration.format(Duration.decode(timeout))}: ${stderr}`))
        try {
          return Effect.succeed(JSON.parse(line) as WorkerReport)
        } catch {
          return Effect.fail(new Error(`${script} exited ${child.exitCode} without a report: ${stdout}${stderr}`))
        }
      })
    return { child, done }
  })

/** Starts the customer-creating worker. */
export const startWorker = (args: WorkerArgs) => startChild("./worker.ts", args)
