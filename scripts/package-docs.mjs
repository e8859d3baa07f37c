// An edition's `prepack` / `postpack`: `node ../../scripts/package-docs.mjs copy|remove` in the
// edition's folder. The package ships the repository's README.md and docs/ (one copy for the
// reader of the repository and of the npm page), brought in for `npm pack` and removed after it.
import { cp, rm } from "node:fs/promises"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"

const repository = fileURLToPath(new URL("../", import.meta.url))
const SHIPPED = ["README.md", "docs"]

const [action, folder = "."] = process.argv.slice(2)
const edition = resolve(folder)
for (const name of SHIPPED) {
  const inEdition = join(edition, name)
  if (action === "copy") await cp(join(repository, name), inEdition, { recursive: true })
  else if (action === "remove") await rm(inEdition, { recursive: true, force: true })
  else throw new Error("usage: package-docs.mjs copy|remove [edition folder]")
}
