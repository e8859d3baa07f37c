/**
 * Reading an ISO 8601 timestamp, shared by the `Timestamp` schema and the compiled decoders.
 */

/** A date, optionally with a time (group 1) and an offset (group 2). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * The epoch milliseconds of an ISO 8601 timestamp, or `NaN` when it is not one. Xtopay prints UTC:
 * a time without an offset is UTC, never this machine's local time.
 */
export const timestampMillis = (input: string): number => {
  const iso = ISO_8601.exec(input)
  return iso === null ? Number.NaN : Date.parse(iso[1] !== undefined && iso[2] === undefined ? `${input}Z` : input)
}
