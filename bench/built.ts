/**
 * The check that what a bench loads is the package as it ships: an edition's `dist/esm` as
 * scripts/build-edition.mjs leaves it, with core's imports (`#core/…`) relinked to its own
 * `dist/esm/core`. A bare `tsc` build leaves them as they are, and under tsx (which maps them
 * through the edition's tsconfig paths) they would load core's TypeScript source instead,
 * silently: measured figures would then not be the shipped package's.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** The builds already checked, by directory. */
const linked = new Set<string>()

/** Every `.js` of the build, scanned once: none may still import `#core/…`. */
const checkLinked = (dir: string) => {
  if (linked.has(dir)) return
  const unlinked = readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".js") && readFileSync(join(dir, file), "utf8").includes("\"#core/"))
  if (unlinked.length > 0) {
    throw new Error(
      `${dir} was built without linking core (${unlinked.length} files still import "#core/…", e.g. ${unlinked[0]}): run \`npm run build\``
    )
  }
  linked.add(dir)
}

/** The URL of `file` in the edition's `dist/esm` (`distUrl` ends with `/`), once it is there and the build is linked. */
export const builtModule = (distUrl: URL, file: string): string => {
  const url = new URL(file, distUrl)
  const path = fileURLToPath(url)
  if (!existsSync(path)) throw new Error(`${path} is missing: run \`npm run build\` first (\`npm run bench\` does).`)
  checkLinked(fileURLToPath(distUrl))
  return url.href
}
