/**
 * A tracer that keeps every span and a logger that keeps every line, for tests that check what a
 * call traces and logs.
 */
import { Cause, type Context, type Exit, HashMap, Layer, List, Logger, LogLevel, Option, Tracer } from "effect"
import { inspect } from "node:util"

export class RecordedSpan implements Tracer.Span {
  readonly _tag = "Span"
  readonly spanId: string
  readonly traceId: string
  readonly sampled = true
  status: Tracer.SpanStatus
  readonly attributes = new Map<string, unknown>()
  readonly events: Array<{ readonly name: string; readonly attributes: Record<string, unknown> | undefined }> = []
  links: Array<Tracer.SpanLink>

  constructor(
    readonly name: string,
    readonly parent: Option.Option<Tracer.AnySpan>,
    readonly context: Context.Context<never>,
    links: ReadonlyArray<Tracer.SpanLink>,
    startTime: bigint,
    readonly kind: Tracer.SpanKind,
    id: number
  ) {
    this.status = { _tag: "Started", startTime }
    this.spanId = id.toString(16).padStart(16, "0")
    this.traceId = Option.isSome(parent) ? parent.value.traceId : id.toString(16).padStart(32, "0")
    this.links = [...links]
  }
  end(endTime: bigint, exit: Exit.Exit<unknown, unknown>): void {
    this.status = { _tag: "Ended", startTime: this.status.startTime, endTime, exit }
  }
  attribute(key: string, value: unknown): void {
    this.attributes.set(key, value)
  }
  event(name: string, _startTime: bigint, attributes?: Record<string, unknown>): void {
    this.events.push({ name, attributes })
  }
  addLinks(links: ReadonlyArray<Tracer.SpanLink>): void {
    this.links.push(...links)
  }
}

/** A tracer that keeps every span it makes. */
export const makeRecordingTracer = () => {
  const spans: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const span = new RecordedSpan(name, parent, context, links, startTime, kind, spans.length + 1)
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { spans, tracer }
}

/** Everything a span holds that an exporter would send, as text. */
export const spanText = (span: RecordedSpan): string =>
  inspect({ name: span.name, attributes: [...span.attributes], events: span.events }, { depth: null })

/** A logger that keeps every line, with its level, annotations and cause, as text. */
export const makeRecordingLogger = () => {
  const lines: Array<{
    readonly level: string
    readonly message: string
    readonly annotations: Record<string, unknown>
    readonly text: string
  }> = []
  const logger = Logger.make(({ annotations, cause, logLevel, message, spans }) => {
    const record = Object.fromEntries(HashMap.toEntries(annotations))
    const messages = Array.isArray(message) ? message : [message]
    lines.push({
      level: logLevel.label,
      message: messages.map((part) => typeof part === "string" ? part : inspect(part, { depth: null })).join(" "),
      annotations: record,
      text: [
        logLevel.label,
        inspect(messages, { depth: null }),
        inspect(record, { depth: null }),
        List.toArray(spans).map((span) => span.label).join(","),
        Cause.isEmpty(cause) ? "" : Cause.pretty(cause, { renderErrorCause: true })
      ].join(" | ")
    })
  })
  /** Replaces the default logger and lets Debug through. */
  const layer = Layer.merge(Logger.replace(Logger.defaultLogger, logger), Logger.minimumLogLevel(LogLevel.Debug))
  return { lines, layer }
}
