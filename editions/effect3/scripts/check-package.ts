/**
 * `npm run check:package`: packs the package as `npm publish` would (`prepack` builds it), then
 * lints the tarball with publint (strict) and "Are the Types Wrong?" (every entry point, under
 * node10, node16 from CJS and from ESM, and bundler resolution).
 */
import { rm } from "node:fs/promises"
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { pack } from "../../../scripts/packed.js"
import { type RunResult, run } from "../../../scripts/run.js"

const root = fileURLToPath(new URL("..", import.meta.url))

/** One tool's verdict on a tarball. */
export interface CheckResult extends RunResult {
  readonly tool: "publint" | "attw"
}

const bin = (name: string): string => join(root, "node_modules", ".bin", name)

/** publint (warnings are errors) and attw, on a packed tarball. */
export const checkTarball = async (tarball: string): Promise<ReadonlyArray<CheckResult>> => {
  const [publint, attw] = await Promise.all([
    run(bin("publint"), ["run", "--strict", tarball], { cwd: root }),
    run(bin("attw"), [tarball, "--format", "ascii", "--no-color", "--no-emoji"], { cwd: root })
  ])
  return [{ tool: "publint", ...publint }, { tool: "attw", ...attw }]
}

const main = async (): Promise<void> => {
  const destination = join(root, ".tmp", "pack")
  await rm(destination, { recursive: true, force: true })
  const { tarball } = await pack(root, destination)
  const results = await checkTarball(tarball)
  for (const result of results) {
    console.log(`\n── ${result.tool} ${result.code === 0 ? "passed" : "FAILED"} ──\n${result.stdout}${result.stderr}`)
  }
  if (results.some((result) => result.code !== 0)) process.exitCode = 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
