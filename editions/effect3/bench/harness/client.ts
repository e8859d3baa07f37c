/**
 * The two sides of every comparison: the real client (`XtopayClient.layer` over
 * `FetchHttpClient.layer`, default retries and timeout) and hand-written `fetch` + `JSON.parse`
 * sending the same requests with the same headers.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import { Effect, Layer, ManagedRuntime, Redacted } from "effect"
import { XtopayClient } from "./sdk.js"

export const CLIENT_ID = "cid_test_default"
const CLIENT_SECRET = "csk_test_default"

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

/** The headers the client sends on every request. */
const headers = {
  authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`,
  accept: "application/json",
  "user-agent": "effect-xtopay-bench"
}

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text()
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text}`)
  return JSON.parse(text)
}

/** The baseline: one `fetch`, body read as text, `JSON.parse`. */
export const raw = {
  get: (url: string): Promise<unknown> => fetch(url, { headers }).then(readJson),
  post: (url: string, body: unknown, idempotencyKey: string): Promise<unknown> =>
    fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify(body)
    }).then(readJson)
}

/** The shape of a list page, as the baseline reads it (no schema). */
export interface RawPage {
  readonly data: ReadonlyArray<{ readonly id: string }>
  readonly pagination: { readonly has_more: boolean; readonly next_cursor: string | null }
}

/** The URL of one page of `GET /customers`. */
export const customersPageUrl = (baseUrl: string, limit: number, after: string | null): string =>
  `${baseUrl}/customers?limit=${limit}${after !== null ? `&after=${encodeURIComponent(after)}` : ""}`
