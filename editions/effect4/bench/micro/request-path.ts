/**
 * A reproduction in Effect 4 alone of what the request path's plain forms cost per call, with no
 * I/O and no SDK code: each of `Effect.timeoutOrElse`, `Effect.retry` (a `Schedule.recurs` and
 * the client's own `retryPolicy`, from the build) and `Effect.withSpan` around one
 * `Effect.promise`, then all three as the request path nests them, against the bare promise.
 * CPU µs per operation (`process.cpuUsage`), median of alternating rounds, in two shapes: many
 * operations inside one fiber (what the combinator adds), and one `ManagedRuntime.runPromise` per
 * operation (as a user's call runs).
 *
 *   npx tsx bench/micro/request-path.ts [operations per round] [rounds]
 */
import { Duration, Effect, Fiber, Layer, ManagedRuntime, Schedule } from "effect"
import { readFileSync } from "node:fs"
import type { XtopayError } from "../../src/XtopayError.js"
import { alternate, median } from "../../../../bench/measure.js"
import { builtModule } from "../../../../bench/built.js"

const operations = Number(process.argv[2] ?? 20_000)
const rounds = Number(process.argv[3] ?? 5)

// The client's retry policy as built (dist/esm), so the schedule is the one every call steps.
const retryModule = builtModule(new URL("../../dist/esm/", import.meta.url), "internal/retry.js")
const { retryPolicy } = (await import(retryModule)) as typeof import("../../src/internal/retry.js")
const effectVersion = (JSON.parse(readFileSync(new URL("../../node_modules/effect/package.json", import.meta.url), "utf8")) as {
  readonly version: string
}).version

const TIMEOUT = Duration.seconds(30)
const SPAN = { kind: "client", captureStackTrace: false } as const
const policy = retryPolicy(undefined, 2, { method: "GET", route: "/customers/:id" })

/** The attempt: one async step, as a send is; typed as the request path's attempt is (it may fail). */
const attempt: Effect.Effect<number, XtopayError> = Effect.promise(() => Promise.resolve(1))
/** Never reached (30 s); typed as the path's timeout failure so the retry policy takes it. */
const timedOut = (): Effect.Effect<never, XtopayError> => Effect.die("timeout")

/** The attempt under the path's timeout. */
const withTimeout = (): Effect.Effect<number, XtopayError> => Effect.timeoutOrElse(attempt, { duration: TIMEOUT, orElse: timedOut })

const variants: Record<string, () => Effect.Effect<unknown, unknown>> = {
  "Effect.succeed (no async step)": () => Effect.succeed(1),
  "Effect.promise (the attempt alone)": () => attempt,
  "Effect.forkChild + Fiber.join (one fiber)": () => Effect.flatMap(Effect.forkChild(attempt), Fiber.join),
  "Effect.raceFirst(attempt, Effect.never) (two fibers, no timer)": () => Effect.raceFirst(attempt, Effect.never),
  "Effect.timeoutOrElse (30 s)": withTimeout,
  "Effect.retry(Schedule.recurs(2))": () => Effect.retry(attempt, Schedule.recurs(2)),
  "Effect.retry(the client's retryPolicy)": () => Effect.retry(attempt, policy),
  "Effect.withSpan (client span)": () => Effect.withSpan(attempt, "Xtopay.customers.retrieve", SPAN),
  "all three, as the path nests them": () =>
    Effect.withSpan(
      Effect.retry(withTimeout(), policy),
      "Xtopay.customers.retrieve",
      SPAN
    ),
  "retry + span, no timeout": () => Effect.withSpan(Effect.retry(attempt, policy), "Xtopay.customers.retrieve", SPAN)
}

const cpuMicros = async (run: () => Promise<unknown>): Promise<number> => {
  const start = process.cpuUsage()
  await run()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / operations
}

const runtime = ManagedRuntime.make(Layer.empty)

/** Many operations in one fiber: only the combinator's own cost. */
const inOneFiber = (make: () => Effect.Effect<unknown, unknown>) => () =>
  cpuMicros(() =>
    Effect.runPromise(Effect.gen(function*() {
      for (let i = 0; i < operations; i++) yield* make()
    }))
  )

/** One `runPromise` per operation, one after another: the cost a user's call sees. */
const perCall = (make: () => Effect.Effect<unknown, unknown>) => () =>
  cpuMicros(async () => {
    for (let i = 0; i < operations; i++) await runtime.runPromise(make())
  })

const measureAll = async (shape: (make: () => Effect.Effect<unknown, unknown>) => () => Promise<number>) => {
  const entries = Object.fromEntries(Object.entries(variants).map(([name, make]) => [name, shape(make)]))
  await alternate(1, entries) // warm-up
  const times = await alternate(rounds, entries)
  return Object.fromEntries(Object.entries(times).map(([name, xs]) => [name, median(xs)]))
}

const oneFiber = await measureAll(inOneFiber)
const calls = await measureAll(perCall)
await runtime.dispose()

const bare = { fiber: oneFiber["Effect.promise (the attempt alone)"]!, call: calls["Effect.promise (the attempt alone)"]! }
console.log(`Node ${process.version}, effect ${effectVersion}; ` +
  `${operations.toLocaleString("en-US")} operations × ${rounds} rounds, CPU µs per operation (median round)`)
console.log("| around one Effect.promise | in one fiber | + over the bare promise | one runPromise each | + over the bare promise |")
console.log("|---|---|---|---|---|")
for (const name of Object.keys(variants)) {
  const f = oneFiber[name]!
  const c = calls[name]!
  console.log(`| ${name} | ${f.toFixed(2)} | ${(f - bare.fiber).toFixed(2)} | ${c.toFixed(2)} | ${(c - bare.call).toFixed(2)} |`)
}
