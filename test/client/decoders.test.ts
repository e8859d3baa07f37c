/**
 * The response schemas as the client decodes with them: what the fake encodes decodes to the same
 * value, fields the real API may leave out get their defaults, and timestamps read as Xtopay prints them.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, DateTime, Either, FastCheck as fc, Schema } from "effect"
import { Customer, CustomerDetails, CustomerPage, PaymentMethod, PaymentMethodPage, Timestamp } from "../../src/Schemas.js"

describe("response schemas", () => {
  for (const [name, schema] of [
    ["Customer", Customer],
    ["CustomerDetails", CustomerDetails],
    ["CustomerPage", CustomerPage],
    ["PaymentMethod", PaymentMethod],
    ["PaymentMethodPage", PaymentMethodPage]
  ] as const) {
    it(`${name}: what is encoded to JSON decodes to a value that encodes to the same JSON`, () => {
      const encode = Schema.encodeSync(schema as Schema.Schema<unknown, unknown>)
      const decode = Schema.decodeUnknownEither(schema as Schema.Schema<unknown, unknown>)
      fc.assert(
        fc.property(Arbitrary.make(schema as Schema.Schema<unknown, unknown>), (value) => {
          const wire = JSON.stringify(encode(value))
          const decoded = decode(JSON.parse(wire))
          // (A year past 9999 encodes to a string the schema refuses; JSON has no -0, hence the comparison as JSON.)
          if (Either.isRight(decoded)) assert.strictEqual(JSON.stringify(encode(decoded.right)), wire)
        }),
        { numRuns: 100 }
      )
    })
  }

  it("fields the real API may leave out get their defaults", () => {
    const decoded = Schema.decodeUnknownSync(CustomerDetails)({ id: "cus_1", email: "a@b.co", created_at: "2026-05-24T10:00:00Z" })
    assert.strictEqual(decoded.name, null)
    assert.strictEqual(decoded.phone, null)
    assert.strictEqual(decoded.currency, "GHS")
    assert.deepStrictEqual(decoded.metadata, {})
    assert.deepStrictEqual(decoded.subscriptions, [])
    assert.deepStrictEqual(decoded.payment_methods, [])
  })
})

describe("reading timestamps", () => {
  const read = Schema.decodeUnknownEither(Timestamp)
  const millis = (input: string) => Either.map(read(input), DateTime.toEpochMillis)

  it("reads Xtopay's form, with or without milliseconds, and any ISO 8601 offset", () => {
    assert.deepStrictEqual(millis("2026-05-24T10:00:00Z"), Either.right(Date.UTC(2026, 4, 24, 10)))
    assert.deepStrictEqual(millis("2026-05-24T10:00:00.123Z"), Either.right(Date.UTC(2026, 4, 24, 10, 0, 0, 123)))
    assert.deepStrictEqual(millis("2026-05-24T12:00:00+02:00"), Either.right(Date.UTC(2026, 4, 24, 10)))
    assert.deepStrictEqual(millis("2024-02-29T12:00:00Z"), Either.right(Date.UTC(2024, 1, 29, 12)))
  })

  it("a time without an offset is UTC, never this machine's local time", () => {
    assert.deepStrictEqual(millis("2026-05-24T10:00:00"), Either.right(Date.UTC(2026, 4, 24, 10)))
  })

  it("refuses what is not an ISO 8601 timestamp", () => {
    for (const input of ["2026-13-01T00:00:00Z", "24 May 2026", "1779616800", "", "2026-05-24T10:00:00Zjunk"]) {
      assert.isTrue(Either.isLeft(read(input)), input)
    }
  })

  it("encodes without milliseconds when they are zero, as Xtopay prints them", () => {
    assert.strictEqual(Schema.encodeSync(Timestamp)(DateTime.unsafeMake(Date.UTC(2026, 4, 24, 10))), "2026-05-24T10:00:00Z")
    assert.strictEqual(Schema.encodeSync(Timestamp)(DateTime.unsafeMake(Date.UTC(2026, 4, 24, 10, 0, 0, 5))), "2026-05-24T10:00:00.005Z")
  })
})
