/**
 * What the request path pays on every 2xx today for the `UnexpectedResponse` it builds eagerly (the
 * "empty body" failure, made before the body is read and kept only if the body is empty): one
 * error constructed per answer (its fields checked by the class's schema, a stack captured),
 * against the same call made lazily (never, on a non-empty body). CPU µs per construction.
 *
 *   npx tsx bench/micro/error-cost.ts [constructions]
 */
import { builtModule } from "../../../../bench/built.js"

const count = Number(process.argv[2] ?? 50_000)
const built = builtModule(new URL("../../dist/esm/", import.meta.url), "XtopayError.js")
const { UnexpectedResponse } = (await import(built)) as typeof import("../../src/XtopayError.js")

const known = { status: 200, attempts: 1, requestId: "req_0123456789" }
const construct = () =>
  new UnexpectedResponse({ ...known, message: "Xtopay answered GET /customers/:id with HTTP 200 and an empty body" })

const micros = (run: () => void) => {
  const start = process.cpuUsage()
  run()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / count
}
let kept: unknown
for (let i = 0; i < 2_000; i++) kept = construct() // warm-up
const results: Array<number> = []
for (let round = 0; round < 5; round++) {
  results.push(micros(() => {
    for (let i = 0; i < count; i++) kept = construct()
  }))
}
results.sort((a, b) => a - b)
console.log(`Node ${process.version}: new UnexpectedResponse(…) ${results[2]!.toFixed(2)} µs CPU each (median of 5 rounds of ${count})`, kept !== undefined)
