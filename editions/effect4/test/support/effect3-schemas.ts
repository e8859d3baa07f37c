/**
 * Runs in its own process, under tsx with the Effect 3 edition's folder as the working directory
 * (its tsconfig maps `#core/*`): decodes each case with the Effect 3 edition's schemas, from its
 * source, on its own Effect 3, and prints what it decoded as wire JSON or the first issue. The
 * differential test compares that with the Effect 4 edition's answer for the same JSON.
 *
 * stdin: `[{ "shape": "Customer", "input": … }, …]`; stdout: one `Verdict` per case, in order.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

export type Verdict =
  | { readonly ok: true; readonly wire: unknown }
  | { readonly ok: false; readonly path: ReadonlyArray<PropertyKey>; readonly message: string }

export interface Case {
  readonly shape: string
  readonly input: unknown
}

/** The few Effect 3 functions used here, as they are typed in Effect 3. */
interface Effect3 {
  readonly Either: { readonly isRight: (e: unknown) => boolean }
  readonly Schema: {
    readonly decodeUnknownEither: (schema: unknown, options: { errors: "first" }) => (input: unknown) => { left?: unknown; right?: unknown }
    readonly encodeSync: (schema: unknown) => (value: unknown) => unknown
  }
  readonly ParseResult: {
    readonly ArrayFormatter: {
      readonly formatErrorSync: (error: unknown) => ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>
    }
  }
}

const edition = fileURLToPath(new URL("../../../effect3/", import.meta.url))

/** Effect 3 as the Effect 3 edition's ESM source loads it: the same module its schemas are built with. */
const loadEffect3 = async (): Promise<Effect3> => {
  const home = join(edition, "node_modules", "effect")
  const manifest = JSON.parse(await readFile(join(home, "package.json"), "utf8")) as { exports: { ".": { import: string } } }
  return await import(pathToFileURL(join(home, manifest.exports["."].import)).href) as Effect3
}

const main = async () => {
  const { Either, ParseResult, Schema } = await loadEffect3()
  const schemas = await import(pathToFileURL(join(edition, "src", "Schemas.ts")).href) as Record<string, unknown>
  let text = ""
  for await (const chunk of process.stdin) text += chunk
  const verdicts = (JSON.parse(text) as ReadonlyArray<Case>).map(({ input, shape }): Verdict => {
    const schema = schemas[shape]
    if (schema === undefined) throw new Error(`The Effect 3 edition has no schema ${shape}`)
    const decoded = Schema.decodeUnknownEither(schema, { errors: "first" })(input)
    if (Either.isRight(decoded)) return { ok: true, wire: JSON.parse(JSON.stringify(Schema.encodeSync(schema)(decoded.right))) }
    const [first] = ParseResult.ArrayFormatter.formatErrorSync(decoded.left)
    return { ok: false, path: first?.path ?? [], message: first?.message ?? "" }
  })
  process.stdout.write(JSON.stringify(verdicts))
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
