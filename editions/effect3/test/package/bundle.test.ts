import { assert, describe, it } from "@effect/vitest"
import * as esbuild from "esbuild"
import { bundleForBrowser, CUSTOMERS_CREATE_APP, usedInputs } from "../../bench/bundle.js"
import { root } from "./packed.js"

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

describe("a browser bundle of Customers.create + XtopayLive", () => {
  // Its size is recorded by `npm run bench` (bench/bundle-size.json): a test writes no tracked file.
  it("holds no in-memory Xtopay, no mock server and no Node built-in", async () => {
    const result = await bundleForBrowser(CUSTOMERS_CREATE_APP)
    const [output] = result.outputFiles
    assert.isDefined(output)
    const code = output!.text
    const inputs = usedInputs(result).map(([input]) => input)
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
  })

  it("a browser bundle of Webhooks.constructEventWith holds no Node built-in either", async () => {
    const result = await bundleForBrowser(WEBHOOK_ENTRY)
    const inputs = usedInputs(result).map(([input]) => input)
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
