/**
 * A schema failure as the client and the fake report it: the first issue's path and message
 * (Effect 4's Standard Schema formatter), and whether a required field was absent.
 */
import { type Schema, SchemaIssue } from "effect"

export interface FirstIssue {
  readonly path: ReadonlyArray<string>
  readonly message: string
  readonly missing: boolean
}

const format = SchemaIssue.makeFormatterStandardSchemaV1()

/** The first leaf of an issue tree: where a Standard Schema formatter's first entry comes from. */
const firstLeaf = (issue: SchemaIssue.Issue): SchemaIssue.Issue => {
  let current: SchemaIssue.Issue = issue
  for (;;) {
    const node = current as { readonly issue?: SchemaIssue.Issue; readonly issues?: ReadonlyArray<SchemaIssue.Issue> }
    if (node.issue !== undefined) current = node.issue
    else if (node.issues !== undefined && node.issues.length > 0) current = node.issues[0]!
    else return current
  }
}

export const firstIssue = (error: Schema.SchemaError): FirstIssue => {
  const [entry] = format(error.issue).issues
  const missing = firstLeaf(error.issue)._tag === "MissingKey"
  if (entry === undefined) return { path: [], message: error.message, missing }
  return {
    path: (entry.path ?? []).map((segment) => String(typeof segment === "object" ? segment.key : segment)),
    message: entry.message,
    missing
  }
}
