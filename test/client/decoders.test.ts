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
  decodePaymentMethodPage
} from "../../src/internal/decoders.js"
import { Customer, CustomerDetails, CustomerPage, PaymentMethod, PaymentMethodPage } from "../../src/Schemas.js"

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
