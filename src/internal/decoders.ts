/**
 * Response decoders with a fast path. The public schemas in `Schemas.ts` tolerate what the real
 * API may leave out (a missing `metadata`, `previous_cursor`, …) with defaults — and one default
 * makes Effect Schema parse a whole object twice. Every answer of the in-memory Xtopay, and of a
 * well-behaved API, carries every field, so each decoder first tries the exact wire shape (every
 * field required, no defaults) and falls back to the tolerant schema only when that fails. Same
 * result either way: a test holds the two to it.
 */
import { type Either, type ParseResult, Schema } from "effect"
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
import { compiledFirst, type KnownTransformation, MISMATCH } from "./compile.js"
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

export type Decoder<A> = (u: unknown) => Either.Either<A, ParseResult.ParseError>

/** `Timestamp`, run by the compiled decoders as a plain function. */
export const timestamp: KnownTransformation = {
  ast: Timestamp.ast,
  decode: (u) => (typeof u === "string" ? timestampUtc(u) : undefined) ?? MISMATCH
}

/**
 * The exact shape first, compiled to plain closures (`compile.ts`); the tolerant schema (and its
 * error message) when that fails. Both must decode to the same type `A`, which the compiler checks
 * here. An exact shape the compiler cannot compile leaves the tolerant schema alone: it decodes
 * every exact answer the same way, only slower.
 */
export const preferExact = <A>(exact: Schema.Schema<A, any>, tolerant: Schema.Schema<A, any>): Decoder<A> =>
  compiledFirst(exact, Schema.decodeUnknownEither(tolerant), [timestamp])

export const decodeCustomer = preferExact(ExactCustomer, Customer)
export const decodeCustomerDetails = preferExact(ExactCustomerDetails, CustomerDetails)
export const decodeCustomerPage = preferExact(exactPage(ExactCustomer), CustomerPage)
export const decodePaymentMethod = preferExact(ExactPaymentMethod, PaymentMethod)
export const decodePaymentMethodPage = preferExact(exactPage(ExactPaymentMethod), PaymentMethodPage)
