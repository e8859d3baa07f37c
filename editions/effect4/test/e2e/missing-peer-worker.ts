/**
 * Run by missing-peer.test.ts in a child process where `@effect/platform-node` cannot be resolved:
 * imports the mock server's entry point, builds `MockServer.layer()`, and prints what happened.
 */
import { Cause, Effect, Exit, Layer } from "effect"
import { MockServer } from "../../src/testing/server.js"

const exit = await Effect.runPromiseExit(Effect.scoped(Layer.build(MockServer.layer())))
const outcome = Exit.isSuccess(exit) ? "built" : String((Cause.squash(exit.cause) as Error).message)
process.stdout.write(`${JSON.stringify({ imported: true, outcome })}\n`)
