/**
 * The client for Node servers: `XtopayLive`'s configuration over `@effect/platform-node`'s undici
 * client, with a keep-alive connection pool of its own. Node only: it needs the optional peer
 * dependency `@effect/platform-node` (`npm install @effect/platform-node@^0.108`). Import it from
 * `effect-xtopay/node`.
 *
 * @module effect-xtopay/node
 * @since 0.1.0
 */
import "./internal/edition.js" // first of all: a wrong major of effect is named before anything loads it
import * as HttpClient from "@effect/platform/HttpClient"
import type { ConfigError } from "effect"
import { Duration, Effect, Layer } from "effect"
import { importOptionalPeer, missingPeerMessage, platformNodePeer } from "./internal/optionalPeer.js"
import { makeUndiciClient } from "./internal/undiciClient.js"
import { XtopayClient } from "./XtopayClient.js"

/**
 * The connection pool under `XtopayNode`'s `HttpClient`.
 *
 * @since 0.1.0
 */
export interface NodeHttpClientOptions {
  /**
   * The most sockets open to one origin at once; calls beyond it wait for a free one (inside their
   * timeout). Default 128: a server calling Xtopay 64 at a time keeps every call on its own socket.
   */
  readonly connections?: number | undefined
  /** How long an idle socket is kept open for the next call. Default 4 seconds (under the common 5 s of servers). */
  readonly keepAlive?: Duration.DurationInput | undefined
}

/**
 * What `effect-xtopay/node` says when `@effect/platform-node` is not installed.
 *
 * @since 0.1.0
 */
export const missingPlatformNodeMessage: string = missingPeerMessage(platformNodePeer, "effect-xtopay/node (XtopayNode)")

// Loaded lazily so that a missing optional peer dependency is reported in plain words.
const platformNode = importOptionalPeer(
  platformNodePeer,
  missingPlatformNodeMessage,
  () =>
    Promise.all([import("@effect/platform-node/Undici"), import("@effect/platform-node/NodeStream")]).then((
      [Undici, NodeStream]
    ) => ({ Undici, NodeStream }))
)

const DEFAULT_CONNECTIONS = 128
const DEFAULT_KEEP_ALIVE = Duration.seconds(4)

/**
 * The platform's `HttpClient` over undici, with a keep-alive pool of its own, closed when the layer
 * is released. undici never follows a redirect here (it has no redirect interceptor), so the client
 * sees every 3xx and refuses it. The client's per-attempt timeout covers the body: when it runs out
 * the attempt is interrupted, and interrupting the request or its body read aborts the undici
 * request. It is built with `HttpClient.makeWith` rather than `NodeHttpClient.layerUndici`, for
 * less CPU per call (docs/performance.md); with the tracer on for a request it goes through
 * `HttpClient.make`, and so keeps the platform's `http.client` span.
 *
 * Dies with `missingPlatformNodeMessage` when `@effect/platform-node` is not installed.
 *
 * @example
 * import { Customers, XtopayClient } from "effect-xtopay"
 * import { layerHttpClient } from "effect-xtopay/node"
 * import { Layer, Redacted } from "effect"
 *
 * const Shop = XtopayClient.layer({
 *   clientId: "cid_live_shop",
 *   clientSecret: Redacted.make(process.env.SHOP_SECRET ?? ""),
 *   maxRetries: 3
 * }).pipe(Layer.provide(layerHttpClient({ connections: 32 })))
 *
 * @since 0.1.0
 */
export const layerHttpClient = (options: NodeHttpClientOptions = {}): Layer.Layer<HttpClient.HttpClient> =>
  Layer.scoped(
    HttpClient.HttpClient,
    Effect.flatMap(platformNode, ({ NodeStream, Undici }) =>
      Effect.map(
        Effect.acquireRelease(
          Effect.sync(() =>
            new Undici.Agent({
              connections: options.connections ?? DEFAULT_CONNECTIONS,
              keepAliveTimeout: Duration.toMillis(options.keepAlive ?? DEFAULT_KEEP_ALIVE)
            })
          ),
          // destroy, not close: a call still running when the layer goes is cut off, not awaited.
          (agent) => Effect.promise(() => agent.destroy())
        ),
        (agent) => makeUndiciClient(agent, NodeStream)
      ))
  )

/**
 * The client for Node servers: like `XtopayLive`, configured from `XTOPAY_CLIENT_ID`,
 * `XTOPAY_CLIENT_SECRET` (redacted) and `XTOPAY_BASE_URL`, but over undici
 * (`layerHttpClient()`) rather than `fetch`: the same refusal of redirects and the same
 * body-covering timeout, with less CPU per call. Its only error is a `ConfigError`.
 *
 * Dies with `missingPlatformNodeMessage` when `@effect/platform-node` is not installed.
 *
 * @example
 * import { Customers } from "effect-xtopay"
 * import { XtopayNode } from "effect-xtopay/node"
 * import { Effect } from "effect"
 *
 * Effect.runPromise(Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(XtopayNode)))
 *
 * @since 0.1.0
 */
export const XtopayNode: Layer.Layer<XtopayClient, ConfigError.ConfigError> = XtopayClient.layerConfig().pipe(
  Layer.provide(layerHttpClient())
)
