/**
 * Loading an optional peer dependency lazily, so that a missing install is reported in plain words
 * (what to install, with its version) rather than as a module-resolution stack trace.
 */
import { Effect } from "effect"

/** An optional peer: its package name and the version range this package pairs with. */
export interface OptionalPeer {
  readonly name: string
  readonly range: string
}

/** `@effect/platform-node`, the optional peer of `effect-xtopay/node` and of the mock server. */
export const platformNodePeer: OptionalPeer = { name: "@effect/platform-node", range: "^0.108" }

/** `@effect/experimental`, the optional peer of `effect-xtopay/rate-limit` (its `RateLimiter`). */
export const experimentalPeer: OptionalPeer = { name: "@effect/experimental", range: "^0.61" }

/** `ioredis`, the optional peer of `XtopayRateLimit.layerRedis` (the RateLimiter's Redis store). */
export const ioredisPeer: OptionalPeer = { name: "ioredis", range: "^5" }

/** What to tell a user who lacks `peer`: who needs it, and the exact command that installs it. */
export const missingPeerMessage = (peer: OptionalPeer, neededBy: string, installFlags = ""): string =>
  missingPeersMessage([peer], neededBy, installFlags)

/** `missingPeerMessage` for a function that needs several optional peers: one command installs them all. */
export const missingPeersMessage = (
  peers: readonly [OptionalPeer, ...ReadonlyArray<OptionalPeer>],
  neededBy: string,
  installFlags = ""
): string => {
  const named = peers.map((peer) => `${peer.name} (${peer.range})`)
  const list = named.length === 1 ? named[0] : `${named.slice(0, -1).join(", ")} and ${named[named.length - 1]}`
  const dependencies = peers.length === 1 ? "dependency" : "dependencies"
  const specs = peers.map((peer) => `${peer.name}@${peer.range}`).join(" ")
  return `${neededBy} needs the optional peer ${dependencies} ${list}. Install ${peers.length === 1 ? "it" : "them"} ` +
    `beside effect and @effect/platform: npm install ${installFlags === "" ? "" : `${installFlags} `}${specs}`
}

/** Is `error` Node failing to find the package `peer`? */
export const isMissingPeer = (peer: OptionalPeer, error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  const message = (error as { message?: unknown } | null)?.message
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    typeof message === "string" && message.includes(peer.name)
}

/** Imports modules of `peer`; dies with `message` when it is not installed, and with the error itself otherwise. */
export const importOptionalPeer = <A>(peer: OptionalPeer, message: string, load: () => Promise<A>): Effect.Effect<A> =>
  Effect.tryPromise({ try: load, catch: (error) => error }).pipe(
    Effect.catchAll((error) => isMissingPeer(peer, error) ? Effect.dieMessage(message) : Effect.die(error))
  )
