/**
 * ISO 8601 timestamps as Xtopay reads and prints them, over epoch milliseconds: each edition's
 * `Timestamp` schema wraps these, so both decode a timestamp to the same instant and print it alike.
 */

/** A date, optionally with a time (group 1) and an offset (group 2). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** The epoch milliseconds an ISO 8601 timestamp names; Xtopay prints UTC, so a time without an offset is UTC, never local time. */
export const parseTimestampMillis = (input: string): number | undefined => {
  const iso = ISO_8601.exec(input)
  if (iso === null) return undefined
  const millis = Date.parse(iso[1] !== undefined && iso[2] === undefined ? `${input}Z` : input)
  return Number.isNaN(millis) ? undefined : millis
}

/** An instant as Xtopay prints it: ISO 8601 UTC, without `.000` when the milliseconds are zero. */
export const printTimestampMillis = (epochMillis: number): string => {
  const iso = new Date(epochMillis).toISOString()
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso
}
