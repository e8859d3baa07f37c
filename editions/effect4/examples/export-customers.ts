/**
 * Streams every customer to standard output as NDJSON, one page in memory at a time, with a
 * progress line on standard error.
 *
 *   XTOPAY_CLIENT_ID=cid_test_… XTOPAY_CLIENT_SECRET=csk_test_… XTOPAY_BASE_URL=http://127.0.0.1:12111/v1 \
 *     npx tsx examples/export-customers.ts > customers.ndjson
 *
 * Without XTOPAY_CLIENT_ID it runs against the in-memory Xtopay, seeded with 2,500 customers.
 */
import { NodeRuntime } from "@effect/platform-node"
import { Config, Console, DateTime, Effect, Layer, Option, Stream } from "effect"
import { Customers, XtopayControl, XtopayLive, XtopayTest } from "effect-xtopay"

const exportAll = Customers.list({ limit: 100, prefetch: 1 }).pipe(
  Stream.map((customer) => JSON.stringify({ ...customer, created_at: DateTime.formatIso(customer.created_at) }) + "\n"),
  Stream.zipWithIndex,
  Stream.runForEach(([line, index]) =>
    Effect.sync(() => {
      process.stdout.write(line)
      if ((index + 1) % 500 === 0) process.stderr.write(`\rexported ${index + 1} customers`)
    })
  ),
  Effect.andThen(Console.error("\ndone"))
)

const inMemory = Layer.effectDiscard(
  Effect.gen(function*() {
    const control = yield* XtopayControl
    yield* control.seedCustomers(2_500)
  })
).pipe(Layer.provideMerge(XtopayTest))

// Effect 4: a Config is an Effect, so the world is chosen from the same ConfigProvider XtopayLive reads.
const world = Layer.unwrap(
  Effect.map(
    Config.option(Config.String("XTOPAY_CLIENT_ID")),
    (clientId) => Option.isSome(clientId) && clientId.value.trim() !== "" ? XtopayLive : inMemory
  )
)

exportAll.pipe(Effect.provide(world), NodeRuntime.runMain)
