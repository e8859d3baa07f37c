/**
 * Deliveries in process: each one is signed (now, on the `Clock`), made a real
 * `HttpServerRequest` (from a web `Request` for the endpoint's URL) and run through the user's
 * app, with the test's `XtopayClient` in context so that `Webhooks.handler` verifies with the same
 * secret the fake signed with.
 */
import type * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServerError from "effect/http/HttpServerError"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import { Effect, type Layer, Redacted, type Scope } from "effect"
import { sign } from "../../Webhooks.js"
import { XtopayClient } from "../../XtopayClient.js"
import type { WebhookSender } from "./deliveries.js"

/**
 * An app deliveries can reach: Effect 4's form of an HTTP app (what `HttpRouter.toHttpEffect`
 * gives, or `Webhooks.handler(f)` itself), with the test's `XtopayClient` provided per request.
 */
export type WebhookHttpEffect = Effect.Effect<
  HttpServerResponse.HttpServerResponse,
  unknown,
  HttpServerRequest.HttpServerRequest | Scope.Scope | XtopayClient
>

/**
 * A router's routes as a layer (`HttpRouter.add("POST", "/webhooks/xtopay", Webhooks.handler(f))`),
 * whose handlers may need the `XtopayClient`: the test builds the router from it.
 */
export type WebhookRouterLayer = Layer.Layer<
  never,
  unknown,
  | HttpRouter.HttpRouter
  | HttpRouter.Request<"Requires", XtopayClient>
  | HttpRouter.Request<"Error", unknown>
>

/** The sender that posts each delivery to `app`, as a server would answer it (404 for no route, 500 for a failure). */
export const appSender = (app: WebhookHttpEffect, client: XtopayClient.Service): WebhookSender => (delivery) =>
  Effect.gen(function*() {
    // A fresh timestamp and signature for every attempt, the same body.
    const headers = yield* sign({ payload: delivery.body, secret: Redacted.make(delivery.secret) })
    const request = HttpServerRequest.fromWeb(
      new Request(delivery.url, { method: "POST", headers, body: delivery.body })
    )
    const response = yield* app.pipe(
      Effect.provideService(HttpServerRequest.HttpServerRequest, request),
      Effect.provideService(XtopayClient, client),
      Effect.scoped,
      Effect.catchCause((cause) => Effect.map(HttpServerError.causeResponse(cause), ([answer]) => answer))
    )
    const web = HttpServerResponse.toWeb(response)
    return { status: web.status, body: yield* Effect.promise(() => web.text()) }
  })
