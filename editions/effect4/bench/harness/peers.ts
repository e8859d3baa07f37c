/**
 * Every client of the peer comparison: the shared harness's clients without Effect (raw fetch,
 * raw `undici.request`, `node:http`, openai-node, stripe-node; `bench/peers.ts` at the
 * repository's root), and this edition's: `@effect/platform-node` 4's undici client alone, and
 * effect-xtopay over `XtopayLive`, over `XtopayNode` (when built) and over
 * `NodeHttpClient.layerUndici`. Each is built once (its connection pool warm after the warm-up)
 * and used as its README says.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as PlatformUndici from "@effect/platform-node/Undici"
import { Effect, Layer, ManagedRuntime } from "effect"
import type * as HttpClientError from "effect/http/HttpClientError"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import { randomUUID } from "node:crypto"
import OpenAI from "openai"
import Stripe from "stripe"
import * as undici from "undici"
import { type EditionPeer, makeRawPeers, type Peer, type PeerCalls } from "../../../../bench/peers.js"
import { createParams, HEADERS as headers, useEnvironment } from "../../../../bench/raw.js"
import { withoutPlatformSpans } from "./platform.js"
import { Customers, XtopayClient, XtopayLive, XtopayNode } from "./sdk.js"

export interface PeerClients {
  readonly calls: Partial<Record<Peer, PeerCalls>>
  readonly dispose: () => Promise<void>
}

/** Every client, pointed at the floor server `baseUrl` (`http://127.0.0.1:PORT/v1`) and asking for customer `id`. */
export const makePeers = (baseUrl: string, id: string): PeerClients => {
  const retrieveUrl = `${baseUrl}/customers/${id}`
  const createUrl = `${baseUrl}/customers`
  const rawPeers = makeRawPeers(baseUrl, id, { undici, OpenAI, Stripe })

  // The platform's undici client alone: the GET and POST the SDK sends, body read as text, JSON.parse.
  const platformDispatcher = new PlatformUndici.Agent({ connections: 128, keepAliveTimeout: 4_000 })
  const platform = withoutPlatformSpans(
    Effect.runSync(Effect.provideService(NodeHttpClient.makeUndici, NodeHttpClient.Dispatcher, platformDispatcher))
  )
  const platformCall = (request: HttpClientRequest.HttpClientRequest) =>
    Effect.runPromise(platform.execute(request).pipe(
      Effect.flatMap((response: HttpClientResponse.HttpClientResponse) => response.text),
      Effect.map((text) => JSON.parse(text) as unknown),
      Effect.mapError((error: HttpClientError.HttpClientError) => new Error(error.message))
    ))

  // XtopayLive and XtopayNode read the environment, as in production.
  useEnvironment(baseUrl)
  const live = ManagedRuntime.make(XtopayLive)
  const node = XtopayNode !== undefined ? ManagedRuntime.make(XtopayNode) : undefined
  const overLayerUndici = ManagedRuntime.make(
    XtopayClient.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
  )
  const sdk = (runtime: typeof live): PeerCalls => ({
    retrieve: () => runtime.runPromise(Customers.retrieve(id)),
    create: (i) => runtime.runPromise(Customers.create(createParams(i)))
  })

  const own: Partial<Record<EditionPeer, PeerCalls>> = {
    platformUndici: {
      retrieve: () => platformCall(HttpClientRequest.get(retrieveUrl, { headers })),
      create: (i) =>
        platformCall(HttpClientRequest.post(createUrl, { headers: { ...headers, "idempotency-key": `bench-${randomUUID()}` } }).pipe(
          HttpClientRequest.bodyText(JSON.stringify(createParams(i)), "application/json")
        ))
    },
    xtopayLive: sdk(live),
    ...(node !== undefined ? { xtopayNode: sdk(node) } : {}),
    xtopayLayerUndici: sdk(overLayerUndici)
  }
  return {
    calls: { ...rawPeers.calls, ...own },
    dispose: async () => {
      await Promise.all([live.dispose(), node?.dispose(), overLayerUndici.dispose()])
      await Promise.all([rawPeers.dispose(), platformDispatcher.destroy()])
    }
  }
}
