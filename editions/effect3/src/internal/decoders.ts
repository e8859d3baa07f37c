/**
 * Response decoders with a fast path. The public schemas in `Schemas.ts` tolerate what the real
 * API may leave out (a missing `metadata`, `previous_cursor`, …) with defaults — and one default
 * makes Effect Schema parse a whole object twice. Every answer of the in-memory Xtopay, and of a
 * well-behaved API, carries every field, so each decoder first tries the exact wire shape (every
 * field required, no defaults) and falls back to the tolerant schema only when that fails. Same
 * result either way: a test holds the two to it.
 */
import { Either, type ParseResult, Schema } from "effect"
import {
  Card,
  Customer,
  CustomerDetails,
  CustomerPage,
  Metadata,
  PaymentMethod,
  PaymentMethodPage,
  Timestamp
} from "../Schemas.js"
import { compile, type KnownTransformation, MISMATCH } from "./compile.js"
import { timestampUtc } from "./timestamp.js"

// Enums that keep unknown values decode to `string` either way: the exact shape checks just that.
const exactCustomerFields = {
  id: Schema.String,
  email: Schema.String,
  name: Schema.NullOr(Schema.String),
  phone: Schema.NullOr(Schema.String),
  currency: Schema.String,
  metadata: Metadata,
  created_at: Timestamp
}

export const ExactCustomer = Schema.Struct(exactCustomerFields)

export const ExactPaymentMethod = Schema.Struct({
  id: Schema.String,
  customer_id: Schema.NullOr(Schema.String),
  type: Schema.String,
  card: Schema.NullOr(Card),
  mobile_money: Schema.NullOr(Schema.Struct({ network: Schema.String, phone: Schema.String })),
  created_at: Timestamp
})

const ExactSubscription = Schema.Struct({
  id: Schema.String,
  status: Schema.String,
  plan_id: Schema.String,
  current_period_end: Schema.NullOr(Timestamp),
  cancel_at_period_end: Schema.Boolean,
  created_at: Timestamp
})

export const ExactCustomerDetails = Schema.Struct({
  ...exactCustomerFields,
  subscriptions: Schema.Array(ExactSubscription),
  payment_methods: Schema.Array(ExactPaymentMethod)
})

const ExactPagination = Schema.Struct({
  has_more: Schema.Boolean,
  next_cursor: Schema.NullOr(Schema.String),
  previous_cursor: Schema.NullOr(Schema.String),
  total_count: Schema.NullOr(Schema.Number)
})

export const exactPage = <A, I>(item: Schema.Schema<A, I>) => Schema.Struct({ data: Schema.Array(item), pagination: ExactPagination })

/** Decodes a value the caller owns (fresh `JSON.parse` output): the compiled fast path decodes it in place. */
export type Decoder<A> = (u: unknown) => Either.Either<A, ParseResult.ParseError>

/** `Timestamp`, run by the compiled decoders as a plain function. */
export const timestamp: KnownTransformation = {
  ast: Timestamp.ast,
  decode: (u) => (typeof u === "string" ? timestampUtc(u) : undefined) ?? MISMATCH
}

/**
 * The exact shape first, compiled to plain closures (`compile.ts`) that decode the value in place;
 * the tolerant schema (and its error message) when that fails, on the value as it came. Both must
 * decode to the same type `A`, which the compiler checks here. An exact shape the compiler cannot
 * compile runs through Effect Schema instead.
 */
export const preferExact = <A>(exact: Schema.Schema<A, any>, tolerant: Schema.Schema<A, any>): Decoder<A> => {
  const fast = compile(exact, [timestamp]) ?? schemaDecoder(exact)
  const slow = Schema.decodeUnknownEither(tolerant)
  return (u) => {
    const result = fast(u)
    return result !== MISMATCH ? Either.right(result) : slow(u)
  }
}

/** An exact shape through Effect Schema, answering `MISMATCH` as a compiled decoder does. */
const schemaDecoder = <A>(exact: Schema.Schema<A, any>) => {
  const decode = Schema.decodeUnknownEither(exact)
  return (u: unknown): A | typeof MISMATCH => {
    const result = decode(u)
    return Either.isRight(result) ? result.right : MISMATCH
  }
}

/**
 * The decoder of each response schema: the five shapes that answer every customer and payment
 * method call take the compiled exact shape first (streaming 100k customers measured ≈ 1.3× faster
 * than plain Schema decoding over loopback, docs/performance.md); any other schema decodes with
 * Schema alone.
 */
const decoders = new Map<Schema.Schema<any, any>, Decoder<any>>([
  [Customer, preferExact(ExactCustomer, Customer)],
  [CustomerDetails, preferExact(ExactCustomerDetails, CustomerDetails)],
  [CustomerPage, preferExact(exactPage(ExactCustomer), CustomerPage)],
  [PaymentMethod, preferExact(ExactPaymentMethod, PaymentMethod)],
  [PaymentMethodPage, preferExact(exactPage(ExactPaymentMethod), PaymentMethodPage)]
])

export const decoderFor = <A>(schema: Schema.Schema<A, any>): Decoder<A> => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) {
    decoder = Schema.decodeUnknownEither(schema)
    decoders.set(schema, decoder)
  }
  return decoder
}
