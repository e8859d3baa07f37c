/**
 * Deliveries in process: each one becomes a real `HttpServerRequest` (from a web `Request` for
 * the endpoint's URL) run through the user's `HttpApp`, with the test's `XtopayClient` in context
 * so that `Webhooks.handler` verifies with the same secret the fake signed with.
 */
import type * as HttpApp from "@effect/platform/HttpApp"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import { Cause, Effect, type Scope } from "effect"
import { XtopayClient } from "../../XtopayClient.js"
import type { WebhookSender } from "./deliveries.js"

/** An app that fails answers as a server would: 404 for an unknown route, 500 otherwise. */
const failureStatus = (cause: Cause.Cause<unknown>): number => {
  const failure = Cause.failureOption(cause)
  const error = failure._tag === "Some" ? failure.value : undefined
  return typeof error === "object" && error !== null && (error as { _tag?: unknown })._tag === "RouteNotFound" ? 404 : 500
}

export const appSender = (
  app: HttpApp.Default<unknown, XtopayClient | Scope.Scope>,
  client: XtopayClient.Service
): WebhookSender =>
(delivery) =>
  Effect.gen(function*() {
    const request = HttpServerRequest.fromWeb(
      new Request(delivery.url, { method: "POST", headers: delivery.headers, body: delivery.body })
    )
    const response = yield* app.pipe(
      Effect.provideService(HttpServerRequest.HttpServerRequest, request),
      Effect.provideService(XtopayClient, client),
      Effect.scoped,
      Effect.catchAllCause((cause) => Effect.succeed(HttpServerResponse.empty({ status: failureStatus(cause) })))
    )
    const web = HttpServerResponse.toWeb(response)
    return { status: web.status, body: yield* Effect.promise(() => web.text()) }
  })
