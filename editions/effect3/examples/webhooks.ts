/**
 * A webhook receiver: an HttpRouter with `Webhooks.handler` on 127.0.0.1, registered as an
 * endpoint, that prints each event it verifies. Run it against the mock server:
 *
 *   npx xtopay-mock --webhook-retry-delays 200,400 &
 *   XTOPAY_CLIENT_ID=cid_test_shop XTOPAY_CLIENT_SECRET=csk_test_shop \
 *     XTOPAY_BASE_URL=http://127.0.0.1:12111/v1 npx tsx examples/webhooks.ts
 *
 * It creates a customer, saves a card through the mock server's control API, waits for
 * `customer.created` and `customer.payment_method_added`, and exits.
 */
import * as HttpRouter from "@effect/platform/HttpRouter"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Console, Deferred, Effect, Ref } from "effect"
import { Customers, SetupIntents, WebhookEndpoints, Webhooks, XtopayLive } from "effect-xtopay"
import { createServer } from "node:http"

const wanted = ["customer.created", "customer.payment_method_added"]

const program = Effect.gen(function*() {
  const seen = yield* Ref.make<ReadonlyArray<string>>([])
  const done = yield* Deferred.make<void>()
  const router = HttpRouter.empty.pipe(
    HttpRouter.post(
      "/webhooks/xtopay",
      // Verified and decoded before this runs; dedupe on event.id in a real receiver.
      Webhooks.handler((event) =>
        Effect.gen(function*() {
          yield* Console.log(`received ${event.type} ${event.id}`)
          const types = yield* Ref.updateAndGet(seen, (all) => [...all, String(event.type)])
          if (wanted.every((type) => types.includes(type))) yield* Deferred.succeed(done, undefined)
        })
      )
    )
  )
  const server = yield* NodeHttpServer.make(() => createServer(), { port: 0, host: "127.0.0.1" })
  yield* server.serve(router)
  if (server.address._tag !== "TcpAddress") return yield* Effect.dieMessage("expected a TCP address")
  const url = `http://127.0.0.1:${server.address.port}/webhooks/xtopay`

  const endpoint = yield* WebhookEndpoints.create({ url, events: wanted, description: "examples/webhooks.ts" })
  yield* Console.log(`registered ${endpoint.id} for ${url}`)
  const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu" })
  const intent = yield* SetupIntents.create({ customer_id: ama.id })
  // What the customer does on the setup page, through the mock server's control API.
  const base = process.env["XTOPAY_BASE_URL"]!.replace(/\/v1\/?$/, "")
  yield* Effect.promise(() =>
    fetch(`${base}/_mock/setup-intents/${intent.id}/complete`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Basic ${btoa(`${process.env["XTOPAY_CLIENT_ID"]}:${process.env["XTOPAY_CLIENT_SECRET"]}`)}`
      },
      body: JSON.stringify({ type: "card" })
    })
  )
  yield* Deferred.await(done).pipe(Effect.timeoutFail({ duration: "20 seconds", onTimeout: () => new Error("no events arrived") }))
  yield* WebhookEndpoints.delete(endpoint.id)
  yield* Console.log("done")
})

Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(XtopayLive))).catch((error) => {
  console.error(error)
  process.exit(1)
})
