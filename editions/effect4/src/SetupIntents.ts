/**
 * Setup intents: the way to save a customer's card or mobile-money wallet.
 *
 * @module
 * @since 1.0.0
 */
import type { Effect } from "effect"
import * as Api from "#core/api.js"
import { invoke } from "./internal/invoke.js"
import type { RequestOptions } from "./RequestOptions.js"
import type { SetupIntent, SetupIntentCreateParams } from "./Schemas.js"
import type { XtopayClient } from "./XtopayClient.js"
import type { CommonError, IdempotencyConflict, NotFound } from "./XtopayError.js"

/**
 * The errors `SetupIntents.create` can fail with (`NotFound`: no such customer).
 *
 * @since 1.0.0
 */
export type CreateError = CommonError | NotFound | IdempotencyConflict

/**
 * Creates a setup intent (`POST /setup-intents`); send the customer to its `setup_url`. Fails
 * with `NotFound` when the customer does not exist.
 *
 * Fails with `NotFound` (no such customer), `InvalidRequest`, `IdempotencyConflict`, or a common error.
 *
 * @example
 * const intent = yield* SetupIntents.create({ customer_id: "cus_a1b2c3" })
 * // redirect the customer to intent.setup_url
 *
 * @since 1.0.0
 */
export const create: (
  params: SetupIntentCreateParams,
  options?: RequestOptions
) => Effect.Effect<SetupIntent, CreateError, XtopayClient> = invoke(Api.setupIntentsCreate)
