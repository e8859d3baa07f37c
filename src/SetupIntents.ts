/**
 * Setup intents: the way to save a customer's card or mobile-money wallet.
 *
 * @module
 * @since 0.1.0
 */
import { Effect, Schema } from "effect"
import { CLIENT_SPAN, type RequestOptions } from "./internal/request.js"
import { validate } from "./internal/validate.js"
import { SetupIntent, SetupIntentCreateParams } from "./Schemas.js"
import { XtopayClient } from "./XtopayClient.js"
import type { CommonError, IdempotencyConflict, NotFound } from "./XtopayError.js"

/**
 * The errors `SetupIntents.create` can fail with (`NotFound`: no such customer).
 *
 * @since 0.1.0
 */
export type CreateError = CommonError | NotFound | IdempotencyConflict

const decodeSetupIntent = Schema.decodeUnknownEither(SetupIntent)
const checkCreate = validate(SetupIntentCreateParams)

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
 * @since 0.1.0
 */
export const create: (
  params: SetupIntentCreateParams,
  options?: RequestOptions
) => Effect.Effect<SetupIntent, CreateError, XtopayClient> = Effect.fn("Xtopay.setupIntents.create", CLIENT_SPAN)(
  function*(params: SetupIntentCreateParams, options?: RequestOptions) {
    const body = yield* checkCreate(params)
    const client = yield* XtopayClient
    return yield* client.execute({
      method: "POST",
      route: "/setup-intents",
      path: "/setup-intents",
      body,
      decode: decodeSetupIntent,
      notFound: true,
      options
    })
  }
)
