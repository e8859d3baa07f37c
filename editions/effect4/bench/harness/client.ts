/**
 * The client's side of every comparison: the real client (`XtopayClient.layer` over
 * `FetchHttpClient.layer`, default retries and timeout), and `effect/http`'s `FetchHttpClient`
 * alone. The other side, hand-written `fetch` + `JSON.parse`, is the shared harness's
 * (`bench/raw.ts` at the repository's root).
 */
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import { CLIENT_ID, CLIENT_SECRET, HEADERS as headers } from "../../../../bench/raw.js"
import { withoutPlatformSpans } from "./platform.js"
import { XtopayClient } from "./sdk.js"

/** A runtime holding the real client pointed at `baseUrl`: `runtime.runPromise(Customers.retrieve(id))`. */
export const clientRuntime = (baseUrl: string) =>
  ManagedRuntime.make(
    XtopayClient.layer({ clientId: CLIENT_ID, clientSecret: Redacted.make(CLIENT_SECRET), baseUrl }).pipe(
      Layer.provide(FetchHttpClient.layer)
    )
  )

/**
 * The floor under the SDK: the same GET through `effect/http`'s `FetchHttpClient` alone, as the
 * SDK uses it (its span off), body read as text, `JSON.parse`. No SDK code runs.
 */
export const platformAlone = () => {
  const runtime = ManagedRuntime.make(FetchHttpClient.layer)
  const get = (url: string): Promise<unknown> =>
    runtime.runPromise(
      Effect.flatMap(HttpClient.HttpClient, (client) =>
        withoutPlatformSpans(client).get(url, { headers }).pipe(
          Effect.flatMap((response) => response.text),
          Effect.map((text) => JSON.parse(text) as unknown)
        ))
    )
  return { get, dispose: () => runtime.dispose() }
}
