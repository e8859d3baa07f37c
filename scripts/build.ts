/**
 * `npm run build`: one source, two module formats. `dist/esm` is ESM (the package is
 * `"type": "module"`); `dist/cjs` is CommonJS, marked so by its own `package.json`. Each holds its
 * own `.d.ts` files, so `import` and `require` users each get the types of the format they load.
 */
import { mkdir, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { run } from "./run.js"

const root = fileURLToPath(new URL("..", import.meta.url))
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")

const compile = async (project: string): Promise<void> => {
  const result = await run(process.execPath, [tsc, "-p", project], { cwd: root, echo: true })
  if (result.code !== 0) throw new Error(`tsc -p ${project} failed`)
}

const main = async (): Promise<void> => {
  // A stale file from a renamed module must not ship.
  await rm(join(root, "dist"), { recursive: true, force: true })
  await Promise.all([compile("tsconfig.build.json"), compile("tsconfig.build.cjs.json")])
  await mkdir(join(root, "dist", "cjs"), { recursive: true })
  await writeFile(join(root, "dist", "cjs", "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`)
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
})
