/**
 * What the rate-limit suites share: a free loopback port, a redis-server of their own, a recording
 * HTTP server over an in-memory Xtopay that notes when each request came and how it was answered,
 * and worker processes.
 */
import { Duration, Effect, type Scope } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { createServer as createHttpServer } from "node:http"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { type BackendOptions, makeBackend } from "../../src/testing/Backend.js"
import type { XtopayControl } from "../../src/testing/Control.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** A port nothing listens on right now. */
export const freePort: Effect.Effect<number> = Effect.callback((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Waits for `child` to exit, at most `timeout`; true when it did. */
export const exited = (child: ChildProcess, timeout: Duration.Input): Effect.Effect<boolean> =>
  child.exitCode !== null || child.signalCode !== null
    ? Effect.succeed(true)
    : Effect.callback<boolean>((resume) => {
      child.once("exit", () => resume(Effect.succeed(true)))
    }).pipe(Effect.timeoutOrElse({ duration: timeout, orElse: () => Effect.succeed(false) }))

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

/** A redis-server of this suite's on 127.0.0.1:`port`, without persistence, and a way to stop it early. */
export interface RedisServer {
  readonly port: number
  readonly stop: Effect.Effect<void>
  /** Sends `signal` to this redis-server (by its pid): SIGSTOP makes it hang, SIGCONT goes on. */
  readonly signal: (signal: "SIGSTOP" | "SIGCONT") => void
}

/** Starts redis-server on `port` (a free one by default); stopped when the scope closes, if not before. */
export const redisServer = (port?: number): Effect.Effect<RedisServer, Error, Scope.Scope> =>
  Effect.gen(function*() {
    const chosen = port ?? (yield* freePort)
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn("redis-server", ["--port", String(chosen), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
          stdio: ["ignore", "pipe", "pipe"]
        })
      ),
      stop
    )
    yield* Effect.callback<void, Error>((resume) => {
      let output = ""
      child.on("error", (error) =>
        resume(Effect.fail(new Error(`redis-server could not start (${error.message}): apt-get install -y redis-server`))))
      child.stdout!.on("data", (chunk: Buffer) => {
        output += chunk.toString()
        if (output.includes("Ready to accept connections")) resume(Effect.void)
      })
      child.once("exit", (code) => resume(Effect.fail(new Error(`redis-server exited (${code}): ${output}`))))
    }).pipe(
      Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.fail(new Error("redis-server not ready in 10 s")) })
    )
    // A stopped process ignores SIGTERM until it goes on: the scope's stop sends SIGCONT first.
    yield* Effect.addFinalizer(() => Effect.sync(() => child.exitCode === null && child.kill("SIGCONT")))
    return { port: chosen, stop: stop(child), signal: (signal: "SIGSTOP" | "SIGCONT") => void child.kill(signal) }
  })

/** One request as the recording server saw it. */
export interface Seen {
  /** `Date.now()` when it arrived. */
  readonly at: number
  readonly route: string
  /** The status it was answered with (absent while it is being handled). */
  status: number | undefined
}

/**
 * A node:http server on loopback over its own in-memory Xtopay (`makeBackend`) that notes every
 * request's arrival time and answer; stopped when the scope closes.
 */
export const recordingMock = (options: BackendOptions = {}) =>
  Effect.gen(function*() {
    const backend = yield* makeBackend(options)
    const seen: Array<Seen> = []
    const run = Effect.runPromiseWith(yield* Effect.context<never>())
    const server = yield* Effect.acquireRelease(
      Effect.callback<ReturnType<typeof createHttpServer>>((resume) => {
        const server = createHttpServer((request, response) => {
          const url = new URL(request.url ?? "/", "http://localhost")
          const entry: Seen = { at: Date.now(), route: `${request.method} ${url.pathname}`, status: undefined }
          seen.push(entry)
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const headers: Record<string, string> = {}
            for (const [name, value] of Object.entries(request.headers)) {
              if (typeof value === "string") headers[name] = value
            }
            void run(backend.handle({
              method: request.method ?? "GET",
              path: url.pathname,
              query: url.searchParams,
              headers,
              body: Buffer.concat(chunks).toString("utf8")
            })).then((outcome) => {
              if (outcome._tag !== "Answer") return void response.destroy()
              entry.status = outcome.status
              response.writeHead(outcome.status, outcome.headers).end(outcome.body)
            })
          })
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.callback<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : 0
    return { baseUrl: `http://127.0.0.1:${port}`, control: backend.control as XtopayControl.Service, seen }
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
  /** The shared budget: this many creates a second. */
  readonly perSecond: number
}

/** A running worker process, stopped (by pid) when the scope closes. */
export interface Worker {
  readonly child: ChildProcess
  /** Its report, once it exits (fails when it exits without one, or not within `timeout`). */
  readonly done: (timeout: Duration.Input) => Effect.Effect<WorkerReport, Error>
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
    const done = (timeout: Duration.Input) =>
      Effect.flatMap(exited(child, timeout), (ok) => {
        const line = stdout.trim().split("\n").pop() ?? ""
        if (!ok) {
          return Effect.fail(new Error(`${script} did not finish within ${Duration.format(Duration.fromInputUnsafe(timeout))}: ${stderr}`))
        }
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
