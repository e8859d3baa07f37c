/**
 * The request path's plain forms taken out one at a time, in copies of the build (`dist/esm`,
 * patched under bench/.tmp/ab, never src/): CPU µs per `XtopayTest` operation for each copy, all
 * in one process, rounds alternating. What each row changes:
 *
 * - `built`: the build as it is;
 * - `lazy empty`: the "empty body" `UnexpectedResponse` made only when a body is empty (the build
 *   makes it on every 2xx, before the body is read);
 * - `… no timeout`: also the attempt without `Effect.timeoutOrElse`;
 * - `… no retry`: also without `Effect.retry`;
 * - `… no span`: also without the endpoint's `Effect.withSpan`.
 *
 * With `floor`, each copy's `XtopayClient.layerConfig()` runs over `NodeHttpClient.layerUndici`
 * against the floor server instead, one `runPromise` per retrieve, one after another; beside them,
 * for scale, the same GET through that `HttpClient` alone (its span off, text, `JSON.parse`).
 *
 *   npx tsx bench/micro/ab.ts [operations per round] [rounds] [floor]
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer, ManagedRuntime } from "effect"
import { FLOOR_CUSTOMER, startFloorServer } from "../../../../bench/floor-server.js"
import { alternate, median } from "../../../../bench/measure.js"
import { HEADERS, useEnvironment } from "../../../../bench/raw.js"
import * as HttpClient from "effect/http/HttpClient"
import { withoutPlatformSpans } from "../harness/platform.js"

const operations = Number(process.argv[2] ?? 3_000)
const rounds = Number(process.argv[3] ?? 5)
const overNetwork = process.argv[4] === "floor"

// Copied from the build; each copy's imports of core are linked to its own core (as
// scripts/build-edition.mjs links dist/esm), so the copies never load core's source through tsx.
const dist = fileURLToPath(new URL("../../dist/esm", import.meta.url))
const tmp = fileURLToPath(new URL("../.tmp/ab", import.meta.url))

interface Patch {
  readonly file: string
  /** Must match exactly once. */
  readonly from: string | RegExp
  readonly to: string
}

const LAZY_EMPTY: Patch = {
  file: "internal/request.js",
  from: ": Effect.fail(new UnexpectedResponse({ ...known, message: `Xtopay answered ${where} with HTTP ${status} and an empty body` }));",
  to: ": Effect.suspend(() => Effect.fail(new UnexpectedResponse({ ...known, message: `Xtopay answered ${where} with HTTP ${status} and an empty body` })));"
}
const NO_TIMEOUT: Patch = {
  file: "internal/request.js",
  from: "return Effect.timeoutOrElse(exchange, { duration: timeout, orElse: timedOut });",
  to: "return exchange;"
}
const NO_RETRY: Patch = {
  file: "internal/request.js",
  // The attempt's name changes with the path (`one`, `gated` behind the rate gate).
  from: /const retried = safe && maxRetries > 0 \? Effect\.retry\((\w+), policy\) : \1;/g,
  to: "const retried = $1;"
}
const NO_SPAN: Patch = {
  file: "internal/invoke.js",
  from: "Effect.withSpan(Effect.suspend(() => call(args)), spanName, CLIENT_SPAN)",
  to: "Effect.suspend(() => call(args))"
}

const VARIANTS: Record<string, ReadonlyArray<Patch>> = {
  "built": [],
  "lazy empty": [LAZY_EMPTY],
  "lazy empty, no timeout": [LAZY_EMPTY, NO_TIMEOUT],
  "lazy empty, no timeout, no retry": [LAZY_EMPTY, NO_TIMEOUT, NO_RETRY],
  "lazy empty, no timeout, no retry, no span": [LAZY_EMPTY, NO_TIMEOUT, NO_RETRY, NO_SPAN]
}

/** A copy of the build with `patches` applied; each must apply exactly once, or the copy is not the row it claims. */
const variant = (name: string, patches: ReadonlyArray<Patch>): string => {
  const dir = `${tmp}/${name.replace(/[^a-z]+/g, "-")}`
  if (existsSync(dir)) rmSync(dir, { recursive: true })
  if (!existsSync(`${dist}/internal/request.js`)) throw new Error(`${dist} is missing: run \`npm run build\``)
  cpSync(dist, dir, { recursive: true })
  for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"))) {
    const path = join(dir, file)
    const text = readFileSync(path, "utf8")
    if (!text.includes("\"#core/")) continue
    const core = relative(dirname(path), join(dir, "core")) || "."
    writeFileSync(path, text.replaceAll("\"#core/", `"${core.startsWith(".") ? core : `./${core}`}/`))
  }
  for (const { file, from, to } of patches) {
    const path = `${dir}/${file}`
    const text = readFileSync(path, "utf8")
    const found = typeof from === "string" ? text.split(from).length - 1 : [...text.matchAll(from)].length
    if (found !== 1) throw new Error(`${name}: the build no longer has ${String(from)} once in ${file}`)
    writeFileSync(path, text.replace(from, to))
  }
  return dir
}

type Sdk = {
  readonly Customers: typeof import("../../src/Customers.js")
  readonly XtopayTest: typeof import("../../src/testing/XtopayTest.js")["XtopayTest"]
  readonly XtopayClient: typeof import("../../src/XtopayClient.js")["XtopayClient"]
}

const load = async (dir: string): Promise<Sdk> => ({
  Customers: await import(`${dir}/Customers.js`),
  XtopayTest: ((await import(`${dir}/testing/XtopayTest.js`)) as typeof import("../../src/testing/XtopayTest.js")).XtopayTest,
  XtopayClient: ((await import(`${dir}/XtopayClient.js`)) as typeof import("../../src/XtopayClient.js")).XtopayClient
})

const floor = overNetwork ? await startFloorServer() : undefined
if (floor !== undefined) useEnvironment(floor.baseUrl)

/** Retrieves over undici against the floor server, one `runPromise` each: CPU µs per retrieve. */
const networkLoop = async ({ Customers, XtopayClient }: Sdk) => {
  const runtime = ManagedRuntime.make(XtopayClient.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici)))
  const loop = async () => {
    for (let i = 0; i < operations; i++) await runtime.runPromise(Customers.retrieve(FLOOR_CUSTOMER.id))
  }
  await loop() // warm-up
  return async () => {
    const start = process.cpuUsage()
    await loop()
    const used = process.cpuUsage(start)
    return (used.user + used.system) / operations
  }
}

/** A retrieve loop (one customer, `operations` retrieves) in one runtime per copy: CPU µs per retrieve. */
const retrieveLoop = async ({ Customers, XtopayTest }: Sdk) => {
  const runtime = ManagedRuntime.make(XtopayTest)
  const id = (await runtime.runPromise(Customers.create({ email: "ab@example.com" }))).id
  const loop = Effect.gen(function*() {
    for (let i = 0; i < operations; i++) yield* Customers.retrieve(id)
  })
  await runtime.runPromise(loop) // warm-up
  return async () => {
    const start = process.cpuUsage()
    await runtime.runPromise(loop)
    const used = process.cpuUsage(start)
    return (used.user + used.system) / operations
  }
}

/** The GET through `NodeHttpClient.layerUndici` alone, no SDK code: CPU µs per GET. */
const platformLoop = async () => {
  const runtime = ManagedRuntime.make(NodeHttpClient.layerUndici)
  const url = `${floor!.baseUrl}/customers/${FLOOR_CUSTOMER.id}`
  const get = Effect.flatMap(HttpClient.HttpClient, (client) =>
    withoutPlatformSpans(client).get(url, { headers: HEADERS }).pipe(
      Effect.flatMap((response) => response.text),
      Effect.map((text) => JSON.parse(text) as unknown)
    ))
  const loop = async () => {
    for (let i = 0; i < operations; i++) await runtime.runPromise(get)
  }
  await loop() // warm-up
  return async () => {
    const start = process.cpuUsage()
    await loop()
    const used = process.cpuUsage(start)
    return (used.user + used.system) / operations
  }
}

const PLATFORM = "the platform's undici HttpClient alone (no SDK)"
const loops = Object.fromEntries([
  ...await Promise.all(Object.entries(VARIANTS).map(async ([name, patches]) => [name, await (overNetwork ? networkLoop : retrieveLoop)(await load(variant(name, patches)))])),
  ...(overNetwork ? [[PLATFORM, await platformLoop()]] : [])
]) as Record<string, () => Promise<number>>
const times = await alternate(rounds, loops)
rmSync(tmp, { recursive: true })
await floor?.stop()

console.log(`Node ${process.version}: Customers.retrieve over ${overNetwork ? "NodeHttpClient.layerUndici against the floor server" : "XtopayTest"}, ${operations.toLocaleString("en-US")} a round × ${rounds} rounds, CPU µs per call (median round)`)
// Paired by round (every copy runs once in each round), so a drift in the machine's load cancels out.
console.log("| copy of the build | µs per call (median round) | − built, paired by round (median) | rounds below built |\n|---|---|---|---|")
const built = times["built"]!
for (const name of Object.keys(loops)) {
  const own = times[name]!
  const diffs = own.map((x, round) => x - built[round]!)
  const below = diffs.filter((d) => d < 0).length
  console.log(`| ${name} | ${median(own).toFixed(1)} | ${median(diffs).toFixed(1)} | ${below} of ${rounds} |`)
}
