/**
 * A webhook receiver: a route with `Webhooks.handler`, served on 127.0.0.1, registered as an
 * endpoint, that prints each event it verifies. Run it against the mock server:
 *
 *   npx xtopay-mock --webhook-retry-delays 200,400 &
 *   XTOPAY_CLIENT_ID=cid_test_shop XTOPAY_CLIENT_SECRET=csk_test_shop \
 *     XTOPAY_BASE_URL=http://127.0.0.1:12111/v1 npx tsx examples/webhooks.ts
 *
 * It creates a customer, saves a card through the mock server's control API, waits for
 * `customer.created` and `customer.payment_method_added`, and exits.
 */
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { Console, Context, Deferred, Effect, Layer, Ref } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServer from "effect/http/HttpServer"
import { Customers, SetupIntents, WebhookEndpoints, Webhooks, XtopayClient, XtopayLive } from "effect-xtopay"
import { createServer } from "node:http"

const wanted = ["customer.created", "customer.payment_method_added"]

/** The event types received so far, shared by the route and the program that waits for them. */
class Arrivals extends Context.Service<Arrivals, {
  readonly record: (type: string) => Effect.Effect<void>
  /** Done once every wanted type has arrived. */
  readonly all: Effect.Effect<void>
}>()("examples/webhooks/Arrivals") {
  static readonly layer = Layer.effect(
    Arrivals,
    Effect.gen(function*() {
      const seen = yield* Ref.make<ReadonlyArray<string>>([])
      const done = yield* Deferred.make<void>()
      return {
        record: (type) =>
          Effect.gen(function*() {
            const types = yield* Ref.updateAndGet(seen, (all) => [...all, type])
            if (wanted.every((t) => types.includes(t))) yield* Deferred.succeed(done, undefined)
          }),
        all: Deferred.await(done)
      }
    })
  )
}

// Effect 4: a route is a layer. Verified and decoded before this runs; dedupe on event.id in a real receiver.
const Routes = HttpRouter.add(
  "POST",
  "/webhooks/xtopay",
  Webhooks.handler((event) =>
    Effect.gen(function*() {
      yield* Console.log(`received ${event.type} ${event.id}`)
      yield* (yield* Arrivals).record(String(event.type))
    })
  )
)

// A free port on loopback; the program reads the address back from HttpServer.
const Receiver = HttpRouter.serve(Routes, { disableLogger: true, disableListenLog: true }).pipe(
  Layer.provideMerge(NodeHttpServer.layer(createServer, { port: 0, host: "127.0.0.1" }))
)

/** What the customer does on the setup page, through the mock server's control API (same account, same credentials). */
const completeSetupWithCard = (intentId: string) =>
  Effect.gen(function*() {
    const client = yield* XtopayClient
    const controlApi = client.baseUrl.replace(/\/v1$/, "/_mock")
    const http = (yield* HttpClient.HttpClient).pipe(HttpClient.filterStatusOk)
    yield* http.execute(
      HttpClientRequest.post(`${controlApi}/setup-intents/${intentId}/complete`).pipe(
        HttpClientRequest.basicAuth(client.clientId, client.clientSecret),
        HttpClientRequest.bodyJsonUnsafe({ type: "card" })
      )
    )
  }).pipe(Effect.provide(FetchHttpClient.layer))

const program = Effect.gen(function*() {
  const url = yield* HttpServer.addressFormattedWith((address) => Effect.succeed(`${address}/webhooks/xtopay`))
  const endpoint = yield* WebhookEndpoints.create({ url, events: wanted, description: "examples/webhooks.ts" })
  yield* Console.log(`registered ${endpoint.id} for ${url}`)
  const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu" })
  const intent = yield* SetupIntents.create({ customer_id: ama.id })
  yield* completeSetupWithCard(intent.id)
  yield* (yield* Arrivals).all.pipe(
    Effect.timeoutOrElse({ duration: "20 seconds", orElse: () => Effect.fail(new Error("no events arrived")) })
  )
  yield* WebhookEndpoints.delete(endpoint.id)
  yield* Console.log("done")
})

program.pipe(
  // One Arrivals and one XtopayClient for the route and the program: the handler verifies with the client secret.
  Effect.provide(Receiver.pipe(Layer.provideMerge(Arrivals.layer), Layer.provideMerge(XtopayLive))),
  NodeRuntime.runMain
)
