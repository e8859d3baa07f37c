/**
 * Run with `--import tsx --import ./hide-peers.mjs` and HIDE_PEERS set: imports effect-xtopay/node
 * and effect-xtopay/rate-limit (which must not need their optional peers to load), then builds
 * each layer that does and prints, as JSON, what its build died with ("built" when it built).
 */
import { Cause, Effect, Exit, Layer } from "effect"

const outcome = <A, E>(layer: Layer.Layer<A, E>) =>
  Effect.runPromise(Effect.exit(Effect.scoped(Layer.build(layer)))).then((exit) =>
    Exit.isSuccess(exit) ? "built" : String((Cause.squash(exit.cause) as Error)?.message)
  )

const node = await import("../../src/node.js")
const rateLimit = await import("../../src/rate-limit.js")
const report = {
  layerHttpClient: await outcome(node.layerHttpClient()),
  layerMemory: await outcome(rateLimit.XtopayRateLimit.layerMemory({ limit: 5, window: "1 second" })),
  layerRedis: await outcome(
    rateLimit.XtopayRateLimit.layerRedis({ limit: 5, window: "1 second", redis: { host: "127.0.0.1", port: 9 } })
  )
}
process.stdout.write(JSON.stringify(report) + "\n")
