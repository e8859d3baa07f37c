/**
 * Customer-portal sessions: a link where a customer manages their own billing.
 *
 * @module
 * @since 1.0.0
 */
import type { Effect } from "effect"
import * as Api from "#core/api.js"
import { invoke } from "./internal/invoke.js"
import type { RequestOptions } from "./RequestOptions.js"
import type { PortalSession, PortalSessionCreateParams } from "./Schemas.js"
import type { XtopayClient } from "./XtopayClient.js"
import type { CommonError, IdempotencyConflict, NotFound } from "./XtopayError.js"

/**
 * The errors `CustomerPortal.createSession` can fail with (`NotFound`: no such customer).
 *
 * @since 1.0.0
 */
export type CreateSessionError = CommonError | NotFound | IdempotencyConflict


/**
 * Creates a portal session (`POST /customer-portal/sessions`); send the customer to its `url`.
 * It expires after 30 minutes. Fails with `NotFound` when the customer does not exist.
 *
 * Fails with `NotFound` (no such customer), `InvalidRequest` (e.g. a `return_url` that is not an
 * absolute http(s) URL, before sending), `IdempotencyConflict`, or a common error.
 *
 * @example
 * const session = yield* CustomerPortal.createSession({
 *   customer_id: "cus_a1b2c3",
 *   return_url: "https://shop.example.com/account"
 * })
 *
 * @since 1.0.0
 */
export const createSession: (
  params: PortalSessionCreateParams,
  options?: RequestOptions
) => Effect.Effect<PortalSession, CreateSessionError, XtopayClient> = invoke(Api.customerPortalCreateSession)
