/**
 * An edition as `npm publish` would ship it, for the package tests of both editions: the files
 * `npm pack` reads are copied to <edition>/.tmp/package/<content hash>/, built and packed there. The
 * repository's own dist/ is never touched, so these tests can run beside anything else; test files
 * running at the same time share one build through a lock, and an unchanged source is not built
 * again.
 */
import { createHash } from "node:crypto"
import { cp, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { npm, run } from "./run.js"

/** The repository: core/, README.md and docs/. */
export const repoRoot = fileURLToPath(new URL("..", import.meta.url))

/** A packed tarball and the paths inside it (relative to the package root). */
export interface Packed {
  readonly tarball: string
  readonly files: ReadonlyArray<string>
}

/** `npm pack` in `cwd` (its `prepack` builds), into `destination`. */
export const pack = async (cwd: string, destination: string): Promise<Packed> => {
  await mkdir(destination, { recursive: true })
  const result = await run(npm, ["pack", "--json", "--pack-destination", destination], { cwd })
  if (result.code !== 0) throw new Error(`npm pack failed in ${cwd}:\n${result.stderr}${result.stdout}`)
  // The build's output precedes npm's JSON on stdout; the JSON array is the last thing printed.
  const start = result.stdout.startsWith("[") ? 0 : result.stdout.lastIndexOf("\n[") + 1
  const [info] = JSON.parse(result.stdout.slice(start)) as ReadonlyArray<
    { readonly filename: string; readonly files: ReadonlyArray<{ readonly path: string }> }
  >
  if (info === undefined) throw new Error(`npm pack printed no file name:\n${result.stdout}`)
  return { tarball: join(destination, info.filename), files: info.files.map((file) => file.path) }
}

/** What an edition's build and `npm pack` read, in the edition (the copy keeps the repository's layout). */
const EDITION_INPUTS = [
  "package.json",
  "tsconfig.json",
  "tsconfig.build.json",
  "tsconfig.build.cjs.json",
  "tsconfig.core.json",
  "tsconfig.core.cjs.json",
  "scripts",
  "src",
  "bin"
]
/** …and in the repository: core, the root's build and package-docs scripts, the docs prepack brings in. */
const REPOSITORY_INPUTS = ["core", "scripts", "docs", "README.md", "LICENSE"]

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false)

const filesUnder = async (path: string): Promise<Array<string>> => {
  if (!(await exists(path))) return []
  if (!(await stat(path)).isDirectory()) return [path]
  const entries = await readdir(path, { withFileTypes: true })
  const nested = await Promise.all(entries.map((entry) => filesUnder(join(path, entry.name))))
  return nested.flat()
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

/** The packing of one edition (`editionRoot`, its folder), and whether the registry its tests install from answers. */
export const packedEdition = (editionRoot: string) => {
  const edition = relative(repoRoot, editionRoot)
  const inputs = [...EDITION_INPUTS.map((input) => join(edition, input)), ...REPOSITORY_INPUTS]

  const contentHash = async (): Promise<string> => {
    const hash = createHash("sha256")
    const files = (await Promise.all(inputs.map((input) => filesUnder(join(repoRoot, input))))).flat().sort()
    for (const file of files) hash.update(relative(repoRoot, file)).update("\0").update(await readFile(file)).update("\0")
    return hash.digest("hex").slice(0, 16)
  }

  const packOnce = async (): Promise<Packed> => {
    const base = join(editionRoot, ".tmp", "package")
    await mkdir(base, { recursive: true })
    const hash = await contentHash()
    const directory = join(base, hash)
    const done = join(directory, "packed.json")
    return withLock(join(base, `${hash}.lock`), async () => {
      if (await exists(done)) return JSON.parse(await readFile(done, "utf8")) as Packed
      await rm(directory, { recursive: true, force: true })
      for (const input of inputs) {
        if (await exists(join(repoRoot, input))) await cp(join(repoRoot, input), join(directory, input), { recursive: true })
      }
      // The copy's build reaches the edition's own dependencies (its tsconfig maps some types to ./node_modules).
      await symlink(join(editionRoot, "node_modules"), join(directory, edition, "node_modules"), "dir")
      // `npm pack` runs `prepack`, which builds and brings in the repository's README.md and docs/.
      const result = await pack(join(directory, edition), join(directory, "out"))
      await writeFile(done, JSON.stringify(result))
      await removeOldBuilds(base, hash)
      return result
    })
  }

  let current: Promise<Packed> | undefined
  return {
    /** Builds and packs the source (once per content hash; once per test file, even while it changes). */
    packed: (): Promise<Packed> => (current ??= packOnce()),
    /** Is the npm registry reachable from here? (The install tests fetch from it.) */
    registryReachable: async (): Promise<boolean> =>
      (await run(npm, ["ping", "--fetch-timeout=10000", "--fetch-retries=0"], { cwd: editionRoot })).code === 0
  }
}
