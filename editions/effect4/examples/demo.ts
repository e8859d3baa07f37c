/**
 * A tour of effect-xtopay against the in-memory Xtopay: no network, no credentials.
 *
 *   npm run demo
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, References, Stream } from "effect"
import { CustomerPortal, Customers, PaymentMethods, SetupIntents, XtopayControl, XtopayTest } from "effect-xtopay"

const step = (text: string) => Console.log(`\n— ${text}`)

const tour = Effect.gen(function*() {
  const control = yield* XtopayControl

  yield* step("Create a customer (POST /customers, with an Idempotency-Key made once per call)")
  const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu" })
  yield* Console.log(`created ${ama.id}: ${ama.name} <${ama.email}>, currency ${ama.currency}`)

  yield* step("Update only the phone and one metadata key (PATCH merges)")
  const updated = yield* Customers.update(ama.id, { phone: "+233244000000", metadata: { tier: "gold" } })
  yield* Console.log(`phone ${updated.phone}, metadata ${JSON.stringify(updated.metadata)}`)

  yield* step("Save a mobile-money wallet: create a setup intent, then the customer completes it")
  const intent = yield* SetupIntents.create({ customer_id: ama.id })
  yield* Console.log(`send the customer to ${intent.setup_url}`)
  // In production the customer does this in a browser; the control service plays their part.
  yield* control.completeSetupIntent(intent.id, {
    type: "mobile_money",
    mobile_money: { network: "mtn", phone: "+233244000000" }
  })
  const methods = yield* Stream.runCollect(PaymentMethods.list({ customer_id: ama.id }))
  for (const method of methods) yield* Console.log(`saved ${method.id}: ${method.type}`)

  yield* step("Retrieve the customer with subscriptions and payment methods")
  const full = yield* Customers.retrieve(ama.id)
  yield* Console.log(`${full.id} has ${full.payment_methods.length} payment method(s), ${full.subscriptions.length} subscription(s)`)

  yield* step("Open the customer portal")
  const portal = yield* CustomerPortal.createSession({ customer_id: ama.id, return_url: "https://shop.example.com/account" })
  yield* Console.log(`portal: ${portal.url}`)

  yield* step("Stream every customer, page by page (40 more seeded, pages of 10)")
  yield* control.seedCustomers(40)
  const count = yield* Stream.runCount(Customers.list({ limit: 10 }))
  yield* Console.log(`streamed ${count} customers`)

  yield* step("A 429: Xtopay asks to wait 1 second; the client waits and retries by itself")
  yield* control.clearRequests
  yield* control.injectFaults({ times: 1, route: "GET /customers/:id", fault: { _tag: "RateLimit", retryAfterSeconds: 1 } })
  const started = Date.now()
  yield* Customers.retrieve(ama.id)
  yield* Console.log(`retrieved after ${((Date.now() - started) / 1000).toFixed(1)}s; requests sent: ${
    (yield* control.requests).filter((r) => r.route === "GET /customers/:id").length
  }`)

  yield* step("Delete the customer, then handle the NotFound a later retrieve fails with")
  const deleted = yield* Customers.delete(ama.id)
  yield* Console.log(`deleted ${deleted.id}`)
  const after = yield* Customers.retrieve(ama.id).pipe(
    Effect.as("still there?"),
    Effect.catchTags({
      // The message already ends with the status, code and request id: one line to quote to support.
      NotFound: (error) => Effect.succeed(String(error)),
      RateLimited: (error) => Effect.succeed(`RateLimited, retry after ${String(error.retryAfter)}`)
    })
  )
  yield* Console.log(after)

  yield* step("Bad input never leaves the machine")
  const refused = yield* Effect.flip(Customers.create({ email: "not-an-email" }))
  yield* Console.log(`${refused._tag} (param ${refused.param}): ${refused.message}`)
})

tour.pipe(
  Effect.provide(XtopayTest),
  // Show the client's own Debug line about the retry (Effect 4: a reference, not Logger.withMinimumLogLevel).
  Effect.provideService(References.MinimumLogLevel, "Debug"),
  // Exit code 1 and the failure reported when the tour fails.
  NodeRuntime.runMain
)
