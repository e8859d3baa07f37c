// `prepack` / `postpack`: the package ships the repository's README.md and docs/ (one copy for the
// reader of the repository and of the npm page), brought in for `npm pack` and removed after it.
import { cp, rm } from "node:fs/promises"
import { fileURLToPath } from "node:url"

const edition = new URL("../", import.meta.url)
const repository = new URL("../../../", import.meta.url)
const SHIPPED = ["README.md", "docs"]

const [action] = process.argv.slice(2)
for (const name of SHIPPED) {
  const inEdition = fileURLToPath(new URL(name, edition))
  if (action === "copy") await cp(fileURLToPath(new URL(name, repository)), inEdition, { recursive: true })
  else if (action === "remove") await rm(inEdition, { recursive: true, force: true })
  else throw new Error("usage: package-docs.mjs copy|remove")
}
