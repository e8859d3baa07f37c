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

/** `@effect/platform-node`, the optional peer of `effect-xtopay/node`, of the mock server and of `layerRedis`. */
export const platformNodePeer: OptionalPeer = { name: "@effect/platform-node", range: "^4.1.5" }

/** `redis` (node-redis), the optional peer of `XtopayRateLimit.layerRedis` (through `@effect/platform-node`'s `NodeRedis`). */
export const redisPeer: OptionalPeer = { name: "redis", range: "^5.1.0" }

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
    `beside effect: npm install ${installFlags === "" ? "" : `${installFlags} `}${specs}`
}

/** Is `error` Node failing to find the package `peer`? */
export const isMissingPeer = (peer: OptionalPeer, error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  const message = (error as { message?: unknown } | null)?.message
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    // The package quoted whole or by a subpath, not a package whose name merely contains it.
    typeof message === "string" && (message.includes(`'${peer.name}'`) || message.includes(`'${peer.name}/`))
}

/**
 * Imports modules of one of `peers`; dies with the message of the first peer found missing, and
 * with the error itself for any other failure.
 */
export const importOptionalPeers = <A>(
  peers: ReadonlyArray<readonly [OptionalPeer, string]>,
  load: () => Promise<A>
): Effect.Effect<A> =>
  Effect.tryPromise({ try: load, catch: (error) => error }).pipe(
    Effect.catch((error) => {
      const missing = peers.find(([peer]) => isMissingPeer(peer, error))
      return missing !== undefined ? Effect.die(new Error(missing[1])) : Effect.die(error)
    })
  )

/** Imports modules of `peer`; dies with `message` when it is not installed, and with the error itself otherwise. */
export const importOptionalPeer = <A>(peer: OptionalPeer, message: string, load: () => Promise<A>): Effect.Effect<A> =>
  importOptionalPeers([[peer, message]], load)
