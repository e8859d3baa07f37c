/**
 * Which Effect an edition of effect-xtopay runs on, with no Effect in it: each edition is built
 * for one major of `effect` (0.x for Effect 3, 1.x for Effect 4), and npm's peer range refuses the
 * other one at install. Forced in anyway (`--force`, `--legacy-peer-deps`), the edition says which
 * edition to install, in these words, wherever its code runs before the wrong `effect` breaks it.
 */

/** The Effect majors an edition exists for, and how to install each edition. */
export const EDITIONS = {
  3: { range: "^0.1", install: "npm i effect-xtopay@^0.1 effect@^3.22 @effect/platform@^0.97" },
  4: { range: "^1", install: "npm i effect-xtopay@^1 effect@^4.1.5" }
} as const

/** An Effect major some edition is for. */
export type EffectMajor = keyof typeof EDITIONS

/** One edition: its package version and the Effect major it is for. */
export interface Edition {
  readonly version: string
  readonly effectMajor: EffectMajor
}

/** The major of a version (`3.22.5` → 3, `4.2.0-beta.1` → 4); undefined when it is not one. */
export const majorOf = (version: string): number | undefined => {
  const match = /^v?(\d+)\.\d+\.\d+(?:[-+].*)?$/.exec(version.trim())
  return match === null ? undefined : Number(match[1])
}

const howToInstall = (): string =>
  (Object.keys(EDITIONS) as Array<`${EffectMajor}`>)
    .map((major) => `\`effect-xtopay@${EDITIONS[major].range}\` (Effect ${major}: \`${EDITIONS[major].install}\`)`)
    .join(" or ")

/**
 * What to tell a project whose `effect` this edition cannot run on: `installed` is the version of
 * the `effect` the project resolves (null: none is installed; undefined: it could not be read).
 * Undefined when it is the edition's major, or a version this rule cannot read: the edition then
 * runs rather than refuse a project it cannot judge.
 */
export const editionMismatch = (edition: Edition, installed: string | null | undefined): string | undefined => {
  if (installed === undefined) return undefined
  const major = installed === null ? null : majorOf(installed)
  if (major === undefined || major === edition.effectMajor) return undefined
  const has = installed === null ? "has no `effect` installed" : `has effect ${installed}`
  return `this is effect-xtopay ${edition.version} for Effect ${edition.effectMajor}; your project ${has}. ` +
    `Install ${howToInstall()}.`
}

/** The part of Node's `require` the reader needs, given by a CommonJS module (core loads nothing itself). */
export interface RequireLike {
  (id: string): unknown
  readonly resolve: { readonly paths: (request: string) => ReadonlyArray<string> | null }
}

const versionIn = (manifest: unknown): string | undefined => {
  const version = typeof manifest === "object" && manifest !== null ? (manifest as { version?: unknown }).version : undefined
  return typeof version === "string" ? version : undefined
}

/**
 * The version of the `effect` that `load` (a module's `require`) finds, read from its package.json without loading
 * effect: `effect/package.json` (exported by 3.22 and 4.1), else the package's folder in each
 * place Node looks (a package.json read by path ignores `exports`). Null: none is installed;
 * undefined: one is there but its version cannot be read or its folder found.
 */
export const installedEffectVersion = (load: RequireLike): string | null | undefined => {
  let missing = false
  try {
    return versionIn(load("effect/package.json"))
  } catch (error) {
    // Not exported (then it is there), or not installed: look where Node would.
    missing = typeof error === "object" && error !== null && (error as { code?: unknown }).code === "MODULE_NOT_FOUND"
  }
  for (const folder of load.resolve.paths("effect") ?? []) {
    let manifest: unknown
    try {
      manifest = load(`${folder}/effect/package.json`)
    } catch {
      continue
    }
    return versionIn(manifest)
  }
  // A package there but in no folder (Yarn's Plug'n'Play has none) is not judged.
  return missing ? null : undefined
}
