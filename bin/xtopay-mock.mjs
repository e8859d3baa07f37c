#!/usr/bin/env node
// `xtopay-mock`: runs the built command from dist/, or, in a clone of the repository where nothing
// is built yet, the TypeScript source through tsx (a dev dependency).
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"

const built = new URL("../dist/esm/testing/cli.js", import.meta.url)

const load = async () => {
  if (existsSync(fileURLToPath(built))) return import(built.href)
  let tsx
  try {
    tsx = await import("tsx/esm/api")
  } catch {
    console.error("xtopay-mock: dist/ is missing and tsx is not installed: run `npm ci` then `npm run build`, or `npm ci` to run from source.")
    process.exit(1)
  }
  return tsx.tsImport("../src/testing/cli.ts", import.meta.url)
}

const cli = await load()
await cli.main(process.argv.slice(2))
