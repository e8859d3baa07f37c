/**
 * Reading an ISO 8601 timestamp: the `Timestamp` schema and the compiled response decoders use it.
 */
import { DateTime } from "effect"

/** A date, optionally with a time (group 1) and an offset (group 2). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** The instant an ISO 8601 timestamp names; Xtopay prints UTC, so a time without an offset is UTC, never local time. */
export const timestampUtc = (input: string): DateTime.Utc | undefined => {
  const printed = printedMillis(input)
  if (printed !== undefined) return DateTime.unsafeMake(printed)
  const iso = ISO_8601.exec(input)
  if (iso === null) return undefined
  const millis = Date.parse(iso[1] !== undefined && iso[2] === undefined ? `${input}Z` : input)
  return Number.isNaN(millis) ? undefined : DateTime.unsafeMake(millis)
}

/** The digit at `i` (0–9), or -1: a timestamp is ASCII, so one char code is one character. */
const digit = (s: string, i: number): number => {
  const d = s.charCodeAt(i) - 48
  return d >= 0 && d <= 9 ? d : -1
}

/** Two digits at `i` as a number, or -1. */
const two = (s: string, i: number): number => {
  const a = digit(s, i)
  const b = digit(s, i + 1)
  return a < 0 || b < 0 ? -1 : a * 10 + b
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)

/**
 * The form Xtopay prints, `2026-05-24T10:00:00Z` or `2026-05-24T10:00:00.123Z`, read by hand: a
 * listing page has a hundred of them, and the regular expression and `Date.parse` cost about half
 * of decoding it. Only a real calendar instant is read here (year 100 or later, month 1–12, a day
 * the month has, 00:00:00–23:59:59); anything else (other forms, offsets, `24:00`, Feb 30) is
 * left to `Date.parse`.
 */
const printedMillis = (s: string): number | undefined => {
  if (s.length !== 20 && s.length !== 24) return undefined
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return undefined // "-", "-", "T"
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || s.charCodeAt(s.length - 1) !== 90) return undefined // ":", ":", "Z"
  const century = two(s, 0)
  const yy = two(s, 2)
  const month = two(s, 5)
  const day = two(s, 8)
  const hour = two(s, 11)
  const minute = two(s, 14)
  const second = two(s, 17)
  if (century < 0 || yy < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23) return undefined
  if (minute < 0 || minute > 59 || second < 0 || second > 59) return undefined
  const year = century * 100 + yy
  // Date.UTC reads years 0–99 as 1900–1999: those go to Date.parse.
  if (year < 100) return undefined
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined
  let millis = 0
  if (s.length === 24) {
    const d0 = digit(s, 20)
    const d12 = two(s, 21)
    if (s.charCodeAt(19) !== 46 || d0 < 0 || d12 < 0) return undefined // "."
    millis = d0 * 100 + d12
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis)
}
