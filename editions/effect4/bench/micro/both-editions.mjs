/**
 * The request path's plain forms in Effect 3 and in Effect 4 alone, the same loop for both, in one
 * Node: `timeoutFail` / `timeoutOrElse` (30 s), `retry` (`Schedule.recurs(2)`) and `withSpan`
 * around one `Effect.promise`, many in one fiber. CPU µs per operation, median of 7 rounds. Plain
 * JavaScript (no tsx), each line's `effect` from its edition's node_modules.
 *
 *   node bench/micro/both-editions.mjs [operations per round]
 */
import { readFileSync } from "node:fs"

const operations = Number(process.argv[2] ?? 20_000)
const editions = {
  "Effect 3": new URL("../../../effect3/node_modules/effect/", import.meta.url),
  "Effect 4": new URL("../../node_modules/effect/", import.meta.url)
}

const variants = ({ Duration, Effect, Schedule }) => {
  const attempt = Effect.promise(() => Promise.resolve(1))
  const thirty = Duration.seconds(30)
  return {
    "Effect.promise alone": () => attempt,
    "its timeout (timeoutFail in 3, timeoutOrElse in 4)": Effect.timeoutOrElse !== undefined
      ? () => Effect.timeoutOrElse(attempt, { duration: thirty, orElse: () => Effect.fail("timeout") })
      : () => Effect.timeoutFail(attempt, { duration: thirty, onTimeout: () => "timeout" }),
    "Effect.retry(Schedule.recurs(2))": () => Effect.retry(attempt, Schedule.recurs(2)),
    "Effect.withSpan (kind client)": () => Effect.withSpan(attempt, "Xtopay.customers.retrieve", { kind: "client" })
  }
}

const cpuPerOperation = async (Effect, make) => {
  const start = process.cpuUsage()
  await Effect.runPromise(Effect.gen(function*() {
    for (let i = 0; i < operations; i++) yield* make()
  }))
  const used = process.cpuUsage(start)
  return (used.user + used.system) / operations
}

const rows = {}
const versions = {}
for (const [edition, root] of Object.entries(editions)) {
  versions[edition] = JSON.parse(readFileSync(new URL("package.json", root), "utf8")).version
  const effect = await import(new URL(edition === "Effect 3" ? "dist/esm/index.js" : "dist/index.js", root).href)
  const made = variants(effect)
  const samples = Object.fromEntries(Object.keys(made).map((name) => [name, []]))
  for (let round = 0; round < 8; round++) {
    for (const [name, make] of Object.entries(made)) samples[name].push(await cpuPerOperation(effect.Effect, make))
  }
  for (const [name, xs] of Object.entries(samples)) {
    const timed = xs.slice(1).sort((a, b) => a - b) // the first round warms up
    ;(rows[name] ??= {})[edition] = timed[Math.floor(timed.length / 2)]
  }
}
console.log(`Node ${process.version}; effect ${versions["Effect 3"]} and ${versions["Effect 4"]}; ${operations.toLocaleString("en-US")} operations a round, CPU µs per operation (median of 7 rounds)`)
console.log("| around one Effect.promise | Effect 3 | Effect 4 |\n|---|---|---|")
for (const [name, by] of Object.entries(rows)) console.log(`| ${name} | ${by["Effect 3"].toFixed(2)} | ${by["Effect 4"].toFixed(2)} |`)
