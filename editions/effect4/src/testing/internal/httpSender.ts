/**
 * The mock server's webhook deliveries over real HTTP: each attempt signed with `Webhooks.sign`
 * (a fresh timestamp and signature every time, the same body) and POSTed with `fetch` to the
 * endpoint's URL, never following a redirect. The 10 s limit is the caller's (deliveries.ts).
 */
import { Effect, Redacted } from "effect"
import { sign } from "../../Webhooks.js"
import type { WebhookSender } from "./deliveries.js"

export const httpSender: WebhookSender = (delivery) =>
  Effect.flatMap(
    sign({ payload: delivery.body, secret: Redacted.make(delivery.secret) }),
    (headers) =>
      Effect.tryPromise({
        try: (signal) =>
          fetch(delivery.url, { method: "POST", headers, body: delivery.body, redirect: "manual", signal })
            .then(async (response) => ({ status: response.status, body: await response.text() })),
        // fetch's own error, whose cause chain holds the socket's code for core's classifyFailure.
        catch: (error) => error
      })
  )
