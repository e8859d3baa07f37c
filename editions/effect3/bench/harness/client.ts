/**
 * The client's side of every comparison: the real client (`XtopayClient.layer` over
 * `FetchHttpClient.layer`, default retries and timeout), and the platform's `HttpClient` alone.
 * The other side, hand-written `fetch` + `JSON.parse`, is the shared harness's (`bench/raw.ts`).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { CLIENT_ID, CLIENT_SECRET, HEADERS as headers } from "../../../../bench/raw.js"
import { XtopayClient } from "./sdk.js"

/** A runtime holding the real client pointed at `baseUrl`: `runtime.runPromise(Customers.retrieve(id))`. */
export const clientRuntime = (baseUrl: string) =>
  ManagedRuntime.make(
    XtopayClient.layer({ clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET), baseUrl }).pipe(
      Layer.provide(FetchHttpClient.layer)
    )
  )

/**
 * The floor under the SDK: the same GET through `@effect/platform`'s `FetchHttpClient` alone, as
 * the SDK uses it (its own span off), body read as text, `JSON.parse`. No SDK code runs.
 */
export const platformAlone = () => {
  const runtime = ManagedRuntime.make(FetchHttpClient.layer)
  const get = (url: string): Promise<unknown> =>
    runtime.runPromise(
      HttpClient.HttpClient.pipe(
        Effect.map(HttpClient.withTracerDisabledWhen(() => true)),
        Effect.flatMap((client) => client.get(url, { headers })),
        Effect.flatMap((response) => response.text),
        Effect.map((text) => JSON.parse(text) as unknown)
      )
    )
  return { get, dispose: () => runtime.dispose() }
}
