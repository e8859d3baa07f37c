/**
 * `npm run docs:typecheck`: the docs' samples this edition reads (see ../../../scripts/typecheck-docs.ts),
 * type-checked against this edition's source; errors at their Markdown line.
 */
import { join, resolve } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import ts from "typescript"
import { defaultDocFiles, type DocCheckResult, formatDiagnostic, typecheckDocs } from "../../../scripts/typecheck-docs.js"

const editionRoot = fileURLToPath(new URL("..", import.meta.url))

/** Every sample of README.md and docs/ that is this edition's, checked with this edition's compiler. */
export const typecheckEditionDocs = async (outDir: string, files?: ReadonlyArray<string>): Promise<DocCheckResult> =>
  typecheckDocs({ ts, edition: "effect3", editionRoot, files: files ?? (await defaultDocFiles()), outDir })

const main = async (): Promise<void> => {
  const result = await typecheckEditionDocs(join(editionRoot, ".tmp", "doc-blocks"))
  for (const diagnostic of result.diagnostics) console.error(formatDiagnostic(diagnostic))
  console.log(`${result.checked.length} doc blocks type-checked, ${result.skipped.length} skipped, ${result.diagnostics.length} errors`)
  if (result.diagnostics.length > 0) process.exitCode = 1
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
