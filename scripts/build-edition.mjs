// `npm run build` of an edition: `node ../../scripts/build-edition.mjs <edition folder>` (default:
// the current folder). One source, two module formats: `dist/esm` is ESM (the package is
// `"type": "module"`); `dist/cjs` is CommonJS, marked so by its own `package.json`. Each holds its
// own `.d.ts` files, so `import` and `require` users each get the types of the format they load.
// The repository's core/ is compiled into each (`dist/esm/core`, `dist/cjs/core`), and the
// edition's `#core/…` specifiers (a tsconfig path) become relative ones to it: the tarball carries
// core, resolvable by Node, bundlers and type checkers alike, and no copy is kept in the edition.
// What differs per edition (Effect 4's CommonJS type mapping, say) lives in its tsconfig.*.json.
import { spawn } from "node:child_process"
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, join, relative, resolve, sep } from "node:path"

const edition = resolve(process.argv[2] ?? ".")
// The edition's own TypeScript: each edition pins its compiler in its own lockfile.
const tsc = createRequire(join(edition, "package.json")).resolve("typescript/bin/tsc")

/** Runs tsc on one of the edition's projects, its output passed through. */
const compile = (project) =>
  new Promise((done, fail) => {
    const child = spawn(process.execPath, [tsc, "-p", project], { cwd: edition, stdio: ["ignore", "inherit", "inherit"] })
    child.on("error", fail)
    child.on("close", (code) => code === 0 ? done() : fail(new Error(`tsc -p ${project} failed in ${edition}`)))
  })

/** Every file under `dir`. */
const filesUnder = async (dir) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))

/** `"#core/api.js"` → `"../core/api.js"`, relative to each emitted file of `format`'s output. */
const linkCore = async (format) => {
  const out = join(edition, "dist", format)
  const core = join(out, "core")
  for (const file of await filesUnder(out)) {
    if (file.startsWith(core) || !/\.(js|d\.ts)$/.test(file)) continue
    const text = await readFile(file, "utf8")
    if (!text.includes("#core/") && !text.includes(`dist/${format}/core/`)) continue
    const to = relative(dirname(file), core).split(sep).join("/")
    const link = (_, quote, path) => `${quote}${to.startsWith(".") ? to : `./${to}`}/${path}${quote}`
    // Declarations also name core in inline `import("…")` types, by a path tsc computed from the
    // source file's folder (`../../dist/esm/core/enums.js` from src/internal): relink those too.
    const relinked = text
      .replace(/(["'])#core\/([^"']+)\1/g, link)
      .replace(new RegExp(`(["'])(?:\\.\\.?/)+dist/${format}/core/([^"']+)\\1`, "g"), link)
    await writeFile(file, relinked)
  }
}

/**
 * A module's CommonJS twin, `src/…/name.cjs.ts` beside `src/…/name.ts`, is what dist/cjs holds under
 * `name` (with its declarations and maps); dist/esm drops it. For the little that must differ by
 * format: the edition check reads effect's package.json with `require`, which an ES module has not
 * and a bundler would pull into a browser bundle.
 */
const placeTwins = async () => {
  const twin = /^(.*)\.cjs(\.js|\.d\.ts)(\.map)?$/
  for (const format of ["esm", "cjs"]) {
    for (const file of await filesUnder(join(edition, "dist", format))) {
      const match = twin.exec(file)
      if (match === null) continue
      if (format === "esm") {
        await rm(file)
        continue
      }
      const [, stem, kind, map] = match
      const base = stem.slice(stem.lastIndexOf(sep) + 1)
      const text = await readFile(file, "utf8")
      // A map names its output file; the output names its map on its last line.
      const renamed = map === undefined
        ? text.replace(`sourceMappingURL=${base}.cjs${kind}.map`, `sourceMappingURL=${base}${kind}.map`)
        : text.replace(`"file":"${base}.cjs${kind}"`, `"file":"${base}${kind}"`)
      await writeFile(file, renamed)
      await rename(file, `${stem}${kind}${map ?? ""}`)
    }
  }
}

const main = async () => {
  // A stale file from a renamed module must not ship.
  await rm(join(edition, "dist"), { recursive: true, force: true })
  // core/ first: the edition's `#core/*` imports resolve to its compiled copy inside dist/.
  await Promise.all([compile("tsconfig.core.json"), compile("tsconfig.core.cjs.json")])
  await Promise.all([compile("tsconfig.build.json"), compile("tsconfig.build.cjs.json")])
  await Promise.all([linkCore("esm"), linkCore("cjs")])
  await placeTwins()
  await mkdir(join(edition, "dist", "cjs"), { recursive: true })
  await writeFile(join(edition, "dist", "cjs", "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`)
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
