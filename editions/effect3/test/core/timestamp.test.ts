/**
 * Core's ISO 8601 timestamps over epoch milliseconds: what each edition's `Timestamp` schema
 * decodes and prints.
 */
import { assert, describe, it } from "@effect/vitest"
import { parseTimestampMillis, printTimestampMillis } from "#core/timestamp.js"

describe("parseTimestampMillis", () => {
  it("reads UTC, offsets, dates alone, and a time without an offset as UTC", () => {
    const at = Date.UTC(2026, 4, 24, 10, 0, 0)
    assert.strictEqual(parseTimestampMillis("2026-05-24T10:00:00Z"), at)
    assert.strictEqual(parseTimestampMillis("2026-05-24T10:00:00.250Z"), at + 250)
    assert.strictEqual(parseTimestampMillis("2026-05-24T12:00:00+02:00"), at)
    assert.strictEqual(parseTimestampMillis("2026-05-24T10:00:00"), at)
    assert.strictEqual(parseTimestampMillis("2026-05-24T10:00"), at)
    assert.strictEqual(parseTimestampMillis("2026-05-24"), Date.UTC(2026, 4, 24))
  })

  it("refuses what is not an ISO 8601 timestamp, even what Date.parse would read", () => {
    for (const input of ["", "yesterday", "May 24 2026", "2026-13-40T10:00:00Z", "1779616800000", "2026-05-24 10:00:00Z"]) {
      assert.isUndefined(parseTimestampMillis(input), input)
    }
  })
})

describe("printTimestampMillis", () => {
  it("prints UTC, without .000 when the milliseconds are zero", () => {
    const at = Date.UTC(2026, 4, 24, 10, 0, 0)
    assert.strictEqual(printTimestampMillis(at), "2026-05-24T10:00:00Z")
    assert.strictEqual(printTimestampMillis(at + 7), "2026-05-24T10:00:00.007Z")
  })

  it("round-trips what it prints", () => {
    for (const millis of [0, 1, 999, 1_779_616_800_000, 1_779_616_800_123]) {
      assert.strictEqual(parseTimestampMillis(printTimestampMillis(millis)), millis)
    }
  })
})
