/**
 * Customer-portal sessions: a link where a customer manages their own billing.
 *
 * @module
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { CLIENT_SPAN, type RequestOptions } from "./internal/request.js"
import { validate } from "./internal/validate.js"
import { PortalSession, PortalSessionCreateParams } from "./Schemas.js"
import { XtopayClient } from "./XtopayClient.js"
import type { CommonError, IdempotencyConflict, NotFound } from "./XtopayError.js"

/**
 * The errors `CustomerPortal.createSession` can fail with (`NotFound`: no such customer).
 *
 * @since 0.1.0
 */
export type CreateSessionError = CommonError | NotFound | IdempotencyConflict

const decodeSession = Schema.decodeUnknownEither(PortalSession)
const checkCreate = validate(PortalSessionCreateParams)

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
 * @since 0.1.0
 */
export const createSession: (
  params: PortalSessionCreateParams,
  options?: RequestOptions
) => Effect.Effect<PortalSession, CreateSessionError, XtopayClient> = Effect.fn("Xtopay.customerPortal.createSession", CLIENT_SPAN)(function*(params: PortalSessionCreateParams, options?: RequestOptions) {
  const body = yield* checkCreate(params)
  const client = yield* XtopayClient
  return yield* client.execute({
    method: "POST",
    route: "/customer-portal/sessions",
    path: "/customer-portal/sessions",
    body,
    decode: decodeSession,
    notFound: true,
    options
  })
})
