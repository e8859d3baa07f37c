/**
 * Durable idempotency: examples/durable-create.ts creates a customer inside an `@effect/workflow`
 * activity on a SQLite-backed engine. Killed with SIGKILL after the mock server has the create and
 * before it answers, then started again on the same database, it sends the same Idempotency-Key
 * and finishes with the one customer the first attempt made.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { spawn } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { DEFAULT_ACCOUNT } from "../../src/testing/Control.js"
import { exited, recordingMock, stop } from "./support.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

/** The example as a child process, stopped by its pid when the scope closes. */
const runExample = (baseUrl: string, database: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const child = spawn(process.execPath, ["--import", "tsx", "examples/durable-create.ts", "order-1001", "ama@example.com"], {
        cwd: root,
        env: {
          ...process.env,
          XTOPAY_CLIENT_ID: DEFAULT_ACCOUNT,
          XTOPAY_CLIENT_SECRET: "csk_test_default",
          XTOPAY_BASE_URL: baseUrl,
          XTOPAY_WORKFLOW_DB: database
        },
        stdio: ["ignore", "pipe", "pipe"]
      })
      const output = { stdout: "", stderr: "" }
      child.stdout.on("data", (chunk: Buffer) => void (output.stdout += chunk.toString()))
      child.stderr.on("data", (chunk: Buffer) => void (output.stderr += chunk.toString()))
      return { child, output }
    }),
    ({ child }) => stop(child)
  )

/** Polls `check` every 20 ms until it holds, at most `millis`. */
const until = (check: () => boolean | Promise<boolean>, millis: number) =>
  Effect.promise(async () => {
    const deadline = Date.now() + millis
    while (!(await check()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    return check()
  })

describe("a workflow's create survives a SIGKILL", () => {
  it.live("killed while the create is under way, restarted on the same database: the same key, one customer", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(() => mkdtemp(join(tmpdir(), "xtopay-workflow-"))),
        (path) => Effect.promise(() => rm(path, { recursive: true, force: true }))
      )
      const database = join(dir, "workflows.db")
      const mock = yield* recordingMock()
      // The first create is held 1.5 s before it is processed: the window to kill the process in.
      yield* mock.control.injectFaults({ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis: 1_500 } })
      const posts = () => mock.seen.filter((request) => request.route === "POST /customers")
      const customers = () => Effect.runPromise(mock.control.seedCustomers(DEFAULT_ACCOUNT, 0))

      const first = yield* runExample(mock.baseUrl, database)
      assert.isTrue(yield* until(() => posts().length === 1, 60_000), `the create never came: ${first.output.stderr}`)
      assert.strictEqual(posts()[0]!.status, undefined, "the create was answered before the kill")
      first.child.kill("SIGKILL")
      assert.isTrue(yield* exited(first.child, "10 seconds"))
      assert.strictEqual(first.output.stdout, "")
      // The server goes on with the create it was sent, as a real one would.
      assert.isTrue(yield* until(async () => (await customers()) === 1, 10_000))

      const second = yield* runExample(mock.baseUrl, database)
      assert.isTrue(yield* exited(second.child, "60 seconds"), second.output.stderr)
      assert.strictEqual(second.child.exitCode, 0, second.output.stderr)
      const key = posts()[0]!.idempotencyKey
      assert.isString(key)
      assert.deepStrictEqual(posts().map((request) => request.idempotencyKey), [key, key])
      assert.strictEqual(posts()[1]!.status, 200, "the retry after the restart is the replay")
      assert.match(second.output.stdout, new RegExp(`order order-1001: customer cus_\\w+ \\(Idempotency-Key ${key}\\)`))
      assert.strictEqual(yield* Effect.promise(customers), 1)
    }).pipe(Effect.scoped), 150_000)
})
