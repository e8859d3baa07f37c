/**
 * Customers: create, retrieve, update, delete and list.
 *
 * @module
 * @since 1.0.0
 */
import type { Effect, Stream } from "effect"
import * as Api from "#core/api.js"
import { invoke, walk } from "./internal/invoke.js"
import type { ReadOptions, RequestOptions } from "./RequestOptions.js"
import type {
  Customer,
  CustomerCreateParams,
  CustomerDetails,
  CustomerListParams,
  CustomerUpdateParams,
  DeletedCustomer,
  Page,
  StreamOptions
} from "./Schemas.js"
import type { XtopayClient } from "./XtopayClient.js"
import type { CommonError, IdempotencyConflict, NotFound } from "./XtopayError.js"

/**
 * The errors `Customers.create` can fail with.
 *
 * @since 1.0.0
 */
export type CreateError = CommonError | IdempotencyConflict
/**
 * The errors `Customers.retrieve` can fail with.
 *
 * @since 1.0.0
 */
export type RetrieveError = CommonError | NotFound
/**
 * The errors `Customers.update` can fail with.
 *
 * @since 1.0.0
 */
export type UpdateError = CommonError | NotFound | IdempotencyConflict
/**
 * The errors `Customers.delete` can fail with.
 *
 * @since 1.0.0
 */
export type DeleteError = CommonError | NotFound
/**
 * The errors `Customers.listPage` and `Customers.list` can fail with.
 *
 * @since 1.0.0
 */
export type ListError = CommonError

/**
 * Creates a customer (`POST /customers`). Every call carries an `Idempotency-Key` (yours, or one
 * made once per call and reused on each retry), so a retry never makes a second customer.
 *
 * Fails with `InvalidRequest` (bad input, before sending; or a 400), `IdempotencyConflict` (the key
 * was used with another body), or a common error (`Unauthorized`, `RateLimited`, …) after retries.
 *
 * @example
 * const ama = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu" })
 *
 * @since 1.0.0
 */
export const create: (
  params: CustomerCreateParams,
  options?: RequestOptions
) => Effect.Effect<Customer, CreateError, XtopayClient> = invoke(Api.customersCreate)

/**
 * Retrieves a customer with its `subscriptions` and `payment_methods` (`GET /customers/:id`).
 *
 * Fails with `NotFound` when there is no such customer, `InvalidRequest` for a malformed id (nothing
 * is sent), or a common error.
 *
 * @example
 * const ama = yield* Customers.retrieve("cus_a1b2c3")
 * const cards = ama.payment_methods.filter((pm) => pm.type === "card")
 *
 * @since 1.0.0
 */
export const retrieve: (
  id: string,
  options?: ReadOptions
) => Effect.Effect<CustomerDetails, RetrieveError, XtopayClient> = invoke(Api.customersRetrieve)

/**
 * Updates a customer (`PATCH /customers/:id`): only the fields given change; `metadata` keys
 * merge, and a key set to `null` is removed.
 *
 * Fails with `NotFound`, `InvalidRequest` (bad input, before sending), `IdempotencyConflict`, or a
 * common error.
 *
 * @example
 * yield* Customers.update("cus_a1b2c3", { phone: "+233244000000", metadata: { plan: null } })
 *
 * @since 1.0.0
 */
export const update: (
  id: string,
  params: CustomerUpdateParams,
  options?: RequestOptions
) => Effect.Effect<Customer, UpdateError, XtopayClient> = invoke(Api.customersUpdate)

/**
 * Deletes a customer (`DELETE /customers/:id`): cancels its subscriptions and removes its saved
 * payment methods. Exported as `Customers.delete`.
 *
 * Fails with `NotFound` when there is no such customer (also when a retried delete had already
 * gone through), or a common error.
 *
 * @example
 * const { id, deleted } = yield* Customers.delete("cus_a1b2c3")
 *
 * @since 1.0.0
 */
export const del: (
  id: string,
  options?: ReadOptions
) => Effect.Effect<DeletedCustomer, DeleteError, XtopayClient> = invoke(Api.customersDelete)

export {
  /** @since 1.0.0 */
  del as delete
}

/**
 * One page of customers (`GET /customers`), newest first, with its `pagination`.
 *
 * Fails with `InvalidRequest` (e.g. `limit` outside 1–100, before sending) or a common error.
 *
 * @example
 * const page = yield* Customers.listPage({ limit: 50 })
 * const next = page.pagination.next_cursor // pass as `after` for the next page
 *
 * @since 1.0.0
 */
export const listPage: (
  params?: CustomerListParams,
  options?: ReadOptions
) => Effect.Effect<Page<Customer>, ListError, XtopayClient> = invoke(Api.customersListPage)

/**
 * Every customer (matching `email`, if given), as a lazy `Stream` that walks the pages with
 * `after = next_cursor`. `limit` is the page size; `after` resumes from a cursor; `prefetch`
 * fetches up to that many pages ahead.
 *
 * The stream fails with `InvalidRequest` (bad parameters, before any request) or a common error from
 * the page that failed; the customers before it have been emitted.
 *
 * @example
 * const everyone = yield* Stream.runCollect(Customers.list({ limit: 100 }))
 *
 * @since 1.0.0
 */
export const list = (
  params?: Omit<CustomerListParams, "before"> & StreamOptions,
  options?: ReadOptions
): Stream.Stream<Customer, ListError, XtopayClient> => walk((page) => listPage(page, options), params ?? {})
