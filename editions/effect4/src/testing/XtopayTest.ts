/**
 * `XtopayTest`: the real `XtopayClient` over an in-memory Xtopay, with no network, plus the
 * `XtopayControl` service to seed data, complete setup intents, read requests and inject faults.
 *
 * @since 1.0.0
 */
import { Context, Deferred, Effect, Layer, Redacted, type Scope } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpRouter from "effect/http/HttpRouter"
import { DEFAULT_BASE_URL, make, XtopayClient, type XtopayClientOptions } from "../XtopayClient.js"
import { type BackendOptions, makeBackend } from "./Backend.js"
import { DEFAULT_ACCOUNT, XtopayControl } from "./Control.js"
import { appSender, type WebhookHttpEffect, type WebhookRouterLayer } from "./internal/appSender.js"
import type { WebhookSender } from "./internal/deliveries.js"
import { makeMemoryHttpClient } from "./internal/memoryHttpClient.js"

/**
 * Where `XtopayTestWith` delivers webhooks: an HTTP app in Effect 4's form, either a handler
 * effect (`Webhooks.handler(f)`, `Webhooks.router({...})`, or what `HttpRouter.toHttpEffect`
 * gives) or a router's routes as a layer (`HttpRouter.add("POST", "/webhooks/xtopay", ...)`,
 * `HttpRouter.addAll([...])`), which the test builds into a router. Either may need the
 * `XtopayClient`: the test's own is provided.
 *
 * @since 1.0.0
 */
export type WebhookApp = WebhookHttpEffect | WebhookRouterLayer

/**
 * What `XtopayTestWith` takes: the in-memory Xtopay's options (seed data, faults, rate limit, id
 * seed) and the client's (credentials default to `cid_test_default` / `csk_test_default`).
 *
 * @since 1.0.0
 */
export interface XtopayTestOptions extends BackendOptions, Partial<Omit<XtopayClientOptions, "baseUrl">> {
  /**
   * Where webhook deliveries go: your app (a router layer with `Webhooks.handler`, say), in
   * process, as real `HttpServerRequest`s for the endpoint's URL, signed with the credential's
   * secret, on the `Clock` (so `TestClock.adjust` runs the retries). Without it, every delivery
   * attempt fails with no answer (and is recorded so).
   */
  readonly webhookApp?: WebhookApp | undefined
}

/** The app as a handler effect: a router layer is built (in the test's scope) into its router's handler. */
const httpEffectOf = (app: WebhookApp): Effect.Effect<WebhookHttpEffect, never, XtopayClient | Scope.Scope> =>
  Layer.isLayer(app)
    ? Effect.orDie(HttpRouter.toHttpEffect(app as Layer.Layer<unknown, unknown, HttpRouter.HttpRouter>)) as Effect.Effect<
      WebhookHttpEffect,
      never,
      XtopayClient | Scope.Scope
    >
    : Effect.succeed(app as WebhookHttpEffect)

/**
 * The client and control service over a fresh in-memory Xtopay. Client options that make no
 * client (a negative `maxRetries`, say) are a defect here, not a `ConfigError`: this is a test layer.
 *
 * @since 1.0.0
 */
export const XtopayTestWith = (options: XtopayTestOptions = {}): Layer.Layer<XtopayClient | XtopayControl> =>
  Layer.effectContext(
    Effect.gen(function*() {
      const webhookApp = options.webhookApp
      // The app needs the client, which needs the backend: deliveries wait for it (none is sent before).
      const ready = yield* Deferred.make<WebhookSender>()
      const sender: WebhookSender | undefined = webhookApp === undefined
        ? undefined
        : (delivery) => Effect.flatMap(Deferred.await(ready), (send) => send(delivery))
      const backend = yield* makeBackend({ ...options, webhookSender: sender })
      const httpClient = makeMemoryHttpClient(backend.handle, new URL(DEFAULT_BASE_URL).pathname)
      const client = yield* make({
        ...options,
        clientId: options.clientId ?? DEFAULT_ACCOUNT,
        clientSecret: options.clientSecret ?? Redacted.make("csk_test_default"),
        baseUrl: DEFAULT_BASE_URL
      }).pipe(Effect.provideService(HttpClient.HttpClient, httpClient), Effect.orDie)
      if (webhookApp !== undefined) {
        const app = yield* httpEffectOf(webhookApp).pipe(Effect.provideService(XtopayClient, client))
        yield* Deferred.succeed(ready, appSender(app, client))
      }
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
 * @since 1.0.0
 */
export const XtopayTest: Layer.Layer<XtopayClient | XtopayControl> = XtopayTestWith()
