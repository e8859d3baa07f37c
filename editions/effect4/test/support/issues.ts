/**
 * A schema failure as the client reports it: the first issue's path and message (Effect 4's
 * Standard Schema formatter), the same two things the Effect 3 edition reads with its ArrayFormatter.
 */
import { Result, Schema, SchemaIssue } from "effect"

export interface FirstIssue {
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

const format = SchemaIssue.makeFormatterStandardSchemaV1()

/** The first issue of decoding `input` with `schema`, or `undefined` when it decodes. */
export const firstIssue = (schema: Schema.Top & { readonly DecodingServices: never }, input: unknown): FirstIssue | undefined => {
  const result = Schema.decodeUnknownResult(schema)(input)
  if (Result.isSuccess(result)) return undefined
  const [issue] = format(result.failure.issue).issues
  return issue === undefined ? { path: [], message: result.failure.message } : {
    path: (issue.path ?? []).map((segment) => typeof segment === "object" ? segment.key : segment),
    message: issue.message
  }
}
