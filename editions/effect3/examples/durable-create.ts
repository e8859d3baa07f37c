/**
 * Creates a customer for an order inside a durable workflow (`@effect/workflow` on
 * `@effect/cluster`'s single-node runner, its state in SQLite), so that a process killed between
 * sending the create and storing the answer, once restarted on the same database, sends the same
 * Idempotency-Key again and gets the same customer back instead of making a second one.
 *
 *   XTOPAY_CLIENT_ID=cid_test_… XTOPAY_CLIENT_SECRET=csk_test_… XTOPAY_BASE_URL=http://127.0.0.1:12111/v1 \
 *     npx tsx examples/durable-create.ts order-1001 ama@example.com
 *
 * XTOPAY_WORKFLOW_DB names the SQLite file (default ./xtopay-workflows.db). Run it twice with the
 * same order id: the second run finds the finished workflow and prints the same customer.
 */
import { ClusterWorkflowEngine, SingleRunner } from "@effect/cluster"
import { LibsqlClient } from "@effect/sql-libsql"
import { Activity, Workflow } from "@effect/workflow"
import { Console, Effect, Layer, Schema } from "effect"
import { Customers, XtopayLive } from "effect-xtopay"

/** Why the create did not happen (the client's error, as the workflow stores it). */
class CreateFailed extends Schema.TaggedError<CreateFailed>()("CreateFailed", {
  tag: Schema.String,
  message: Schema.String
}) {}

/** One customer per order: the order id is the workflow's idempotency key, so its execution id. */
const CreateCustomer = Workflow.make({
  name: "CreateCustomer",
  payload: { orderId: Schema.String, email: Schema.String },
  success: Schema.Struct({ customerId: Schema.String, idempotencyKey: Schema.String }),
  error: CreateFailed,
  idempotencyKey: ({ orderId }) => orderId
})

const CreateCustomerLive = CreateCustomer.toLayer(({ email }) =>
  Activity.make({
    name: "xtopay.customers.create",
    success: Schema.Struct({ customerId: Schema.String, idempotencyKey: Schema.String }),
    error: CreateFailed,
    execute: Effect.gen(function*() {
      // Derived from the execution id and the name: the same on every run of this workflow.
      const idempotencyKey = yield* Activity.idempotencyKey("xtopay.customers.create")
      const customer = yield* Customers.create({ email }, { idempotencyKey })
      return { customerId: customer.id, idempotencyKey }
    }).pipe(Effect.mapError((error) => new CreateFailed({ tag: error._tag, message: error.message })))
  })
)

const database = process.env["XTOPAY_WORKFLOW_DB"] ?? "xtopay-workflows.db"
// Runner storage in memory: a restarted process takes its shards back at once; the workflows'
// messages and replies, what makes them durable, are in SQLite.
const Engine = ClusterWorkflowEngine.layer.pipe(
  Layer.provideMerge(SingleRunner.layer({ runnerStorage: "memory" })),
  Layer.provide(LibsqlClient.layer({ url: `file:${database}`, intMode: "bigint" }))
)
const Main = CreateCustomerLive.pipe(Layer.provideMerge(Engine), Layer.provide(XtopayLive))

const [orderId = "order-1001", email = "ama@example.com"] = process.argv.slice(2)

const program = CreateCustomer.execute({ orderId, email }).pipe(
  Effect.flatMap(({ customerId, idempotencyKey }) =>
    Console.log(`order ${orderId}: customer ${customerId} (Idempotency-Key ${idempotencyKey})`)
  )
)

Effect.runPromise(program.pipe(Effect.provide(Main))).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(String(error))
    process.exit(1)
  }
)
