/**
 * Reading an ISO 8601 timestamp, for the `Timestamp` schema: the same reading as the Effect 3
 * edition's, so both editions decode a timestamp to the same instant.
 */
import { DateTime } from "effect"

/** A date, optionally with a time (group 1) and an offset (group 2). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** The instant an ISO 8601 timestamp names; Xtopay prints UTC, so a time without an offset is UTC, never local time. */
export const timestampUtc = (input: string): DateTime.Utc | undefined => {
  const iso = ISO_8601.exec(input)
  if (iso === null) return undefined
  const millis = Date.parse(iso[1] !== undefined && iso[2] === undefined ? `${input}Z` : input)
  return Number.isNaN(millis) ? undefined : DateTime.makeUnsafe(millis)
}

/** An instant as Xtopay prints it: ISO 8601 UTC, without `.000` when the milliseconds are zero. */
export const printTimestamp = (dateTime: DateTime.Utc): string => {
  const iso = new Date(dateTime.epochMilliseconds).toISOString()
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso
}
