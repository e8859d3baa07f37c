/**
 * The CommonJS build's effectVersion.ts (scripts/build-edition.mjs puts it in its place in
 * dist/cjs): the installed `effect`'s version, read from its package.json before anything requires
 * effect, since a wrong one breaks at its first require, far from saying why.
 */
import { installedEffectVersion } from "#core/edition.js"

const installed = installedEffectVersion(require)

/** The installed `effect`'s version (null: none; undefined: unreadable), as core/edition.ts reads it. */
export const effectVersion = (): string | null | undefined => installed

/** CommonJS runs each require in order, and edition.ts is every entry point's first: check at once. */
export const checkAtLoad: boolean = true
