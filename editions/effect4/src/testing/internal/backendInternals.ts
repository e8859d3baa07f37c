/**
 * What `makeBackend` keeps off the public `Backend` type for the package's own use: the hosted
 * pages (the mock server serves them, on its own origin) and where links point.
 */
import type { Effect } from "effect"
import type { WireAnswer, WireRequest } from "../wire.js"

export interface BackendInternals {
  /** The hosted pages' handler, for a whole path such as `/setup/tok_…`. */
  readonly pages: (request: WireRequest) => Effect.Effect<WireAnswer>
  /** Links made from now on point below `origin`. */
  readonly useOrigin: (origin: string) => void
}

// A WeakMap, so a backend's internals go when it does.
const registry = new WeakMap<object, BackendInternals>()

/** Ties a backend to its internals. */
export const registerInternals = (backend: object, internals: BackendInternals): void => {
  registry.set(backend, internals)
}

/** The internals of a backend made by `makeBackend` (undefined for any other `Backend`). */
export const internalsOf = (backend: object): BackendInternals | undefined => registry.get(backend)
