/**
 * What `XtopayClient.withResponse` reports: the last Xtopay answer an effect received. The request
 * path writes it into a sink that `withResponse` puts in context; without one, nothing is kept.
 */
import { Context } from "effect"

/**
 * The last Xtopay answer a call received.
 *
 * @since 0.1.0
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
export class ResponseSink extends Context.Reference<ResponseSink>()("effect-xtopay/ResponseSink", {
  defaultValue: (): ((response: XtopayResponse) => void) | undefined => undefined
}) {}

export const recordResponse = (
  context: Context.Context<never>,
  response: {
    readonly status: number | undefined
    readonly requestId: string | undefined
    readonly replayed: boolean
    readonly attempts: number
    readonly idempotencyKey: string | undefined
  }
): void => {
  const sink = Context.get(context as Context.Context<ResponseSink>, ResponseSink)
  if (sink === undefined) return
  sink(response)
}
