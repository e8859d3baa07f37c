/**
 * Loading `@effect/platform-node`, the mock server's optional peer dependency, through the one
 * optional-peer mechanism (src/internal/optionalPeer.ts), with the mock server's message.
 */
import type { Effect } from "effect"
import { importOptionalPeer, isMissingPeer, missingPeerMessage, platformNodePeer } from "../../internal/optionalPeer.js"

/** What to tell a user who lacks `@effect/platform-node`. */
export const missingPlatformNodeMessage = missingPeerMessage(platformNodePeer, "The Xtopay mock server", "--save-dev")

/** Is `error` Node failing to find `@effect/platform-node`? */
export const isMissingPlatformNode = (error: unknown): boolean => isMissingPeer(platformNodePeer, error)

/** Imports a module of `@effect/platform-node`; dies with `missingPlatformNodeMessage` when it is not installed. */
export const importPlatformNode = <A>(load: () => Promise<A>): Effect.Effect<A> =>
  importOptionalPeer(platformNodePeer, missingPlatformNodeMessage, load)
