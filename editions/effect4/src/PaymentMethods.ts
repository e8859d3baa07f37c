/**
 * Payment methods: retrieve, list and detach. (They are saved by completing a setup intent.)
 *
 * @module
 * @since 1.0.0
 */
import type { Effect, Stream } from "effect"
import * as Api from "#core/api.js"
import { invoke, walk } from "./internal/invoke.js"
import type { ReadOptions } from "./RequestOptions.js"
import type { Page, PaymentMethod, PaymentMethodListParams, StreamOptions } from "./Schemas.js"
import type { XtopayClient } from "./XtopayClient.js"
import type { CommonError, NotFound } from "./XtopayError.js"

/**
 * The errors `PaymentMethods.retrieve` can fail with.
 *
 * @since 1.0.0
 */
export type RetrieveError = CommonError | NotFound
/**
 * The errors `PaymentMethods.listPage` and `PaymentMethods.list` can fail with (`NotFound`: no such customer).
 *
 * @since 1.0.0
 */
export type ListError = CommonError | NotFound
/**
 * The errors `PaymentMethods.detach` can fail with.
 *
 * @since 1.0.0
 */
export type DetachError = CommonError | NotFound

/**
 * Retrieves a saved payment method (`GET /payment-methods/:id`).
 *
 * Fails with `NotFound` (also once detached), `InvalidRequest` for a malformed id, or a common error.
 *
 * @example
 * const pm = yield* PaymentMethods.retrieve("pm_a1b2c3")
 *
 * @since 1.0.0
 */
export const retrieve: (
  id: string,
  options?: ReadOptions
) => Effect.Effect<PaymentMethod, RetrieveError, XtopayClient> = invoke(Api.paymentMethodsRetrieve)

/**
 * One page of a customer's payment methods (`GET /payment-methods`), with its `pagination`.
 * Fails with `NotFound` when the customer does not exist.
 *
 * Fails with `NotFound` when the customer does not exist, `InvalidRequest` (bad parameters,
 * before sending), or a common error.
 *
 * @example
 * const page = yield* PaymentMethods.listPage({ customer_id: "cus_a1b2c3", limit: 10 })
 *
 * @since 1.0.0
 */
export const listPage: (
  params: PaymentMethodListParams,
  options?: ReadOptions
) => Effect.Effect<Page<PaymentMethod>, ListError, XtopayClient> = invoke(Api.paymentMethodsListPage)

/**
 * Every payment method of a customer, as a lazy `Stream` over the pages.
 *
 * The stream fails with `NotFound` (no such customer), `InvalidRequest`, or a common error.
 *
 * @example
 * const wallets = yield* Stream.runCollect(
 *   PaymentMethods.list({ customer_id: "cus_a1b2c3" }).pipe(Stream.filter((pm) => pm.type === "mobile_money"))
 * )
 *
 * @since 1.0.0
 */
export const list = (
  params: Omit<PaymentMethodListParams, "before"> & StreamOptions,
  options?: ReadOptions
): Stream.Stream<PaymentMethod, ListError, XtopayClient> => walk((page) => listPage(page, options), params)

/**
 * Detaches a payment method from its customer (`DELETE /payment-methods/:id`); answers it with
 * `customer_id: null`. Later retrieves are `NotFound`. Should Xtopay answer `204 No Content`
 * instead, the result holds only what is known — the `id` and `customer_id: null` — with `type`
 * `"unknown"`, no `card` or `mobile_money`, and `created_at` set to the time of the detach.
 *
 * Fails with `NotFound` (no such payment method, or already detached) or a common error.
 *
 * @example
 * const detached = yield* PaymentMethods.detach("pm_a1b2c3") // detached.customer_id === null
 *
 * @since 1.0.0
 */
export const detach: (
  id: string,
  options?: ReadOptions
) => Effect.Effect<PaymentMethod, DetachError, XtopayClient> = invoke(Api.paymentMethodsDetach)
