/**
 * The hook a shared rate limit plugs into (`effect-xtopay/rate-limit` provides it). The client
 * reads it from context when it is built; without one, a call pays nothing for it.
 */
import { Context, type Duration, type Effect } from "effect"
import type { ConnectionError } from "../XtopayError.js"

/**
 * What the client calls around each attempt when a gate is in context.
 *
 * @since 1.0.0
 */
export interface RateGate {
  /** Waits for this client's next token before an attempt is sent; a store that cannot be reached fails, and nothing is sent. */
  readonly take: (clientId: string) => Effect.Effect<void, ConnectionError>
  /** Xtopay answered 429 asking to wait `wait`: make every process sharing the budget wait it out too. */
  readonly backOff: (clientId: string, wait: Duration.Duration) => Effect.Effect<void>
}

/**
 * The gate the client takes a token from before each attempt; `XtopayRateLimit`'s layers provide it.
 *
 * @since 1.0.0
 */
export class XtopayRateGate extends Context.Service<XtopayRateGate, RateGate>()("effect-xtopay/RateGate") {}
