#!/usr/bin/env node
// `xtopay-mock`: in a clone of the repository (tsx installed, the source present) it runs the
// TypeScript source, so it is never a stale build; in an installed package, the built dist/.
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const built = new URL("../dist/esm/testing/cli.js", import.meta.url)
const source = new URL("../src/testing/cli.ts", import.meta.url)

const fromSource = async () => {
  if (!existsSync(fileURLToPath(source))) return undefined
  try {
    const tsx = await import("tsx/esm/api")
    return tsx.tsImport(source.href, import.meta.url)
  } catch {
    return undefined // no tsx: an installed package, not a clone
  }
}

const load = async () => {
  const cli = await fromSource()
  if (cli !== undefined) return cli
  if (existsSync(fileURLToPath(built))) return import(built.href)
  console.error("xtopay-mock: neither the built dist/ nor tsx is there: run `npm ci` (and `npm run build` to use dist/).")
  process.exit(1)
}

const cli = await load()
await cli.main(process.argv.slice(2))
