/**
 * Payment methods: retrieve, list and detach. (They are saved by completing a setup intent.)
 *
 * @since 0.1.0
 */
import { Effect, Schema, Stream } from "effect"
import { validatePrefetch } from "./internal/listing.js"
import { pathId, validate } from "./internal/validate.js"
import { paginate } from "./Pagination.js"
import {
  type Page,
  PaymentMethod,
  PaymentMethodListParams,
  PaymentMethodPage,
  type StreamOptions
} from "./Schemas.js"
import { XtopayClient } from "./XtopayClient.js"
import type { CommonError, NotFound } from "./XtopayError.js"

/** @since 0.1.0 */
export type RetrieveError = CommonError | NotFound
/** @since 0.1.0 */
export type ListError = CommonError | NotFound
/** @since 0.1.0 */
export type DetachError = CommonError | NotFound

const decodePaymentMethod = Schema.decodeUnknownEither(PaymentMethod)
const decodePage = Schema.decodeUnknownEither(PaymentMethodPage)
const checkList = validate(PaymentMethodListParams)
const paymentMethodId = pathId("id")

/**
 * Retrieves a saved payment method (`GET /payment-methods/:id`).
 *
 * @since 0.1.0
 */
export const retrieve: (id: string) => Effect.Effect<PaymentMethod, RetrieveError, XtopayClient> = Effect.fn(
  "Xtopay.paymentMethods.retrieve"
)(function*(id: string) {
  const encoded = yield* paymentMethodId(id)
  const client = yield* XtopayClient
  return yield* client.execute({
    method: "GET",
    route: "/payment-methods/:id",
    path: `/payment-methods/${encoded}`,
    decode: decodePaymentMethod,
    notFound: true
  })
})

/**
 * One page of a customer's payment methods (`GET /payment-methods`), with its `pagination`.
 * Fails with `NotFound` when the customer does not exist.
 *
 * @since 0.1.0
 */
export const listPage: (
  params: PaymentMethodListParams
) => Effect.Effect<Page<PaymentMethod>, ListError, XtopayClient> = Effect.fn("Xtopay.paymentMethods.listPage")(
  function*(params: PaymentMethodListParams) {
    const query = yield* checkList(params)
    const client = yield* XtopayClient
    return yield* client.execute({
      method: "GET",
      route: "/payment-methods",
      path: "/payment-methods",
      urlParams: query,
      decode: decodePage,
      notFound: true
    })
  }
)

/**
 * Every payment method of a customer, as a lazy `Stream` over the pages.
 *
 * @since 0.1.0
 */
export const list = (
  params: PaymentMethodListParams & StreamOptions
): Stream.Stream<PaymentMethod, ListError, XtopayClient> =>
  Stream.unwrap(
    Effect.map(validatePrefetch(params.prefetch), (prefetch) =>
      paginate((after) => listPage({ ...params, after }), { after: params.after, prefetch }))
  )

/**
 * Detaches a payment method from its customer (`DELETE /payment-methods/:id`); answers it with
 * `customer_id: null`. Later retrieves are `NotFound`.
 *
 * @since 0.1.0
 */
export const detach: (id: string) => Effect.Effect<PaymentMethod, DetachError, XtopayClient> = Effect.fn(
  "Xtopay.paymentMethods.detach"
)(function*(id: string) {
  const encoded = yield* paymentMethodId(id)
  const client = yield* XtopayClient
  return yield* client.execute({
    method: "DELETE",
    route: "/payment-methods/:id",
    path: `/payment-methods/${encoded}`,
    decode: decodePaymentMethod,
    notFound: true
  })
})
