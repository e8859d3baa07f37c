/**
 * The decoders' fast path (the exact wire shape first) must give exactly what the tolerant public
 * schemas give, for every value those schemas can produce, and fall back to them for answers that
 * leave fields out.
 */
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Either, FastCheck as fc, Schema } from "effect"
import {
  decodeCustomer,
  decodeCustomerDetails,
  decodeCustomerPage,
  decodePaymentMethod,
  decodePaymentMethodPage,
  exactPage,
  ExactCustomer,
  ExactCustomerDetails,
  ExactPaymentMethod,
  timestamp
} from "../../src/internal/decoders.js"
import { compile, decodeEither, MISMATCH } from "../../src/internal/compile.js"
import { timestampMillis, timestampMillisGeneral } from "../../src/internal/timestamp.js"
import {
  Customer,
  CustomerCreateParams,
  CustomerDetails,
  CustomerListParams,
  CustomerPage,
  CustomerUpdateParams,
  IdempotencyKey,
  ObjectId,
  PaymentMethod,
  PaymentMethodListParams,
  PaymentMethodPage,
  PortalSessionCreateParams,
  SetupIntentCreateParams
} from "../../src/Schemas.js"

const agrees = <A, I>(schema: Schema.Schema<A, I>, fast: (u: unknown) => Either.Either<A, unknown>) => {
  const tolerant = Schema.decodeUnknownEither(schema)
  const encode = Schema.encodeSync(schema)
  fc.assert(
    fc.property(Arbitrary.make(schema), (value) => {
      const wire: unknown = JSON.parse(JSON.stringify(encode(value)))
      const viaFast = fast(wire)
      const viaTolerant = tolerant(wire)
      // (A year past 9999 encodes to a string neither accepts; then both must refuse it.)
      if (Either.isRight(viaTolerant)) assert.deepStrictEqual(viaFast, viaTolerant)
      else assert.isTrue(Either.isLeft(viaFast))
    }),
    { numRuns: 200 }
  )
}

describe("response decoders", () => {
  it("give what the public schemas give, for any value they encode", () => {
    agrees(Customer, decodeCustomer)
    agrees(CustomerDetails, decodeCustomerDetails)
    agrees(PaymentMethod, decodePaymentMethod)
    agrees(CustomerPage, decodeCustomerPage)
    agrees(PaymentMethodPage, decodePaymentMethodPage)
  })

  it("fall back to the tolerant schema when a field is left out, with its defaults", () => {
    const sparse = { id: "cus_1", email: "ama@example.com", created_at: "2026-05-24T10:00:00Z" }
    const decoded = Either.getOrThrow(decodeCustomer(sparse))
    assert.deepStrictEqual(
      { name: decoded.name, phone: decoded.phone, currency: decoded.currency, metadata: decoded.metadata },
      { name: null, phone: null, currency: "GHS", metadata: {} }
    )
    const page = Either.getOrThrow(decodeCustomerPage({ data: [sparse], pagination: { has_more: false } }))
    assert.deepStrictEqual(page.pagination, { has_more: false, next_cursor: null, previous_cursor: null, total_count: null })
  })

  it("fail with the tolerant schema's error when neither shape fits", () => {
    const result = decodeCustomer({ id: "cus_1" })
    assert.isTrue(Either.isLeft(result))
    if (Either.isLeft(result)) assert.include(result.left.message, "email")
  })
})

describe("compiled exact-shape decoders", () => {
  const shapes: ReadonlyArray<readonly [string, Schema.Schema<any, any>]> = [
    ["Customer", ExactCustomer],
    ["CustomerDetails", ExactCustomerDetails],
    ["PaymentMethod", ExactPaymentMethod],
    ["Customer page", exactPage(ExactCustomer)],
    ["PaymentMethod page", exactPage(ExactPaymentMethod)]
  ]

  it("every exact wire shape compiles (else decoding silently runs the slow way)", () => {
    for (const [name, schema] of shapes) assert.isDefined(compile(schema, [timestamp]), name)
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

  it("never accept what the schema refuses, and give exactly what it gives", () => {
    for (const [, schema] of shapes) {
      const compiled = compile(schema, [timestamp])!
      const viaSchema = Schema.decodeUnknownEither(schema)
      fc.assert(
        fc.property(nearMisses(schema), (wire) => {
          const fast = compiled(wire)
          const slow = viaSchema(wire)
          if (fast === MISMATCH) return
          assert.isTrue(Either.isRight(slow), `compiled accepted what the schema refuses: ${JSON.stringify(wire)}`)
          if (Either.isRight(slow)) assert.deepStrictEqual(fast, slow.right)
        }),
        { numRuns: 300 }
      )
    }
  })

  it("leave a __proto__ metadata key to the schema", () => {
    const wire = JSON.parse(
      '{"id":"cus_1","email":"a@b.co","name":null,"phone":null,"currency":"GHS","metadata":{"__proto__":"x"},"created_at":"2026-05-24T10:00:00Z"}'
    )
    assert.strictEqual(compile(ExactCustomer, [timestamp])!(wire), MISMATCH)
    const decoded = Either.getOrThrow(decodeCustomer(wire))
    assert.strictEqual(Object.getPrototypeOf(decoded.metadata), Object.prototype)
  })
})

describe("compiled request validators", () => {
  const inputs: ReadonlyArray<readonly [string, Schema.Schema<any, any>]> = [
    ["CustomerCreateParams", CustomerCreateParams],
    ["CustomerUpdateParams", CustomerUpdateParams],
    ["CustomerListParams", CustomerListParams],
    ["PaymentMethodListParams", PaymentMethodListParams],
    ["SetupIntentCreateParams", SetupIntentCreateParams],
    ["PortalSessionCreateParams", PortalSessionCreateParams],
    ["ObjectId", ObjectId],
    ["IdempotencyKey", IdempotencyKey]
  ]

  it("every request schema compiles (else validation silently runs the slow way)", () => {
    for (const [name, schema] of inputs) assert.isDefined(compile(schema), name)
  })

  /** Values each field may get from a caller: valid ones, near misses, and the wrong types. */
  const fieldValue = fc.constantFrom<unknown>(
    undefined, null, "", " ", "x", "..", "a/b", "cus_a1b2c3", "ama@example.com", "ama@example", "a b@example.com",
    "+233244000000", "0244000000", "+2332440000001234", "GHS", "ghs", "GHSX", "https://shop.example.com/account",
    "ftp://x", "x".repeat(300), 0, 1, 50, 100, 101, 1.5, -1, Number.NaN, true, [], ["x"], {}, { plan: "gold" },
    { plan: null }, { plan: 1 }
  )
  const FIELDS = ["email", "name", "phone", "currency", "metadata", "limit", "after", "before", "customer_id", "return_url", "extra"]
  /** Objects with any of the fields (own, or inherited from a prototype), and values that are not objects at all. */
  const candidate = fc.oneof(
    fc.tuple(fc.dictionary(fc.constantFrom(...FIELDS), fieldValue), fc.dictionary(fc.constantFrom(...FIELDS), fieldValue))
      .map(([own, inherited]) => Object.assign(Object.create(inherited) as object, own)),
    fc.dictionary(fc.constantFrom(...FIELDS), fieldValue),
    fieldValue
  )

  it("accept exactly what the schema accepts, and give exactly what it gives", () => {
    for (const [name, schema] of inputs) {
      const compiled = compile(schema)!
      const viaSchema = Schema.decodeUnknownEither(schema, { errors: "first" })
      const viaValidator = decodeEither(schema, { errors: "first" })
      fc.assert(
        fc.property(candidate, (input) => {
          const fast = compiled(input)
          const slow = viaSchema(input)
          if (fast !== MISMATCH) {
            assert.isTrue(Either.isRight(slow), `${name}: compiled accepted what the schema refuses`)
            if (Either.isRight(slow)) assert.deepStrictEqual(fast, slow.right)
          } else if (Either.isRight(slow)) {
            // Only a missing required key read through the prototype is left to the schema.
            assert.isTrue(typeof input === "object" && input !== null, `${name}: compiled refused what the schema accepts`)
          }
          // What the validators use: the same answer, or the same error, either way.
          assert.deepStrictEqual(viaValidator(input), slow)
        }),
        { numRuns: 1_000 }
      )
    }
  })

  it("an optional field counts only as the value's own key; a required one may be inherited, as in the schema", () => {
    const inherited = Object.create({ name: "from the prototype" }) as Record<string, unknown>
    inherited.email = "ama@example.com"
    assert.deepStrictEqual(compile(CustomerCreateParams)!(inherited), { email: "ama@example.com" })
    assert.deepStrictEqual(
      Either.getOrThrow(Schema.decodeUnknownEither(CustomerCreateParams)(inherited)),
      { email: "ama@example.com" }
    )
  })
})

describe("reading timestamps", () => {
  const pad = (n: number, width: number) => String(n).padStart(width, "0")
  /** Timestamps in the canonical form and near it, some out of range, some not timestamps at all. */
  const candidates = fc.oneof(
    fc.tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.option(fc.integer({ min: 0, max: 999 })),
      fc.constantFrom("Z", "", "+00:00", "z")
    ).map(([y, mo, d, h, mi, s, ms, zone]) =>
      `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${
        ms === null ? "" : `.${pad(ms, 3)}`
      }${zone}`
    ),
    fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
    fc.string({ minLength: 20, maxLength: 24 })
  )

  it("the fast reader of Xtopay's form agrees with Date.parse on every input", () => {
    fc.assert(
      fc.property(candidates, (input) => {
        assert.deepStrictEqual(timestampMillis(input), timestampMillisGeneral(input), input)
      }),
      { numRuns: 5_000 }
    )
  })

  it("reads leap days, and a day past the month's end as Date.parse does", () => {
    assert.strictEqual(timestampMillis("2024-02-29T12:00:00Z"), Date.UTC(2024, 1, 29, 12))
    assert.strictEqual(timestampMillis("2023-02-30T00:00:00Z"), Date.parse("2023-02-30T00:00:00Z"))
    assert.isNaN(timestampMillis("2026-13-01T00:00:00Z"))
    assert.strictEqual(timestampMillis("2026-05-24T10:00:00.123Z"), Date.UTC(2026, 4, 24, 10, 0, 0, 123))
  })
})
