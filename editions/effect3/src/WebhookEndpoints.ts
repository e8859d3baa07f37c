/**
 * Webhook endpoints: where Xtopay POSTs an account's events. Create, retrieve, update, delete and list.
 *
 * @module
 * @since 0.1.0
 */
import type { Effect, Stream } from "effect"
import * as Api from "#core/api.js"
import { invoke, walk } from "./internal/invoke.js"
import type { ReadOptions, RequestOptions } from "./RequestOptions.js"
import type {
  DeletedWebhookEndpoint,
  Page,
  StreamOptions,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointListParams,
  WebhookEndpointUpdateParams
} from "./Schemas.js"
import type { XtopayClient } from "./XtopayClient.js"
import type { CommonError, IdempotencyConflict, NotFound } from "./XtopayError.js"

/**
 * The errors `WebhookEndpoints.create` can fail with.
 *
 * @since 0.1.0
 */
export type CreateError = CommonError | IdempotencyConflict
/**
 * The errors `WebhookEndpoints.retrieve` can fail with.
 *
 * @since 0.1.0
 */
export type RetrieveError = CommonError | NotFound
/**
 * The errors `WebhookEndpoints.update` can fail with.
 *
 * @since 0.1.0
 */
export type UpdateError = CommonError | NotFound | IdempotencyConflict
/**
 * The errors `WebhookEndpoints.delete` can fail with.
 *
 * @since 0.1.0
 */
export type DeleteError = CommonError | NotFound
/**
 * The errors `WebhookEndpoints.listPage` and `WebhookEndpoints.list` can fail with.
 *
 * @since 0.1.0
 */
export type ListError = CommonError

/**
 * Registers a webhook endpoint (`POST /webhook-endpoints`). `url` must be absolute https, or
 * plain http to a loopback host; `events` omitted or `[]` subscribes to every event. Carries an
 * `Idempotency-Key`, so a retry never registers it twice.
 *
 * Fails with `InvalidRequest` (a bad `url`, before sending; or a 400), `IdempotencyConflict`, or
 * a common error.
 *
 * @example
 * const endpoint = yield* WebhookEndpoints.create({
 *   url: "https://shop.example/webhooks/xtopay",
 *   events: ["customer.payment_method_added"]
 * })
 *
 * @since 0.1.0
 */
export const create: (
  params: WebhookEndpointCreateParams,
  options?: RequestOptions
) => Effect.Effect<WebhookEndpoint, CreateError, XtopayClient> = invoke(Api.webhookEndpointsCreate)

/**
 * Retrieves a webhook endpoint (`GET /webhook-endpoints/:id`).
 *
 * Fails with `NotFound`, `InvalidRequest` for an id that is not `we_…` (nothing is sent), or a
 * common error.
 *
 * @example
 * const endpoint = yield* WebhookEndpoints.retrieve("we_a1b2c3")
 *
 * @since 0.1.0
 */
export const retrieve: (
  id: string,
  options?: ReadOptions
) => Effect.Effect<WebhookEndpoint, RetrieveError, XtopayClient> = invoke(Api.webhookEndpointsRetrieve)

/**
 * Updates a webhook endpoint (`PATCH /webhook-endpoints/:id`): only the fields given change;
 * `status: "disabled"` stops deliveries to it.
 *
 * Fails with `NotFound`, `InvalidRequest` (bad input or id, before sending), `IdempotencyConflict`,
 * or a common error.
 *
 * @example
 * yield* WebhookEndpoints.update("we_a1b2c3", { status: "disabled" })
 *
 * @since 0.1.0
 */
export const update: (
  id: string,
  params: WebhookEndpointUpdateParams,
  options?: RequestOptions
) => Effect.Effect<WebhookEndpoint, UpdateError, XtopayClient> = invoke(Api.webhookEndpointsUpdate)

/**
 * Deletes a webhook endpoint (`DELETE /webhook-endpoints/:id`). Exported as `WebhookEndpoints.delete`.
 *
 * Fails with `NotFound`, `InvalidRequest` for an id that is not `we_…`, or a common error.
 *
 * @example
 * const { deleted } = yield* WebhookEndpoints.delete("we_a1b2c3")
 *
 * @since 0.1.0
 */
export const del: (
  id: string,
  options?: ReadOptions
) => Effect.Effect<DeletedWebhookEndpoint, DeleteError, XtopayClient> = invoke(Api.webhookEndpointsDelete)

export {
  /** @since 0.1.0 */
  del as delete
}

/**
 * One page of the account's webhook endpoints (`GET /webhook-endpoints`), newest first.
 *
 * Fails with `InvalidRequest` (e.g. `limit` outside 1–100, before sending) or a common error.
 *
 * @example
 * const page = yield* WebhookEndpoints.listPage({ limit: 10 })
 *
 * @since 0.1.0
 */
export const listPage: (
  params?: WebhookEndpointListParams,
  options?: ReadOptions
) => Effect.Effect<Page<WebhookEndpoint>, ListError, XtopayClient> = invoke(Api.webhookEndpointsListPage)

/**
 * Every webhook endpoint of the account, as a lazy `Stream` over the pages.
 *
 * @example
 * const all = yield* Stream.runCollect(WebhookEndpoints.list())
 *
 * @since 0.1.0
 */
export const list = (
  params?: Omit<WebhookEndpointListParams, "before"> & StreamOptions,
  options?: ReadOptions
): Stream.Stream<WebhookEndpoint, ListError, XtopayClient> => walk((page) => listPage(page, options), params ?? {})
