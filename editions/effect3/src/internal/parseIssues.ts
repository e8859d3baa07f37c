/**
 * What a schema failure says, bounded: where the value is wrong and, briefly, how. Effect's
 * formatters render the whole value at fault (a 20 MB answer gives a 60-million-character
 * message) and recurse into it (JSON nested thousands deep overflows the stack); this walks the
 * issue tree, which is as deep as the schema, not the value, and quotes values through core's
 * bounded `quote`.
 */
import { quote, truncate } from "#core/text.js"
import type { ParseResult } from "effect"

/** The most faults a message names; beyond them, "…". */
const MAX_FAULTS = 3

/** How much of a wrong value a fault quotes. */
const VALUE_LIMIT = 80

/** One path segment: a plain key as is, any other quoted and bounded. */
const showKey = (key: PropertyKey): string =>
  typeof key === "number" || (typeof key === "string" && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(key))
    ? String(key)
    : quote(typeof key === "symbol" ? String(key) : key, 40)

/** What is wrong at a leaf of the issue tree, in a few words. */
const leafReason = (issue: ParseResult.ParseIssue): string => {
  switch (issue._tag) {
    case "Missing":
      return "is missing"
    case "Unexpected":
      return "is not expected"
    case "Forbidden":
      return "cannot be checked here"
    case "Type": {
      // A filter's own message (the scalar rules quote through `quote` too), else the expected type.
      const message = issue.message
      if (message !== undefined) return truncate(message, 200)
      return `expected ${truncate(String(issue.ast), 60)}, got ${quote(issue.actual, VALUE_LIMIT)}`
    }
    default:
      return "is invalid"
  }
}

/** A fault: where (the path from the value's root) and what. */
export interface Fault {
  readonly path: ReadonlyArray<PropertyKey>
  readonly reason: string
}

/** The first faults of `root`, in order, without formatting anything but what they name. */
export const faultsOf = (root: ParseResult.ParseIssue, limit: number = MAX_FAULTS + 1): ReadonlyArray<Fault> => {
  const faults: Array<Fault> = []
  const pending: Array<readonly [ParseResult.ParseIssue, ReadonlyArray<PropertyKey>]> = [[root, []]]
  while (pending.length > 0 && faults.length < limit) {
    const [issue, path] = pending.pop()!
    switch (issue._tag) {
      case "Pointer":
        pending.push([issue.issue, [...path, ...(Array.isArray(issue.path) ? issue.path : [issue.path])]])
        break
      case "Composite":
        // Reversed onto the stack, so that the issues are visited in order.
        for (const inner of (Array.isArray(issue.issues) ? [...issue.issues] : [issue.issues]).reverse()) {
          pending.push([inner as ParseResult.ParseIssue, path])
        }
        break
      case "Refinement":
      case "Transformation":
        pending.push([issue.issue, path])
        break
      default:
        faults.push({ path, reason: leafReason(issue) })
    }
  }
  return faults
}

/** A fault's path as a message shows it: `data.0.metadata`, or `(the value)` at the root. */
export const showPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.length === 0 ? "(the value)" : truncate(path.map(showKey).join("."), 120)

/** `email: expected string, got 42; metadata.deep: …`, bounded. */
export const describeIssue = (issue: ParseResult.ParseIssue): string => {
  const faults = faultsOf(issue)
  const shown = faults.slice(0, MAX_FAULTS).map((fault) => `${showPath(fault.path)} ${fault.reason}`)
  return truncate(`${shown.join("; ")}${faults.length > MAX_FAULTS ? "; …" : ""}`, 600)
}
