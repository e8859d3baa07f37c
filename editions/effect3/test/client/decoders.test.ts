/**
 * The response schemas, and the client's decoders of them (compiled from the schemas, the schema
 * itself behind, held to the same result): what the fake encodes decodes to the same
 * value, fields the real API may leave out get their defaults, and timestamps read as Xtopay prints them.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, DateTime, Effect, Either, FastCheck as fc, ParseResult, Schema } from "effect"
import { compile, MISMATCH } from "../../src/internal/compile.js"
import { decoderFor } from "../../src/internal/decoders.js"
import { Customer, CustomerDetails, CustomerPage, PaymentMethod, PaymentMethodPage, Timestamp } from "../../src/Schemas.js"
import { XtopayClient } from "../../src/XtopayClient.js"
import { clientLayer, json } from "../support/scripted.js"

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

const agrees = <A, I>(schema: Schema.Schema<A, I>, fast: (u: unknown) => Either.Either<A, unknown>) => {
  const tolerant = Schema.decodeUnknownEither(schema)
  const encode = Schema.encodeSync(schema)
  fc.assert(
    fc.property(Arbitrary.make(schema), (value) => {
      const wire: unknown = JSON.parse(JSON.stringify(encode(value)))
      const viaTolerant = tolerant(wire)
      const viaFast = fast(wire)
      // (A year past 9999 encodes to a string neither accepts; then both must refuse it.)
      if (Either.isRight(viaTolerant)) assert.deepStrictEqual(viaFast, viaTolerant)
      else assert.isTrue(Either.isLeft(viaFast))
    }),
    { numRuns: 200 }
  )
}

describe("the client's response decoders", () => {
  it("give what the public schemas give, for any value they encode", () => {
    agrees(Customer, decoderFor(Customer))
    agrees(CustomerDetails, decoderFor(CustomerDetails))
    agrees(PaymentMethod, decoderFor(PaymentMethod))
    agrees(CustomerPage, decoderFor(CustomerPage))
    agrees(PaymentMethodPage, decoderFor(PaymentMethodPage))
  })

  it("fall back to the tolerant schema when a field is left out, with its defaults", () => {
    const sparse = { id: "cus_1", email: "ama@example.com", created_at: "2026-05-24T10:00:00Z" }
    const decoded = Either.getOrThrow(decoderFor(Customer)(sparse))
    assert.deepStrictEqual(
      { name: decoded.name, phone: decoded.phone, currency: decoded.currency, metadata: decoded.metadata },
      { name: null, phone: null, currency: "GHS", metadata: {} }
    )
    const page = Either.getOrThrow(decoderFor(CustomerPage)({ data: [sparse], pagination: { has_more: false } }))
    assert.deepStrictEqual(page.pagination, { has_more: false, next_cursor: null, previous_cursor: null, total_count: null })
  })

  it("fail with the tolerant schema's error when neither shape fits", () => {
    const result = decoderFor(Customer)({ id: "cus_1" })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) assert.include(result.left.message, "email")
  })
})

describe("decoders compiled from the public schemas", () => {
  const shapes: ReadonlyArray<readonly [string, Schema.Schema<any, any>]> = [
    ["Customer", Customer],
    ["CustomerDetails", CustomerDetails],
    ["PaymentMethod", PaymentMethod],
    ["CustomerPage", CustomerPage],
    ["PaymentMethodPage", PaymentMethodPage]
  ]

  it("every response schema of a customer or payment-method call compiles (else decoding silently runs the slow way)", () => {
    for (const [name, schema] of shapes) assert.isDefined(compile(schema.ast), name)
  })

  /** A wire value of the shape, then maybe one field broken: a wrong type, a missing key, a bad date. */
  const nearMisses = <A, I>(schema: Schema.Schema<A, I>) =>
    fc.tuple(Arbitrary.make(schema), fc.nat(), fc.constantFrom<unknown>(undefined, null, 1, "x", true, [], {}, "2026-13-45T99:99:99Z"), fc.boolean())
      .map(([value, pick, replacement, breakIt]) => {
        const wire: unknown = JSON.parse(JSON.stringify(Schema.encodeSync(schema)(value)))
        if (!breakIt) return wire
        // Walk to a random object or array inside the value and change one of its entries.
        const containers: Array<Record<string, unknown> | Array<unknown>> = []
        const collect = (u: unknown) => {
          if (typeof u === "object" && u !== null) {
            containers.push(u as Record<string, unknown>)
            for (const child of Object.values(u)) collect(child)
          }
        }
        collect(wire)
        const target = containers[pick % containers.length]!
        const keys = Object.keys(target)
        if (keys.length === 0) return wire
        const key = keys[pick % keys.length]!
        if (replacement === undefined) delete (target as Record<string, unknown>)[key]
        else (target as Record<string, unknown>)[key] = replacement
        return wire
      })

  it("never accept what the schema refuses, give exactly what it gives, and leave the value as it came", () => {
    for (const [, schema] of shapes) {
      const compiled = compile(schema.ast)!
      const viaSchema = Schema.decodeUnknownEither(schema)
      fc.assert(
        fc.property(nearMisses(schema), (wire) => {
          const pristine = structuredClone(wire)
          const slow = viaSchema(structuredClone(wire))
          const fast = compiled(wire)
          assert.deepStrictEqual(wire, pristine)
          if (fast === MISMATCH) return
          assert.isTrue(Either.isRight(slow), `compiled accepted what the schema refuses: ${JSON.stringify(pristine)}`)
          if (Either.isRight(slow)) assert.deepStrictEqual(fast, slow.right)
        }),
        { numRuns: 300 }
      )
    }
  })

  const wireCustomer = (n: number) => ({
    id: `cus_${n}`,
    email: `c${n}@example.com`,
    name: null,
    phone: null,
    currency: "GHS",
    metadata: { n: String(n) },
    created_at: "2026-05-24T10:00:00Z"
  })

  it("drop a key the shape does not name, as the schema does", () => {
    const wire = { data: [{ ...wireCustomer(1), loyalty_tier: "gold" }], pagination: { has_more: false, next_cursor: null, previous_cursor: null, total_count: 1 } }
    const expected = Schema.decodeUnknownSync(CustomerPage)(structuredClone(wire))
    const page = compile<typeof CustomerPage.Type>(CustomerPage.ast)!(wire)
    assert.notStrictEqual(page, MISMATCH)
    if (page === MISMATCH) return
    assert.deepStrictEqual(page, expected)
    assert.notProperty(page.data[0]!, "loyalty_tier")
  })

  it("leave a __proto__ metadata key to the schema, which refuses it (issue 25.8); a Customer still compiles", () => {
    const wire = JSON.parse(
      '{"id":"cus_1","email":"a@b.co","name":null,"phone":null,"currency":"GHS","metadata":{"__proto__":"x"},"created_at":"2026-05-24T10:00:00Z"}'
    )
    assert.strictEqual(compile(Customer.ast)!(wire), MISMATCH)
    const decoded = decoderFor(Customer)(wire)
    assert.isTrue(Either.isLeft(decoded))
    if (Either.isLeft(decoded)) {
      assert.deepStrictEqual(ParseResult.ArrayFormatter.formatErrorSync(decoded.left)[0]?.path, ["metadata", "__proto__"])
    }
  })

  // The fixture: `Customer` as it would be with one more optional field.
  const CustomerWithNickname = Schema.Struct({ ...Customer.fields, nickname: Schema.optional(Schema.String) })

  it.effect("an optional field added to a schema is decoded by its compiled decoder, and the client returns it", () =>
    Effect.gen(function*() {
      assert.isDefined(compile(CustomerWithNickname.ast))
      const client = yield* XtopayClient
      // The scripted answers: the first with the field, the second without.
      const read = client.execute({
        method: "GET",
        route: "/customers/:id",
        path: "/customers/cus_1",
        response: CustomerWithNickname,
        idempotencyKey: false,
        notFound: true
      })
      const named = yield* read
      assert.strictEqual(named.nickname, "Ama")
      assert.strictEqual(DateTime.toEpochMillis(named.created_at), Date.UTC(2026, 4, 24, 10))
      const unnamed = yield* read
      assert.notProperty(unnamed, "nickname")
    }).pipe(
      Effect.provide(clientLayer([
        json(200, { ...wireCustomer(1), nickname: "Ama" }),
        json(200, wireCustomer(1))
      ]))
    ))
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

  // The reference: the engine's own ISO reader on the text as given (a time with no offset gets a "Z").
  const byDateParse = (input: string): number | undefined => {
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(input)) return undefined
    const offset = /(Z|[+-]\d{2}:?\d{2})$/.test(input) || !input.includes("T")
    const parsed = Date.parse(offset ? input : `${input}Z`)
    return Number.isNaN(parsed) ? undefined : parsed
  }
  const read2 = (n: number) => String(n).padStart(2, "0")

  it("reads every text of Xtopay's printed form as Date.parse does, in range or not", () => {
    // Each field over and past its range: month 0–13, day 0–32 (Feb 29–31 in every kind of year), 24:00, :60.
    const printed = fc.record({
      year: fc.oneof(fc.constantFrom(1900, 2000, 2023, 2024, 2100), fc.integer({ min: 0, max: 9999 })),
      month: fc.integer({ min: 0, max: 13 }),
      day: fc.integer({ min: 0, max: 32 }),
      hour: fc.integer({ min: 0, max: 25 }),
      minute: fc.integer({ min: 0, max: 60 }),
      second: fc.integer({ min: 0, max: 60 }),
      millis: fc.option(fc.integer({ min: 0, max: 999 }))
    }).map(({ day, hour, millis, minute, month, second, year }) =>
      `${String(year).padStart(4, "0")}-${read2(month)}-${read2(day)}T${read2(hour)}:${read2(minute)}:${read2(second)}${
        millis === null ? "" : `.${String(millis).padStart(3, "0")}`
      }Z`
    )
    fc.assert(
      fc.property(printed, (input) => {
        assert.strictEqual(Either.getOrUndefined(millis(input)), byDateParse(input), input)
      }),
      { numRuns: 20_000 }
    )
  })

  it("reads any instant Xtopay prints to the millisecond it names", () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(100, 0, 1), max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) }), (instant) => {
        const iso = new Date(instant).toISOString()
        assert.deepStrictEqual(millis(iso), Either.right(instant), iso)
        assert.deepStrictEqual(millis(iso.replace(/\.\d{3}Z$/, "Z")), Either.right(instant - (((instant % 1000) + 1000) % 1000)), iso)
      }),
      { numRuns: 20_000 }
    )
  })

  it("refuses a text of the printed shape with something other than digits in it", () => {
    for (const input of ["2026-05-2xT10:00:00Z", "2026-05-24T1 :00:00Z", "2026-05-24T10:00:00.12xZ", "2026-05-24T10:00:00,123Z", "+026-05-24T10:00:00Z", "2026/05/24T10:00:00Z"]) {
      assert.isTrue(Either.isLeft(read(input)), input)
    }
  })

  it("encodes without milliseconds when they are zero, as Xtopay prints them", () => {
    assert.strictEqual(Schema.encodeSync(Timestamp)(DateTime.unsafeMake(Date.UTC(2026, 4, 24, 10))), "2026-05-24T10:00:00Z")
    assert.strictEqual(Schema.encodeSync(Timestamp)(DateTime.unsafeMake(Date.UTC(2026, 4, 24, 10, 0, 0, 5))), "2026-05-24T10:00:00.005Z")
  })
})
