#!/usr/bin/env node
// `xtopay-mock`. An installed package always runs the built dist/ (never tsx, even when the project
// has tsx: compiling the sources costs seconds and an esbuild child). Only a source checkout of the
// repository, one that is not inside node_modules and has the tsconfig.json npm never publishes,
// runs the TypeScript source through tsx, so it is never a stale build.
import { existsSync } from "node:fs"
import { sep } from "node:path"
import { fileURLToPath } from "node:url"

// Node resolves the .bin symlink, so this is where the package really lives.
const root = fileURLToPath(new URL("..", import.meta.url))
const built = new URL("../dist/esm/testing/cli.js", import.meta.url)
const source = new URL("../src/testing/cli.ts", import.meta.url)

const sourceCheckout = !root.split(sep).includes("node_modules") && existsSync(`${root}tsconfig.json`)

const fromSource = async () => {
  if (!sourceCheckout || !existsSync(fileURLToPath(source))) return undefined
  try {
    const tsx = await import("tsx/esm/api")
    return tsx.tsImport(source.href, import.meta.url)
  } catch {
    return undefined // a checkout without its dev dependencies: dist/ if it is built
  }
}

const load = async () => {
  const cli = await fromSource()
  if (cli !== undefined) return cli
  if (existsSync(fileURLToPath(built))) return import(built.href)
  console.error(
    sourceCheckout
      ? "xtopay-mock: neither tsx nor the built dist/ is there: run `npm ci` (or `npm run build` for dist/)."
      : `xtopay-mock: this installed package has no dist/ (${fileURLToPath(built)}): reinstall effect-xtopay.`
  )
  process.exit(1)
}

// Before anything loads effect, a major of it this edition is not for is named, with the edition to
// install: the CommonJS build's check reads effect's package.json (a source checkout has its own).
if (!sourceCheckout) {
  await import(new URL("../dist/cjs/internal/edition.js", import.meta.url).href).catch((error) => {
    if (error?.code === "ERR_MODULE_NOT_FOUND") return // no dist/: load() says so
    console.error(`xtopay-mock: ${error?.message ?? error}`)
    process.exit(1)
  })
}

const cli = await load()
await cli.main(process.argv.slice(2))
