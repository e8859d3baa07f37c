import { assert, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { brotliCompressSync, gzipSync } from "node:zlib"
import { root } from "./packed.js"

// A browser app that creates a customer against the real API, and nothing else.
const ENTRY = `
import { Effect } from "effect"
import { Customers, XtopayLive } from "effect-xtopay"

Effect.runPromise(
  Customers.create({ email: "ama@example.com", name: "Ama Owusu" }).pipe(Effect.provide(XtopayLive))
).then((customer) => console.log(customer.id))
`

const NODE_BUILTINS = [
  "assert", "buffer", "child_process", "cluster", "crypto", "dgram", "dns", "events", "fs", "fs/promises", "http",
  "http2", "https", "module", "net", "os", "path", "perf_hooks", "process", "readline", "stream", "tls", "tty", "url",
  "util", "v8", "vm", "worker_threads", "zlib"
]

// A browser app that verifies a webhook delivery: Web Crypto only, no node:crypto.
const WEBHOOK_ENTRY = `
import { Effect, Redacted } from "effect"
import { Webhooks } from "effect-xtopay"

Effect.runPromise(
  Webhooks.constructEventWith("{}", { "x-xtopay-timestamp": "1", "x-xtopay-signature": "" }, {
    secrets: [Redacted.make("csk_test_secret")]
  }).pipe(Effect.either)
).then((result) => console.log(result._tag))
`

const bundle = (contents = ENTRY) =>
  esbuild.build({
    stdin: { contents, loader: "ts", resolveDir: root, sourcefile: "browser-app.ts" },
    absWorkingDir: root,
    // Resolve the package by name to its source, as the published `dist/esm` is compiled from it.
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

const version = async (name: string): Promise<string> =>
  (JSON.parse(await readFile(join(root, "node_modules", name, "package.json"), "utf8")) as { readonly version: string })
    .version

describe("a browser bundle of Customers.create + XtopayLive", () => {
  it("holds no in-memory Xtopay, no mock server and no Node built-in; its size is recorded", async () => {
    const result = await bundle()
    const [output] = result.outputFiles
    assert.isDefined(output)
    const code = output!.text
    // What made it into the output (esbuild also lists modules it read and then shook away).
    const used = Object.values(result.metafile.outputs).flatMap((out) =>
      Object.entries(out.inputs).filter(([, input]) => input.bytesInOutput > 0)
    )
    const inputs = used.map(([input]) => input)
    assert.include(inputs, "src/Customers.ts")

    assert.deepStrictEqual(inputs.filter((input) => input.startsWith("src/testing/")), [])
    assert.deepStrictEqual(inputs.filter((input) => input.includes("@effect/platform-node")), [])
    // effect-xtopay/rate-limit's optional peers stay out of a bundle that does not import it.
    assert.deepStrictEqual(inputs.filter((input) => /@effect\/experimental|ioredis|src\/rate-limit/.test(input)), [])
    assert.deepStrictEqual(inputs.filter((input) => input.startsWith("node:") || input.includes("(disabled)")), [])
    // Names only the fake and the mock server use.
    for (const marker of ["effect-xtopay/XtopayControl", "csk_test_default", "xtopay-mock"]) {
      assert.notInclude(code, marker)
    }
    const builtins = NODE_BUILTINS.join("|").replace("/", "\\/")
    const nodeImport = new RegExp(
      `(?:from\\s*|import\\s*\\(\\s*|require\\s*\\(\\s*)["'](?:node:[\\w/]+|(?:${builtins}))["']`
    )
    assert.notMatch(code, nodeImport)

    const sizes = {
      program: "Customers.create + XtopayLive, bundled by esbuild for the browser (ESM, minified)",
      esbuild: esbuild.version,
      effect: await version("effect"),
      "@effect/platform": await version("@effect/platform"),
      minifiedBytes: output!.contents.byteLength,
      // The rest is effect, @effect/platform and what they bring (Schema, the runtime, fetch).
      ownMinifiedBytes: used.filter(([input]) => input.startsWith("src/")).reduce((n, [, input]) => n + input.bytesInOutput, 0),
      gzipBytes: gzipSync(output!.contents, { level: 9 }).byteLength,
      brotliBytes: brotliCompressSync(output!.contents).byteLength
    }
    await writeFile(join(root, "bench", "bundle-size.json"), `${JSON.stringify(sizes, null, 2)}\n`)
  })

  it("a browser bundle of Webhooks.constructEventWith holds no Node built-in either", async () => {
    const result = await bundle(WEBHOOK_ENTRY)
    const inputs = Object.values(result.metafile.outputs).flatMap((out) =>
      Object.entries(out.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([input]) => input)
    )
    assert.include(inputs, "src/Webhooks.ts")
    assert.deepStrictEqual(inputs.filter((input) => input.startsWith("node:") || input.includes("(disabled)")), [])
    assert.notMatch(result.outputFiles[0]!.text, /["']node:crypto["']|require\(\s*["']crypto["']/)
  })

  it("the check fails a bundle that pulls in the mock server", async () => {
    const failure = await esbuild.build({
      stdin: { contents: `export * from "./src/testing/server.ts"`, loader: "ts", resolveDir: root },
      absWorkingDir: root,
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      logLevel: "silent"
    }).then(() => undefined, (error: esbuild.BuildFailure) => error)
    // esbuild refuses Node built-ins for the browser, so the bundle above cannot hide one.
    assert.isDefined(failure)
    assert.match(failure!.errors.map((e) => e.text).join("\n"), /node:http|built into node/)
  })
})
