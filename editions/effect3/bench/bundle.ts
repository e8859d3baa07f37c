/**
 * A browser app built with the package: `Customers.create` + `XtopayLive`, bundled by esbuild
 * (ESM, minified). `npm run bench` records its size in bench/bundle-size.json;
 * test/package/bundle.test.ts holds what it must leave out.
 */
import * as esbuild from "esbuild"
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { brotliCompressSync, gzipSync } from "node:zlib"

/** This edition. */
const root = fileURLToPath(new URL("..", import.meta.url))

/** A browser app that creates a customer against the real API, and nothing else. */
export const CUSTOMERS_CREATE_APP = `
import { Effect } from "effect"
import { Customers, XtopayLive } from "effect-xtopay"

Effect.runPromise(
  Customers.create({ email: "ama@example.com", name: "Ama Owusu" }).pipe(Effect.provide(XtopayLive))
).then((customer) => console.log(customer.id))
`

/** `contents` bundled for the browser, with the package resolved to its source (`dist/esm` is compiled from it). */
export const bundleForBrowser = (contents: string) =>
  esbuild.build({
    stdin: { contents, loader: "ts", resolveDir: root, sourcefile: "browser-app.ts" },
    absWorkingDir: root,
    alias: { "effect-xtopay": "./src/index.ts" },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent"
  })

/** The inputs that made it into the output (esbuild also lists modules it read and then shook away). */
export const usedInputs = (result: esbuild.BuildResult<{ metafile: true }>) =>
  Object.values(result.metafile.outputs).flatMap((out) =>
    Object.entries(out.inputs).filter(([, input]) => input.bytesInOutput > 0)
  )

const version = async (name: string): Promise<string> =>
  (JSON.parse(await readFile(join(root, "node_modules", name, "package.json"), "utf8")) as { readonly version: string })
    .version

/** Measures the `Customers.create` app and writes bench/bundle-size.json. */
export const recordBundleSize = async (): Promise<void> => {
  const result = await bundleForBrowser(CUSTOMERS_CREATE_APP)
  const output = result.outputFiles[0]!
  const sizes = {
    program: "Customers.create + XtopayLive, bundled by esbuild for the browser (ESM, minified)",
    esbuild: esbuild.version,
    effect: await version("effect"),
    "@effect/platform": await version("@effect/platform"),
    minifiedBytes: output.contents.byteLength,
    // The rest is effect, @effect/platform and what they bring (Schema, the runtime, fetch).
    ownMinifiedBytes: usedInputs(result).filter(([input]) => input.startsWith("src/")).reduce((n, [, input]) => n + input.bytesInOutput, 0),
    gzipBytes: gzipSync(output.contents, { level: 9 }).byteLength,
    brotliBytes: brotliCompressSync(output.contents).byteLength
  }
  await writeFile(join(root, "bench", "bundle-size.json"), `${JSON.stringify(sizes, null, 2)}\n`)
}
