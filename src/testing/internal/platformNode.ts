/**
 * Loading `@effect/platform-node`, the mock server's optional peer dependency, so that a missing
 * install is reported in plain words rather than as a module-resolution stack trace.
 */
import { Effect } from "effect"

/** What to tell a user who lacks `@effect/platform-node`. */
export const missingPlatformNodeMessage = "The Xtopay mock server needs the optional peer dependency " +
  "@effect/platform-node (^0.108). Install it beside effect and @effect/platform: " +
  "npm install --save-dev @effect/platform-node"

/** Is `error` Node failing to find `@effect/platform-node`? */
export const isMissingPlatformNode = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code
  const message = (error as { message?: unknown } | null)?.message
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    typeof message === "string" && message.includes("@effect/platform-node")
}

/** Imports a module of `@effect/platform-node`; dies with `missingPlatformNodeMessage` when it is not installed. */
export const importPlatformNode = <A>(load: () => Promise<A>): Effect.Effect<A> =>
  Effect.tryPromise({ try: load, catch: (error) => error }).pipe(
    Effect.catchAll((error) =>
      isMissingPlatformNode(error) ? Effect.dieMessage(missingPlatformNodeMessage) : Effect.die(error)
    )
  )
