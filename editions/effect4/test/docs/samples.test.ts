/**
 * The docs' Effect 4 samples compile against this edition. A sample is one when its fence says
 * `effect4` (```ts no-check effect4): `no-check` keeps the Effect 3 edition's docs checker, which
 * reads every doc, from checking it against Effect 3; this test checks it against Effect 4, with
 * `effect-xtopay` resolved to the edition's source.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import ts from "typescript"

const edition = fileURLToPath(new URL("../../", import.meta.url))
const repository = fileURLToPath(new URL("../../../../", import.meta.url))

interface Sample {
  readonly where: string
  readonly code: string
}

/** README.md and every Markdown file under docs/ but the generated docs/api/. */
const markdownFiles = async (dir: string): Promise<Array<string>> => {
  const entries = await readdir(dir, { withFileTypes: true })
  const nested = await Promise.all(entries.map((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "api" ? Promise.resolve([]) : markdownFiles(path)
    return Promise.resolve(entry.name.endsWith(".md") ? [path] : [])
  }))
  return nested.flat().sort()
}

/** The fenced ```ts blocks whose info string names `effect4`, each with its file and first line. */
const samplesOf = (file: string, markdown: string): Array<Sample> => {
  const samples: Array<Sample> = []
  let open: { start: number; body: Array<string> } | undefined
  markdown.split("\n").forEach((line, index) => {
    if (open === undefined) {
      const fence = /^```(?:ts|typescript)\s+(.*)$/.exec(line)
      if (fence !== null && fence[1]!.split(/\s+/).includes("effect4")) open = { start: index + 2, body: [] }
    } else if (/^```\s*$/.test(line)) {
      samples.push({ where: `${relative(repository, file)}:${open.start}`, code: open.body.join("\n") })
      open = undefined
    } else open.body.push(line)
  })
  return samples
}

describe("the docs' Effect 4 samples", () => {
  it("type-check against the Effect 4 edition", async () => {
    const files = [join(repository, "README.md"), ...(await markdownFiles(join(repository, "docs")))]
    const samples = (await Promise.all(files.map(async (file) => samplesOf(file, await readFile(file, "utf8").catch(() => ""))))).flat()
    assert.isAtLeast(samples.filter((s) => s.where.startsWith("docs/migrating-to-effect4.md")).length, 3)
    const outDir = join(edition, ".tmp", `doc-samples-${process.pid}`)
    await mkdir(outDir, { recursive: true })
    try {
      const written = await Promise.all(samples.map(async (sample, i) => {
        const path = join(outDir, `sample-${i}.ts`)
        await writeFile(path, sample.code)
        return [path, sample] as const
      }))
      const config = ts.getParsedCommandLineOfConfigFile(join(edition, "tsconfig.json"), {}, {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => assert.fail(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
      })!
      const program = ts.createProgram(written.map(([path]) => path), {
        ...config.options,
        noEmit: true,
        paths: { ...config.options.paths, "effect-xtopay": [join(edition, "test", "support", "surface.ts")] }
      })
      const byPath = new Map(written)
      const errors = ts.getPreEmitDiagnostics(program).flatMap((d) => {
        const sample = d.file === undefined ? undefined : byPath.get(d.file.fileName)
        if (sample === undefined || d.file === undefined || d.start === undefined) return []
        const { line } = d.file.getLineAndCharacterOfPosition(d.start)
        const [file, first] = sample.where.split(":")
        return [`${file}:${Number(first) + line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`]
      })
      assert.deepStrictEqual(errors, [])
    } finally {
      await rm(outDir, { recursive: true, force: true })
    }
  }, 120_000)
})
