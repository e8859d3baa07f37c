/**
 * Durable idempotency on Effect 4: examples/durable-create.ts creates a customer inside an
 * `effect/workflow` activity on the cluster's single runner, its state in SQLite (`node:sqlite`).
 * Killed with SIGKILL after the mock server has the create and before it answers, then started
 * again on the same database, it sends the same Idempotency-Key and finishes with the one
 * customer the first attempt made. The mock server is a separate process, reached over HTTP.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { join } from "node:path"
import { exited, mockServer, type Recorded, runExample, tempDir, until } from "./support.js"

/** What the example prints when the workflow is done. */
const RESULT = /^order (\S+): customer (cus_\w+) \(Idempotency-Key (\S+)\)$/m

const result = (stdout: string) => {
  const match = RESULT.exec(stdout)
  assert.isNotNull(match, `no result line in ${JSON.stringify(stdout)}`)
  return { orderId: match![1]!, customerId: match![2]!, idempotencyKey: match![3]! }
}

const creates = (requests: ReadonlyArray<Recorded>) =>
  requests.filter((request) => request.route === "POST /customers")

describe("examples/durable-create.ts", () => {
  it.live("creates the order's customer once; a second run on the same database answers from it", () =>
    Effect.gen(function*() {
      const database = join(yield* tempDir, "workflows.db")
      const mock = yield* mockServer("cid_test_durable_plain")

      const first = yield* runExample(mock, database, "order-7", "kofi@example.com")
      assert.isTrue(yield* exited(first.child, "60 seconds"), `still running: ${first.output.stderr}`)
      assert.strictEqual(first.child.exitCode, 0, first.output.stderr)
      const done = result(first.output.stdout)
      assert.strictEqual(done.orderId, "order-7")

      const customers = yield* Effect.promise(mock.customers)
      assert.deepStrictEqual(customers.map(({ email, id }) => ({ id, email })), [
        { id: done.customerId, email: "kofi@example.com" }
      ])
      const sent = creates(yield* Effect.promise(mock.requests))
      assert.strictEqual(sent.length, 1)
      assert.strictEqual(sent[0]!.headers["idempotency-key"], done.idempotencyKey)
      assert.deepStrictEqual(JSON.parse(sent[0]!.body), { email: "kofi@example.com" })

      // The finished workflow's result is in SQLite: the same order sends nothing and prints the same.
      const again = yield* runExample(mock, database, "order-7", "kofi@example.com")
      assert.isTrue(yield* exited(again.child, "60 seconds"), `still running: ${again.output.stderr}`)
      assert.strictEqual(again.child.exitCode, 0, again.output.stderr)
      assert.deepStrictEqual(result(again.output.stdout), done)
      assert.strictEqual(creates(yield* Effect.promise(mock.requests)).length, 1)
      assert.strictEqual((yield* Effect.promise(mock.customers)).length, 1)
    }), 150_000)

  it.live("killed while the create is in flight, restarted on the same database: the same key, one customer", () =>
    Effect.gen(function*() {
      const database = join(yield* tempDir, "workflows.db")
      const mock = yield* mockServer("cid_test_durable_crash")
      // The first create is held 3 s before the server does the work: the window to kill the process in.
      yield* Effect.promise(() => mock.delayNextCreate(3_000))

      const first = yield* runExample(mock, database, "order-1001", "ama@example.com")
      const arrived = yield* until(async () => creates(await mock.requests()).length === 1, "60 seconds")
      assert.isTrue(arrived, `the create never came: ${first.output.stderr}`)
      assert.lengthOf(yield* Effect.promise(mock.customers), 0, "the create was done before the kill")
      first.child.kill("SIGKILL")
      assert.isTrue(yield* exited(first.child, "10 seconds"))
      assert.strictEqual(first.child.signalCode, "SIGKILL")
      assert.strictEqual(first.output.stdout, "", "the first run finished before the kill")
      // The server goes on with the create it was sent, as a real one would; its answer is lost.
      assert.isTrue(yield* until(async () => (await mock.customers()).length === 1, "15 seconds"))
      const [made] = yield* Effect.promise(mock.customers)

      const second = yield* runExample(mock, database, "order-1001", "ama@example.com")
      assert.isTrue(yield* exited(second.child, "60 seconds"), `still running: ${second.output.stderr}`)
      assert.strictEqual(second.child.exitCode, 0, second.output.stderr)

      const sent = creates(yield* Effect.promise(mock.requests))
      const key = sent[0]!.headers["idempotency-key"]
      assert.isString(key)
      assert.deepStrictEqual(sent.map((request) => request.headers["idempotency-key"]), [key, key])
      assert.deepStrictEqual(result(second.output.stdout), {
        orderId: "order-1001",
        customerId: made!.id,
        idempotencyKey: key!
      })
      assert.deepStrictEqual((yield* Effect.promise(mock.customers)).map(({ id }) => id), [made!.id])
    }), 150_000)
})
