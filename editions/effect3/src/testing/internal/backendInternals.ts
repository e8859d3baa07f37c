/**
 * What `makeBackend` keeps off the public `Backend` type for the package's own use: the hosted
 * pages' view (the mock server serves it) and the fault queue (the in-memory transport asks it
 * whether an answer can be held back).
 */
import type { FaultQueue } from "./faults.js"
import type { Hosted } from "./hosted.js"

export interface BackendInternals {
  readonly hosted: Hosted
  readonly faults: FaultQueue
}

const registry = new WeakMap<object, BackendInternals>()

/** Ties a backend to its internals. */
export const registerInternals = (backend: object, internals: BackendInternals): void => {
  registry.set(backend, internals)
}

/** The internals of a backend made by `makeBackend` (undefined for any other `Backend`). */
export const internalsOf = (backend: object): BackendInternals | undefined => registry.get(backend)
