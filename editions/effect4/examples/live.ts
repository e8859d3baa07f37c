/**
 * The same calls a production program makes, against whatever XTOPAY_BASE_URL names — for
 * example the mock server:
 *
 *   npx xtopay-mock --port 12111 &
 *   XTOPAY_CLIENT_ID=cid_test_demo XTOPAY_CLIENT_SECRET=csk_test_demo \
 *   XTOPAY_BASE_URL=http://127.0.0.1:12111/v1 npx tsx examples/live.ts
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Stream } from "effect"
import { CustomerPortal, Customers, SetupIntents, XtopayLive } from "effect-xtopay"

const program = Effect.gen(function*() {
  const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu", phone: "+233244000000" })
  yield* Console.log(`created ${ama.id} (${ama.currency})`)

  const intent = yield* SetupIntents.create({ customer_id: ama.id })
  yield* Console.log(`setup intent ${intent.id}: send the customer to ${intent.setup_url}`)

  const portal = yield* CustomerPortal.createSession({ customer_id: ama.id, return_url: "https://shop.example.com/account" })
  yield* Console.log(`portal session ${portal.id}: ${portal.url}`)

  const count = yield* Stream.runCount(Customers.list({ email: "ama@example.com" }))
  yield* Console.log(`customers with that email: ${count}`)

  const deleted = yield* Customers.delete(ama.id)
  yield* Console.log(`deleted ${deleted.id}: ${deleted.deleted}`)
})

/** One plain line for a failure the user can fix, and exit code 1 without a stack trace. */
const giveUp = (line: string) => Console.error(line).pipe(Effect.andThen(Effect.sync(() => void (process.exitCode = 1))))

program.pipe(
  Effect.catchTags({
    Unauthorized: (e) => giveUp(`Xtopay refused the credentials: ${e.message}`),
    ConnectionError: (e) => giveUp(`Could not reach Xtopay: ${e.message}`)
  }),
  Effect.provide(XtopayLive),
  // Any other failure (a missing XTOPAY_CLIENT_ID, say) is reported, with exit code 1.
  NodeRuntime.runMain
)
