/**
 * What the durable-create suite needs: the mock server as a command of its own (a real server
 * over HTTP, driven through its `/_mock` control API), and the example as a child process that
 * can be killed mid-call. Every child is stopped by its pid when its scope closes.
 */
import { Effect, type Scope } from "effect"
import * as Duration from "effect/Duration"
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const edition = fileURLToPath(new URL("../..", import.meta.url))

/** The mock server's command: this edition's `xtopay-mock` (a source checkout runs its sources). */
const MOCK_COMMAND = fileURLToPath(new URL("../../bin/xtopay-mock.mjs", import.meta.url))

/** The example resolves `effect-xtopay` to this edition's source through this tsconfig's paths. */

/** Waits for `child` to exit, at most `timeout`; true when it did. */
export const exited = (child: ChildProcess, timeout: Duration.Input): Effect.Effect<boolean> =>
  child.exitCode !== null || child.signalCode !== null
    ? Effect.succeed(true)
    : Effect.callback<boolean>((resume) => {
      const done = () => resume(Effect.succeed(true))
      child.once("exit", done)
      return Effect.sync(() => child.off("exit", done))
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

/** A child's output so far. */
export interface Output {
  stdout: string
  stderr: string
}

const started = (child: ChildProcess): Output => {
  const output: Output = { stdout: "", stderr: "" }
  child.stdout!.on("data", (chunk: Buffer) => void (output.stdout += chunk.toString()))
  child.stderr!.on("data", (chunk: Buffer) => void (output.stderr += chunk.toString()))
  return output
}

/** Polls `check` every 25 ms until it holds, at most `timeout`; true when it did. */
export const until = (check: () => Promise<boolean>, timeout: Duration.Input): Effect.Effect<boolean> =>
  Effect.promise(async () => {
    const deadline = Date.now() + Duration.toMillis(timeout)
    while (!(await check())) {
      if (Date.now() >= deadline) return false
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    return true
  })

/** One API request as the mock server recorded it (`GET /_mock/requests`). */
export interface Recorded {
  readonly method: string
  readonly route: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** The account the example runs as, and its control API on the mock server. */
export interface Mock {
  /** The API's base URL, `http://127.0.0.1:<port>/v1`. */
  readonly baseUrl: string
  readonly clientId: string
  readonly clientSecret: string
  /** Makes the next `POST /customers` wait `millis` before the server does the work. */
  readonly delayNextCreate: (millis: number) => Promise<void>
  /** The account's API requests, oldest first. */
  readonly requests: () => Promise<ReadonlyArray<Recorded>>
  /** The account's customers (one page of up to 100). */
  readonly customers: () => Promise<ReadonlyArray<{ readonly id: string; readonly email: string | null }>>
}

/** `xtopay-mock --port 0` as a child process, ready once it printed its base URL; stopped when the scope closes. */
export const mockServer = (clientId: string): Effect.Effect<Mock, Error, Scope.Scope> =>
  Effect.gen(function*() {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, [MOCK_COMMAND, "--port", "0"], { cwd: edition, stdio: ["ignore", "pipe", "pipe"] })
      ),
      stop
    )
    const output = started(child)
    const ready = yield* until(async () => output.stdout.includes("\n") || child.exitCode !== null, "60 seconds")
    const baseUrl = output.stdout.split("\n")[0]!.trim()
    if (!ready || !baseUrl.startsWith("http://")) {
      return yield* Effect.fail(new Error(`xtopay-mock did not start: ${output.stdout}${output.stderr}`))
    }
    const clientSecret = "csk_test_durable"
    const authorization = `Basic ${btoa(`${clientId}:${clientSecret}`)}`
    const call = async (method: string, url: string, body?: unknown) => {
      const response = await fetch(url, {
        method,
        headers: { authorization, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) })
      })
      const text = await response.text()
      if (!response.ok) throw new Error(`${method} ${url}: ${response.status} ${text}`)
      return JSON.parse(text)
    }
    const control = baseUrl.replace(/\/v1$/, "/_mock")
    return {
      baseUrl,
      clientId,
      clientSecret,
      delayNextCreate: async (millis) => {
        await call("POST", `${control}/faults`, {
          plans: [{ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis } }]
        })
      },
      requests: async () => (await call("GET", `${control}/requests`)).data,
      customers: async () => (await call("GET", `${baseUrl}/customers?limit=100`)).data
    }
  })

/** The example running as a child process. */
export interface Example {
  readonly child: ChildProcess
  readonly output: Output
}

/**
 * examples/durable-create.ts for `orderId`, as a user runs it, with tsx as Node's loader: one
 * process, so a SIGKILL reaches the program itself (the `tsx` command would run it in a child
 * of its own, which a SIGKILL to the command leaves running).
 */
export const runExample = (
  mock: Mock,
  database: string,
  orderId: string,
  email: string
): Effect.Effect<Example, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child = spawn(process.execPath, ["--import", "tsx", "examples/durable-create.ts", orderId, email], {
        cwd: edition,
        env: {
          ...process.env,
          XTOPAY_CLIENT_ID: mock.clientId,
          XTOPAY_CLIENT_SECRET: mock.clientSecret,
          XTOPAY_BASE_URL: mock.baseUrl,
          XTOPAY_WORKFLOW_DB: database
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      return { child, output: started(child) }
    }),
    ({ child }) => stop(child)
  )

/** A fresh folder for the SQLite file, removed with what is in it when the scope closes. */
export const tempDir: Effect.Effect<string, never, Scope.Scope> = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "xtopay-durable-"))),
  (path) => Effect.promise(() => rm(path, { recursive: true, force: true }))
)
