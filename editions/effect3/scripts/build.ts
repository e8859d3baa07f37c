/**
 * `npm run build`: one source, two module formats. `dist/esm` is ESM (the package is
 * `"type": "module"`); `dist/cjs` is CommonJS, marked so by its own `package.json`. Each holds its
 * own `.d.ts` files, so `import` and `require` users each get the types of the format they load.
 * The repository's core/ is compiled into each (`dist/esm/core`, `dist/cjs/core`), and the
 * edition's `#core/…` specifiers (a tsconfig path) become relative ones to it: the tarball carries
 * core, resolvable by Node, bundlers and type checkers alike, and no copy is kept in the edition.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { dirname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { run } from "./run.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")

const compile = async (project: string): Promise<void> => {
  const result = await run(process.execPath, [tsc, "-p", project], { cwd: root, echo: true })
  if (result.code !== 0) throw new Error(`tsc -p ${project} failed`)
}

/** Every file under `dir`. */
const filesUnder = async (dir: string): Promise<Array<string>> =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))

/** `"#core/api.js"` → `"../core/api.js"`, relative to each emitted file of `format`'s output. */
const linkCore = async (format: "esm" | "cjs"): Promise<void> => {
  const out = join(root, "dist", format)
  const core = join(out, "core")
  for (const file of await filesUnder(out)) {
    if (file.startsWith(core) || !/\.(js|d\.ts)$/.test(file)) continue
    const text = await readFile(file, "utf8")
    if (!text.includes("#core/") && !text.includes(`dist/${format}/core/`)) continue
    const to = relative(dirname(file), core).split(sep).join("/")
    const link = (_: string, quote: string, path: string) => `${quote}${to.startsWith(".") ? to : `./${to}`}/${path}${quote}`
    // Declarations also name core in inline `import("…")` types, by a path tsc computed from the
    // source file's folder (`../../dist/esm/core/enums.js` from src/internal): relink those too.
    const relinked = text
      .replace(/(["'])#core\/([^"']+)\1/g, link)
      .replace(new RegExp(`(["'])(?:\\.\\.?/)+dist/${format}/core/([^"']+)\\1`, "g"), link)
    await writeFile(file, relinked)
  }
}

const main = async (): Promise<void> => {
  // A stale file from a renamed module must not ship.
  await rm(join(root, "dist"), { recursive: true, force: true })
  // core/ first: the edition's `#core/*` imports resolve to its compiled copy inside dist/.
  await Promise.all([compile("tsconfig.core.json"), compile("tsconfig.core.cjs.json")])
  await Promise.all([compile("tsconfig.build.json"), compile("tsconfig.build.cjs.json")])
  await Promise.all([linkCore("esm"), linkCore("cjs")])
  await mkdir(join(root, "dist", "cjs"), { recursive: true })
  await writeFile(join(root, "dist", "cjs", "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
