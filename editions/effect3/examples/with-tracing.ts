/**
 * Every SDK call is one span named after the operation. This example installs a tiny tracer that
 * prints each span when it ends — name, duration, status and attributes — while a program runs
 * against the in-memory Xtopay. In production, use @effect/opentelemetry instead.
 *
 *   npx tsx examples/with-tracing.ts
 */
import { Context, Effect, Exit, Layer, Option, Tracer } from "effect"
import { Customers, XtopayTest } from "effect-xtopay"

class ConsoleSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId = Math.random().toString(16).slice(2, 10)
  readonly traceId: string
  readonly sampled = true
  readonly attributes = new Map<string, unknown>()
  readonly links: Array<Tracer.SpanLink>
  status: Tracer.SpanStatus
  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind
  ) {
    this.traceId = Option.match(parent, { onNone: () => Math.random().toString(16).slice(2, 18), onSome: (p) => p.traceId })
    this.links = [...links]
    this.status = { _tag: "Started", startTime }
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>) {
    const startTime = this.status.startTime
    this.status = { _tag: "Ended", startTime, endTime, exit }
    const millis = Number(endTime - startTime) / 1e6
    const depth = Option.isSome(this.parent) ? "  " : ""
    const outcome = Exit.isSuccess(exit) ? "ok" : "failed"
    const attributes = [...this.attributes].map(([k, v]) => `${k}=${String(v)}`).join(" ")
    console.log(`${depth}${this.name} ${millis.toFixed(2)}ms ${outcome} ${attributes}`)
  }
  attribute(key: string, value: unknown) {
    this.attributes.set(key, value)
  }
  event() {}
  addLinks(links: ReadonlyArray<Tracer.SpanLink>) {
    this.links.push(...links)
  }
}

const ConsoleTracer = Tracer.make({
  span: (name, parent, context, links, startTime, kind) => new ConsoleSpan(name, parent, context, links, startTime, kind),
  context: (f) => f()
})

const program = Effect.gen(function*() {
  const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu" })
  yield* Customers.retrieve(ama.id)
  yield* Customers.update(ama.id, { metadata: { tier: "gold" } })
  yield* Customers.delete(ama.id)
  // A failed call is a span too, with its status.
  yield* Customers.retrieve(ama.id).pipe(Effect.catchTag("NotFound", () => Effect.void))
}).pipe(Effect.withSpan("checkout.example"))

program.pipe(
  Effect.provide(Layer.merge(XtopayTest, Layer.setTracer(ConsoleTracer))),
  Effect.runPromise
)
