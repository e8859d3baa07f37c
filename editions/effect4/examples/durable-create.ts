/**
 * Creates a customer for an order inside a durable workflow (Effect 4's `effect/workflow` on
 * `effect/cluster`'s single-node runner, its state in SQLite through `node:sqlite`), so that a
 * process killed between sending the create and storing the answer, once restarted on the same
 * database, sends the same Idempotency-Key again and gets the same customer back instead of making
 * a second one.
 *
 *   XTOPAY_CLIENT_ID=cid_test_… XTOPAY_CLIENT_SECRET=csk_test_… XTOPAY_BASE_URL=http://127.0.0.1:12111/v1 \
 *     npx tsx examples/durable-create.ts order-1001 ama@example.com
 *
 * XTOPAY_WORKFLOW_DB names the SQLite file (default ./xtopay-workflows.db). Run it twice with the
 * same order id: the second run finds the finished workflow and prints the same customer.
 */
import { SqliteClient } from "@effect/sql-sqlite-node"
import * as ClusterWorkflowEngine from "effect/cluster/ClusterWorkflowEngine"
import * as SingleRunner from "effect/cluster/SingleRunner"
import * as Console from "effect/Console"
import * as Digest from "effect/crypto/Digest"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Activity from "effect/workflow/Activity"
import * as Workflow from "effect/workflow/Workflow"
import { Customers, XtopayLive } from "effect-xtopay"

/** Why the create did not happen (the client's error, as the workflow stores it). */
class CreateFailed extends Schema.TaggedError<CreateFailed>()("CreateFailed", {
  tag: Schema.String,
  message: Schema.String
}) {}

const Created = Schema.Struct({ customerId: Schema.String, idempotencyKey: Schema.String })

/** One customer per order: the order id is the workflow's idempotency key, so its execution id. */
const CreateCustomer = Workflow.make("CreateCustomer", {
  payload: { orderId: Schema.String, email: Schema.String },
  success: Created,
  error: CreateFailed,
  idempotencyKey: ({ orderId }) => orderId
})

const CreateCustomerLive = CreateCustomer.toLayer(({ email }) =>
  Activity.make({
    name: "xtopay.customers.create",
    success: Created,
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
// messages and replies, what makes them durable, are in SQLite. The cluster's message ids are
// 64-bit: its SQL storage reads them as bigints itself, so the client needs no option for it.
const Engine = ClusterWorkflowEngine.layer.pipe(
  Layer.provideMerge(SingleRunner.layer({ runnerStorage: "memory" })),
  Layer.provide(SqliteClient.layer({ filename: database })),
  // Hashes over-long message keys (a single runner still stores its messages in SQL).
  Layer.provide(Digest.layerWebCrypto)
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
