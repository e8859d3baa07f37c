/**
 * `XtopayTest`: the real `XtopayClient` over an in-memory Xtopay, with no network, plus the
 * `XtopayControl` service to seed data, complete setup intents, read requests and inject faults.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpApp from "@effect/platform/HttpApp"
import { Context, Deferred, Effect, Layer, Redacted, type Scope } from "effect"
import { DEFAULT_BASE_URL, make, XtopayClient, type XtopayClientOptions } from "../XtopayClient.js"
import { type BackendOptions, makeBackend } from "./Backend.js"
import { DEFAULT_ACCOUNT, XtopayControl } from "./Control.js"
import { appSender } from "./internal/appSender.js"
import type { WebhookSender } from "./internal/deliveries.js"
import { makeMemoryHttpClient } from "./internal/memoryHttpClient.js"

/**
 * What `XtopayTestWith` takes: the in-memory Xtopay's options (seed data, faults, rate limit, id
 * seed) and the client's (credentials default to `cid_test_default` / `csk_test_default`).
 *
 * @since 0.1.0
 */
export interface XtopayTestOptions extends BackendOptions, Partial<Omit<XtopayClientOptions, "baseUrl">> {
  /**
   * Where webhook deliveries go: your `HttpApp` (an `HttpRouter` with `Webhooks.handler`, say),
   * in process, as real `HttpServerRequest`s for the endpoint's URL, on the `Clock`. Without it,
   * every delivery attempt fails with no answer (and is recorded so).
   */
  readonly webhookApp?: HttpApp.Default<unknown, XtopayClient | Scope.Scope> | undefined
}

/**
 * The client and control service over a fresh in-memory Xtopay. Client options that make no
 * client (a negative `maxRetries`, say) are a defect here, not a `ConfigError`: this is a test layer.
 *
 * @since 0.1.0
 */
export const XtopayTestWith = (options: XtopayTestOptions = {}): Layer.Layer<XtopayClient | XtopayControl> =>
  Layer.scopedContext(
    Effect.gen(function*() {
      // The app needs the client, which needs the backend: deliveries wait for it (none is sent before).
      const clientReady = yield* Deferred.make<XtopayClient.Service>()
      const webhookApp = options.webhookApp
      const sender: WebhookSender = options.webhookSender ?? (webhookApp === undefined
        ? () => Effect.fail("No webhookApp: this XtopayTest has nowhere to deliver (give XtopayTestWith a webhookApp)")
        : (delivery) => Effect.flatMap(Deferred.await(clientReady), (client) => appSender(webhookApp, client)(delivery)))
      const backend = yield* makeBackend({ ...options, webhookSender: sender })
      const httpClient = makeMemoryHttpClient(backend.handle, new URL(DEFAULT_BASE_URL).pathname)
      const client = yield* make({
        ...options,
        clientId: options.clientId ?? DEFAULT_ACCOUNT,
        clientSecret: options.clientSecret ?? Redacted.make("csk_test_default"),
        baseUrl: DEFAULT_BASE_URL
      }).pipe(Effect.provideService(HttpClient.HttpClient, httpClient), Effect.orDie)
      yield* Deferred.succeed(clientReady, client)
      return Context.make(XtopayClient, client).pipe(Context.add(XtopayControl, backend.control))
    })
  )

/**
 * The client over a fresh, empty in-memory Xtopay (state is new each time the layer is built),
 * with `XtopayControl` beside it.
 *
 * @example
 * const program = Effect.gen(function*() {
 *   const ama = yield* Customers.create({ email: "ama@example.com" })
 *   return yield* Customers.retrieve(ama.id)
 * })
 * program.pipe(Effect.provide(XtopayTest))
 *
 * @since 0.1.0
 */
export const XtopayTest: Layer.Layer<XtopayClient | XtopayControl> = XtopayTestWith()
