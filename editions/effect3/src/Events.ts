/**
 * Events: what happened on an account. Retrieve and list them, read their delivery attempts, and
 * deliver one again.
 *
 * @module
 * @since 0.1.0
 */
import type { Effect, Stream } from "effect"
import * as Api from "#core/api.js"
import { invoke, walk } from "./internal/invoke.js"
import type { ReadOptions, RequestOptions } from "./RequestOptions.js"
import type { DeliveryAttempt, DeliveryAttemptListParams, EventListParams, Page, StreamOptions, XtopayEvent } from "./Schemas.js"
import type { XtopayClient } from "./XtopayClient.js"
import type { CommonError, IdempotencyConflict, NotFound } from "./XtopayError.js"

/**
 * The errors `Events.retrieve` can fail with.
 *
 * @since 0.1.0
 */
export type RetrieveError = CommonError | NotFound
/**
 * The errors `Events.listPage` and `Events.list` can fail with.
 *
 * @since 0.1.0
 */
export type ListError = CommonError
/**
 * The errors `Events.deliveryAttempts` can fail with.
 *
 * @since 0.1.0
 */
export type DeliveryAttemptsError = CommonError | NotFound
/**
 * The errors `Events.replay` can fail with.
 *
 * @since 0.1.0
 */
export type ReplayError = CommonError | NotFound | IdempotencyConflict

/**
 * Retrieves an event (`GET /events/:id`), decoded as an `XtopayEvent`.
 *
 * Fails with `NotFound` (also once the event is older than 30 days), `InvalidRequest` for an id
 * that is not `evt_…` (nothing is sent), or a common error.
 *
 * @example
 * const event = yield* Events.retrieve("evt_a1b2c3d4")
 *
 * @since 0.1.0
 */
export const retrieve: (
  id: string,
  options?: ReadOptions
) => Effect.Effect<XtopayEvent, RetrieveError, XtopayClient> = invoke(Api.eventsRetrieve)

/**
 * One page of events (`GET /events`), newest first: of one `type`, created after and before the
 * times given.
 *
 * Fails with `InvalidRequest` (e.g. `limit` outside 1–100, before sending) or a common error.
 *
 * @example
 * const page = yield* Events.listPage({ type: "customer.created", limit: 10 })
 *
 * @since 0.1.0
 */
export const listPage: (
  params?: EventListParams,
  options?: ReadOptions
) => Effect.Effect<Page<XtopayEvent>, ListError, XtopayClient> = invoke(Api.eventsListPage)

/**
 * Every event matching the filters, newest first, as a lazy `Stream` over the pages.
 *
 * @example
 * const added = yield* Stream.runCollect(Events.list({ type: "customer.payment_method_added" }))
 *
 * @since 0.1.0
 */
export const list = (
  params?: EventListParams & StreamOptions,
  options?: ReadOptions
): Stream.Stream<XtopayEvent, ListError, XtopayClient> => walk((page) => listPage(page, options), params ?? {})

const deliveryAttemptsPage = invoke(Api.eventsDeliveryAttempts)

/**
 * Every attempt to deliver an event (`GET /events/:id/delivery-attempts`), oldest first, as a
 * lazy `Stream` over every page.
 *
 * Fails with `NotFound`, `InvalidRequest` for an id that is not `evt_…` or a bad `limit` (nothing is
 * sent), or a common error.
 *
 * @example
 * const attempts = yield* Stream.runCollect(Events.deliveryAttempts("evt_a1b2c3d4"))
 *
 * @since 0.1.0
 */
export const deliveryAttempts = (
  id: string,
  params?: DeliveryAttemptListParams & StreamOptions,
  options?: ReadOptions
): Stream.Stream<DeliveryAttempt, DeliveryAttemptsError, XtopayClient> =>
  walk((page) => deliveryAttemptsPage(id, page, options), params ?? {})

/**
 * Delivers an event again to every matching endpoint of the account (`POST /events/:id/replay`,
 * answered 202). Carries an `Idempotency-Key`, so a retried call replays once.
 *
 * Fails with `NotFound`, `InvalidRequest` for an id that is not `evt_…`, `IdempotencyConflict`, or a
 * common error.
 *
 * @example
 * yield* Events.replay("evt_a1b2c3d4")
 *
 * @since 0.1.0
 */
export const replay: (
  id: string,
  options?: RequestOptions
) => Effect.Effect<XtopayEvent, ReplayError, XtopayClient> = invoke(Api.eventsReplay)
