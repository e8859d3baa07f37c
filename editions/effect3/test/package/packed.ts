/**
 * The package as `npm publish` would ship it, for the package tests: the files `npm pack` reads
 * are copied to .tmp/package/<content hash>/, built and packed there. The repository's own dist/ is
 * never touched, so these tests can run beside anything else; test files running at the same time
 * share one build through a lock, and an unchanged source is not built again.
 */
import { createHash } from "node:crypto"
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { pack, type Packed } from "../../scripts/check-package.js"
import { npm, run } from "../../../../scripts/run.js"

/** This edition. */
export const root = fileURLToPath(new URL("../..", import.meta.url))
/** The repository: core/, README.md and docs/. */
export const repoRoot = fileURLToPath(new URL("../../../..", import.meta.url))
const EDITION = relative(repoRoot, root)

/** What the build and `npm pack` read, relative to the repository (the copy keeps its layout). */
const INPUTS = [
  ...[
    "package.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "tsconfig.build.cjs.json",
    "tsconfig.core.json",
    "tsconfig.core.cjs.json",
    "scripts",
    "src",
    "bin"
  ].map((input) => join(EDITION, input)),
  "core",
  // The root's build and package-docs scripts, which the edition's build and prepack run.
  "scripts",
  "docs",
  "README.md",
  "LICENSE"
]

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false)

const filesUnder = async (path: string): Promise<Array<string>> => {
  if (!(await exists(path))) return []
  if (!(await stat(path)).isDirectory()) return [path]
  const entries = await readdir(path, { withFileTypes: true })
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry.name))))
  return nested.flat()
}

const contentHash = async (): Promise<string> => {
  const hash = createHash("sha256")
  const files = (await Promise.all(INPUTS.map((input) => filesUnder(join(repoRoot, input))))).flat().sort()
  for (const file of files) {
    hash.update(relative(repoRoot, file)).update("\0").update(await readFile(file)).update("\0")
  }
  return hash.digest("hex").slice(0, 16)
}

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** Holds a directory lock (mkdir is atomic) while `f` runs; a lock older than 10 minutes is stale. */
const withLock = async <A>(lock: string, f: () => Promise<A>): Promise<A> => {
  for (;;) {
    try {
      await mkdir(lock)
      break
    } catch {
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0)
      if (age > 10 * 60_000) await rm(lock, { recursive: true, force: true })
      else await sleep(250)
    }
  }
  try {
    return await f()
  } finally {
    await rm(lock, { recursive: true, force: true })
  }
}

/** Builds of earlier sources, an hour old or more (a younger one may be in use by another run). */
const removeOldBuilds = async (base: string, keep: string): Promise<void> => {
  for (const entry of await readdir(base)) {
    const path = join(base, entry)
    const age = await stat(path).then((s) => Date.now() - s.mtimeMs, () => 0)
    if (entry !== keep && !entry.endsWith(".lock") && age > 60 * 60_000) await rm(path, { recursive: true, force: true })
  }
}

let current: Promise<Packed> | undefined

/** Builds and packs the source (once per content hash; once per test file, even while it changes). */
export const packed = (): Promise<Packed> => (current ??= packOnce())

const packOnce = async (): Promise<Packed> => {
  const base = join(root, ".tmp", "package")
  await mkdir(base, { recursive: true })
  const hash = await contentHash()
  const directory = join(base, hash)
  const done = join(directory, "packed.json")
  return withLock(join(base, `${hash}.lock`), async () => {
    if (await exists(done)) return JSON.parse(await readFile(done, "utf8")) as Packed
    await rm(directory, { recursive: true, force: true })
    for (const input of INPUTS) {
      if (await exists(join(repoRoot, input))) await cp(join(repoRoot, input), join(directory, input), { recursive: true })
    }
    // `npm pack` runs `prepack`, which builds and brings in the repository's README.md and docs/.
    const result = await pack(join(directory, EDITION), join(directory, "out"))
    await writeFile(done, JSON.stringify(result))
    await removeOldBuilds(base, hash)
    return result
  })
}

/** Is the npm registry reachable from here? (The smoke test installs from it.) */
export const registryReachable = async (): Promise<boolean> => {
  const result = await run(npm, ["ping", "--fetch-timeout=10000", "--fetch-retries=0"], { cwd: root })
  return result.code === 0
}
