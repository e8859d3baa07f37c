/**
 * `xtopay-mock`, the command: run as a child process (from source through tsx, as in a fresh clone
 * after `npm ci`), it prints its base URL, answers, and stops on SIGTERM or SIGINT.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Schedule } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { DEFAULT_PORT, parseCli, stderrLogger } from "../../src/testing/cli.js"
import { answered, rawFetch } from "./support.js"

const root = fileURLToPath(new URL("../..", import.meta.url))
const bin = fileURLToPath(new URL("../../bin/xtopay-mock.mjs", import.meta.url))

/** Starting through tsx on a busy machine can take a while. */
const STARTUP = "60 seconds"
const PROCESS_TEST_TIMEOUT = 150_000

interface Running {
  readonly child: ChildProcess
  /** Everything written to stderr so far. */
  readonly stderr: () => string
  /** The first line written to stdout. */
  readonly firstLine: Effect.Effect<string>
  readonly exited: Effect.Effect<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

/** Spawns a command; it is killed when the test's scope closes, if still running. */
const start = (command: string, args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  Effect.acquireRelease(
    Effect.sync((): Running => {
      const child = spawn(command, [...args], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
      let stdout = ""
      let stderr = ""
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => void (stdout += chunk))
      child.stderr!.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk))
      const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once("exit", (code, signal) => resolve({ code, signal }))
      )
      // Built when awaited, so a process that never prints leaves no unhandled rejection behind.
      const firstLine = Effect.callback<string, Error>((resume) => {
        const check = () => {
          const newline = stdout.indexOf("\n")
          if (newline >= 0) resume(Effect.succeed(stdout.slice(0, newline)))
        }
        const exited = () => resume(Effect.fail(new Error(`exited before printing a line; stderr: ${stderr}`)))
        child.stdout!.on("data", check)
        child.once("exit", exited)
        check()
        return Effect.sync(() => {
          child.stdout!.off("data", check)
          child.off("exit", exited)
        })
      })
      return {
        child,
        stderr: () => stderr,
        firstLine: firstLine.pipe(Effect.timeout(STARTUP), Effect.orDie),
        exited: Effect.promise(() => exit).pipe(Effect.timeout("20 seconds"), Effect.orDie)
      }
    }),
    ({ child }) => Effect.sync(() => (child.exitCode === null && child.signalCode === null ? void child.kill("SIGKILL") : undefined))
  )

const node = (args: ReadonlyArray<string>, env?: Record<string, string>) => start(process.execPath, [bin, ...args], env)

const authorization = (clientId: string) => `Basic ${btoa(`${clientId}:csk_test_cli`)}`

/** Resolution of @effect/platform-node fails as it does when the package is not installed. */
const hidePlatformNode = `data:text/javascript,${
  encodeURIComponent(`import { register } from "node:module"
register("data:text/javascript," + encodeURIComponent(\`export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@effect/platform-node")) {
    const error = new Error("Cannot find package '@effect/platform-node' imported from " + context.parentURL)
    error.code = "ERR_MODULE_NOT_FOUND"
    throw error
  }
  return next(specifier, context)
}\`))`)
}`

describe("xtopay-mock arguments", () => {
  it("defaults: port 12111 on 127.0.0.1, nothing seeded, the default test account", () => {
    assert.deepStrictEqual(parseCli([]), { port: DEFAULT_PORT, host: "127.0.0.1", seedCustomers: 0, clientId: "cid_test_default" })
    assert.strictEqual(DEFAULT_PORT, 12111)
  })

  it("reads every option", () => {
    assert.deepStrictEqual(
      parseCli(["--port", "0", "--host", "::1", "--seed-customers", "1000000", "--client-id", "cid_test_shop"]),
      { port: 0, host: "::1", seedCustomers: 1_000_000, clientId: "cid_test_shop" }
    )
    assert.strictEqual(parseCli(["--help"]), "help")
  })

  it("--rate-limit: n requests per account in any sliding second, or in --rate-limit-window-ms", () => {
    const perSecond = parseCli(["--rate-limit", "50"])
    assert.notStrictEqual(perSecond, "help")
    const limit = perSecond === "help" ? undefined : perSecond.rateLimit
    assert.strictEqual(limit?.requests, 50)
    assert.strictEqual(Duration.toMillis(Duration.fromInputUnsafe(limit!.window)), 1000)
    const perMinute = parseCli(["--rate-limit", "5", "--rate-limit-window-ms", "60000"])
    assert.strictEqual(perMinute === "help" ? undefined : Duration.toMillis(Duration.fromInputUnsafe(perMinute.rateLimit!.window)), 60_000)
    assert.throws(() => parseCli(["--rate-limit", "many"]), /--rate-limit/)
    assert.throws(() => parseCli(["--rate-limit-window-ms", "1000"]), /goes with --rate-limit/)
  })

  it("refuses a bad port, a bad count, a live client id and unknown options", () => {
    assert.throws(() => parseCli(["--port", "http"]), /--port/)
    assert.throws(() => parseCli(["--port", "70000"]), /--port/)
    assert.throws(() => parseCli(["--seed-customers", "-3"]), /--seed-customers/)
    assert.throws(() => parseCli(["--client-id", "cid_live_shop"]), /cid_test_/)
    assert.throws(() => parseCli(["--verbose"]))
  })

  it("--webhook-retry-delays reads milliseconds, comma-separated, and refuses anything else", () => {
    assert.deepStrictEqual(parseCli(["--webhook-retry-delays", "200,400"]), {
      port: DEFAULT_PORT,
      host: "127.0.0.1",
      seedCustomers: 0,
      clientId: "cid_test_default",
      webhookRetryDelays: [200, 400]
    })
    assert.throws(() => parseCli(["--webhook-retry-delays", "200,1s"]), /--webhook-retry-delays/)
    assert.throws(() => parseCli(["--webhook-retry-delays", "-5"]), /--webhook-retry-delays/)
  })
})

describe("xtopay-mock's logs", () => {
  it.effect("go to stderr: stdout holds only the base URL line that scripts read", () =>
    Effect.gen(function*() {
      const written = { stdout: "", stderr: "" }
      const stdout = process.stdout.write
      const stderr = process.stderr.write
      const log = console.log
      process.stdout.write = ((chunk: string) => ((written.stdout += chunk), true)) as typeof process.stdout.write
      process.stderr.write = ((chunk: string) => ((written.stderr += chunk), true)) as typeof process.stderr.write
      console.log = (...parts: Array<unknown>) => void (written.stdout += `${parts.join(" ")}\n`)
      yield* Effect.logError("The in-memory Xtopay failed on a request").pipe(
        Effect.provide(stderrLogger),
        Effect.ensuring(Effect.sync(() => {
          process.stdout.write = stdout
          process.stderr.write = stderr
          console.log = log
        }))
      )
      assert.strictEqual(written.stdout, "")
      assert.match(written.stderr, /level=ERROR .*The in-memory Xtopay failed on a request/)
    }))
})

describe("xtopay-mock as a process", () => {
  it.live("starts, prints its base URL, serves the seeded customers, and exits 0 on SIGTERM", () =>
    Effect.gen(function*() {
      const server = yield* node(["--port", "0", "--seed-customers", "1000", "--client-id", "cid_test_cli"])
      const baseUrl = yield* server.firstLine
      assert.match(baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/v1$/)
      const page = answered(
        yield* rawFetch(`${baseUrl}/customers?limit=2`, { headers: { authorization: authorization("cid_test_cli") } })
      )
      assert.strictEqual(page.status, 200)
      const body = JSON.parse(page.text) as { data: Array<unknown>; pagination: { total_count: number } }
      assert.strictEqual(body.data.length, 2)
      assert.strictEqual(body.pagination.total_count, 1000)
      assert.match(server.stderr(), /seeded 1000 customers into cid_test_cli/)

      server.child.kill("SIGTERM")
      const exit = yield* server.exited
      assert.deepStrictEqual(exit, { code: 0, signal: null })
      assert.strictEqual((yield* rawFetch(`${baseUrl}/customers`))._tag, "Failed")
    }), PROCESS_TEST_TIMEOUT)

  it.live("--latency-ms: every answer waits, and injected faults still fire", () =>
    Effect.gen(function*() {
      const server = yield* node(["--port", "0", "--latency-ms", "300"])
      const baseUrl = yield* server.firstLine
      const headers = { authorization: authorization("cid_test_cli"), "content-type": "application/json" }
      const origin = new URL(baseUrl).origin
      const injected = answered(yield* rawFetch(`${origin}/_mock/faults`, {
        method: "POST",
        headers,
        body: JSON.stringify({ plans: [{ times: 1, route: "GET /customers", fault: { _tag: "Status", status: 503 } }] })
      }))
      assert.strictEqual(injected.status, 201)
      const [faultedIn, faulted] = yield* Effect.timed(rawFetch(`${baseUrl}/customers`, { headers }))
      assert.strictEqual(answered(faulted).status, 503)
      assert.isAtLeast(Duration.toMillis(faultedIn), 290)
      const [okIn, ok] = yield* Effect.timed(rawFetch(`${baseUrl}/customers`, { headers }))
      assert.strictEqual(answered(ok).status, 200)
      assert.isAtLeast(Duration.toMillis(okIn), 290)
    }), PROCESS_TEST_TIMEOUT)

  it.live("stops on SIGINT (Ctrl-C) too", () =>
    Effect.gen(function*() {
      const server = yield* node(["--port", "0"])
      const baseUrl = yield* server.firstLine
      assert.strictEqual(answered(yield* rawFetch(`${baseUrl}/customers`)).status, 401)
      server.child.kill("SIGINT")
      assert.deepStrictEqual(yield* server.exited, { code: 0, signal: null })
    }), PROCESS_TEST_TIMEOUT)

  it.live("a port in use: exit 1, saying so", () =>
    Effect.gen(function*() {
      const first = yield* node(["--port", "0"])
      const port = new URL(yield* first.firstLine).port
      const second = yield* node(["--port", port])
      const exit = yield* second.exited
      assert.strictEqual(exit.code, 1)
      assert.match(second.stderr(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the port is in use`))
    }), PROCESS_TEST_TIMEOUT)

  it.live("bad arguments: exit 2 with the usage", () =>
    Effect.gen(function*() {
      const server = yield* node(["--port", "twelve"])
      assert.strictEqual((yield* server.exited).code, 2)
      assert.match(server.stderr(), /--port expects a whole number/)
      assert.match(server.stderr(), /Usage: xtopay-mock/)
    }), PROCESS_TEST_TIMEOUT)

  it.live("without @effect/platform-node installed it says what to install, and exits 1", () =>
    Effect.gen(function*() {
      const server = yield* start(process.execPath, ["--import", hidePlatformNode, bin, "--port", "0"])
      assert.strictEqual((yield* server.exited).code, 1)
      assert.match(server.stderr(), /npm install --save-dev @effect\/platform-node@\^4\.1\.5/)
    }), PROCESS_TEST_TIMEOUT)

  it.live("`npx xtopay-mock` runs this package's own command, and stops when npx is sent SIGTERM", () =>
    Effect.gen(function*() {
      // --offline: npx must find the command in this repository, never on the registry.
      const npx = yield* start("npx", ["--offline", "xtopay-mock", "--port", "0"])
      const baseUrl = yield* npx.firstLine
      assert.strictEqual(answered(yield* rawFetch(`${baseUrl}/customers`)).status, 401)
      npx.child.kill("SIGTERM")
      yield* npx.exited
      // npm does not pass the signal on; the server notices npx is gone and stops by itself.
      const stopped = yield* Effect.repeat(rawFetch(`${baseUrl}/customers`, {}, 1_000), {
        until: (result) => result._tag === "Failed",
        schedule: Schedule.spaced("250 millis")
      }).pipe(Effect.timeout("15 seconds"), Effect.option)
      assert.isTrue(stopped._tag === "Some", "the server outlived npx")
    }), PROCESS_TEST_TIMEOUT)
})
