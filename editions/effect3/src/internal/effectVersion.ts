/**
 * The version of the `effect` an ES module build linked to, from effect's own version module:
 * no package.json read and nothing Node-only, so bundles for any runtime stay as they were. The
 * CommonJS build has its own (effectVersion.cjs.ts).
 */
import { getCurrentVersion } from "effect/ModuleVersion"

/** The linked `effect`'s version (null: none; undefined: unreadable), as core/edition.ts reads it. */
export const effectVersion = (): string | null | undefined => getCurrentVersion()

/** An ES module's imports all link before any of its code runs: the check waits for the first call. */
export const checkAtLoad: boolean = false
