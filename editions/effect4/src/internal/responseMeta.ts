/**
 * What `XtopayClient.withResponse` reports: the last Xtopay answer an effect received. The request
 * path writes it into a sink that `withResponse` puts in context; without one, nothing is kept.
 */
import { Context } from "effect"

/**
 * The last Xtopay answer a call received.
 *
 * @since 1.0.0
 */
export interface XtopayResponse {
  /** The HTTP status of the last answer (undefined when the last attempt got none: a timeout, a refused connection). */
  readonly status: number | undefined
  /** Its `X-Request-Id`: quote it to Xtopay's support. */
  readonly requestId: string | undefined
  /** The `Idempotency-Key` the call sent (POST and PATCH). */
  readonly idempotencyKey: string | undefined
  /** `true` when Xtopay answered a repeated key with the original answer (`Idempotency-Replayed: true`). */
  readonly replayed: boolean
  /** How many attempts the call made, retries included. */
  readonly attempts: number
}

/** Where the request path reports each call's last answer; `undefined` outside `withResponse`. */
export const ResponseSink = Context.Reference<((response: XtopayResponse) => void) | undefined>(
  "effect-xtopay/ResponseSink",
  { defaultValue: () => undefined }
)
