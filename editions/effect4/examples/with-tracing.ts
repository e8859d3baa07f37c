/**
 * Every SDK call is one span named after the operation. This example installs a tiny tracer that
 * prints each span when it ends — name, duration, status and attributes — while a program runs
 * against the in-memory Xtopay. In production, export spans with effect/observability/OtlpTracer instead.
 *
 *   npx tsx examples/with-tracing.ts
 */
import { NodeRuntime } from "@effect/platform-node"
import { Effect, Exit, Layer, Option, Tracer } from "effect"
import { Customers, XtopayTest } from "effect-xtopay"

/** Effect 4's own span, printed when it ends: the ids, attributes and status stay Effect's. */
class ConsoleSpan extends Tracer.NativeSpan {
  override end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    super.end(endTime, exit)
    const millis = Number(endTime - this.startTime) / 1e6
    const depth = Option.isSome(this.parent) ? "  " : ""
    const outcome = Exit.isSuccess(exit) ? "ok" : "failed"
    const attributes = [...this.attributes].map(([k, v]) => `${k}=${String(v)}`).join(" ")
    console.log(`${depth}${this.name} ${millis.toFixed(2)}ms ${outcome} ${attributes}`)
  }
}

const ConsoleTracer = Tracer.make({ span: (options) => new ConsoleSpan(options) })

const program = Effect.gen(function*() {
  const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu" })
  yield* Customers.retrieve(ama.id)
  yield* Customers.update(ama.id, { metadata: { tier: "gold" } })
  yield* Customers.delete(ama.id)
  // A failed call is a span too, with its status.
  yield* Customers.retrieve(ama.id).pipe(Effect.catchTag("NotFound", () => Effect.void))
}).pipe(Effect.withSpan("checkout.example"))

program.pipe(
  // Effect 4: the tracer is a reference, provided like any service.
  Effect.provide(Layer.merge(XtopayTest, Layer.succeed(Tracer.Tracer, ConsoleTracer))),
  NodeRuntime.runMain
)
