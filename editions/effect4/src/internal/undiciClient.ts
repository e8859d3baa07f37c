/**
 * `XtopayNode`'s transport: `@effect/platform-node`'s undici `HttpClient` (`makeUndici`) over an
 * undici `Agent` of its own. Effect 4's `HttpClient.make`, under `makeUndici`, already aborts the
 * request when its send or a body read is interrupted (the request path's timeout does that), and
 * when an unread response is collected; undici's `request` follows no redirect, so the client sees
 * every 3xx and refuses it. Timeouts are the request path's (`makeUndici` turns undici's off).
 */
import type * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, type Scope } from "effect"
import type * as HttpClient from "effect/http/HttpClient"

/** `@effect/platform-node/NodeHttpClient`, loaded with the optional peer. */
export type NodeHttpClientModule = typeof NodeHttpClient

/** The pool as undici takes it. */
export interface UndiciPool {
  /** The most sockets open to one origin at once. */
  readonly connections: number
  /** How long an idle socket is kept, in milliseconds. */
  readonly keepAliveMillis: number
}

/** The platform's undici `HttpClient` over a new `Agent`, destroyed (calls cut off, not awaited) when `scope` closes. */
export const makeUndiciClient = (
  platform: NodeHttpClientModule,
  pool: UndiciPool
): Effect.Effect<HttpClient.HttpClient, never, Scope.Scope> =>
  Effect.flatMap(
    platform.makeDispatcherOptions({ connections: pool.connections, keepAliveTimeout: pool.keepAliveMillis }),
    (dispatcher) => Effect.provideService(platform.makeUndici, platform.Dispatcher, dispatcher)
  )
