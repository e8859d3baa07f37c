/**
 * Reading an ISO 8601 timestamp, shared by the `Timestamp` schema and the compiled decoders.
 */
import { DateTime } from "effect"

/** A date, optionally with a time (group 1) and an offset (group 2). */
const ISO_8601 = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/

/** Any ISO 8601 form: the pattern, then `Date.parse`. */
const general = (input: string): number => {
  const iso = ISO_8601.exec(input)
  return iso === null ? Number.NaN : Date.parse(iso[1] !== undefined && iso[2] === undefined ? `${input}Z` : input)
}

const ZERO = 48

/** The number the `length` digits at `at` spell, or -1 if one of them is not a digit. */
const digits = (input: string, at: number, length: number): number => {
  let value = 0
  for (let i = at; i < at + length; i++) {
    const digit = input.charCodeAt(i) - ZERO
    if (digit < 0 || digit > 9) return -1
    value = value * 10 + digit
  }
  return value
}

const daysIn = (year: number, month: number): number =>
  month === 2
    ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28)
    : month === 4 || month === 6 || month === 9 || month === 11
    ? 30
    : 31

/**
 * The one form Xtopay prints, `2026-05-24T10:00:00Z` or `2026-05-24T10:00:00.123Z`, read without a
 * regular expression or `Date.parse`; `undefined` for anything else, which `general` then reads.
 * Only values `Date.parse` reads the same way take this path: years from 1000, fields in range.
 */
const canonical = (input: string): number | undefined => {
  const length = input.length
  if (length !== 20 && length !== 24) return undefined
  if (
    input.charCodeAt(4) !== 45 || input.charCodeAt(7) !== 45 || input.charCodeAt(10) !== 84 ||
    input.charCodeAt(13) !== 58 || input.charCodeAt(16) !== 58 || input.charCodeAt(length - 1) !== 90
  ) return undefined
  if (length === 24 && input.charCodeAt(19) !== 46) return undefined
  const year = digits(input, 0, 4)
  const month = digits(input, 5, 2)
  const day = digits(input, 8, 2)
  const hour = digits(input, 11, 2)
  const minute = digits(input, 14, 2)
  const second = digits(input, 17, 2)
  const millis = length === 24 ? digits(input, 20, 3) : 0
  if (
    year < 1000 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23 ||
    minute < 0 || minute > 59 || second < 0 || second > 59 || millis < 0
  ) return undefined
  return Date.UTC(year, month - 1, day, hour, minute, second, millis)
}

/**
 * The epoch milliseconds of an ISO 8601 timestamp, or `NaN` when it is not one. Xtopay prints UTC:
 * a time without an offset is UTC, never this machine's local time.
 */
export const timestampMillis = (input: string): number => canonical(input) ?? general(input)

/** The `DateTime.Utc` an ISO 8601 timestamp names, or `undefined` when it is not one. */
export const timestampUtc = (input: string): DateTime.Utc | undefined => {
  const millis = timestampMillis(input)
  return Number.isNaN(millis) ? undefined : DateTime.unsafeMake(millis)
}

/** The general reader alone, for tests that hold the fast one to it. */
export const timestampMillisGeneral = general
