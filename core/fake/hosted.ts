/**
 * What the hosted pages do to the in-memory Xtopay, given only a link's token: look up what it
 * opens, complete a setup intent, detach a payment method. Each change goes through the fake's
 * own operation (`completeSetupIntent`, the detach handler), so it has the same effects as over
 * the API or the control API.
 */
import type { PortalSessionRecord } from "./links.js"
import type { WireCustomer, WirePaymentMethod, WireSetupIntent } from "./objects.js"
import { detachPaymentMethod } from "./routes.js"
import type { ControlFailure, PaymentMethodDetails } from "./seed.js"
import type { State } from "./state.js"
import type { Decode } from "./decode.js"

/** Why a link no longer opens its page. */
export type GoneReason = "expired" | "used" | "customer-deleted"

/** What a token opens, now. */
export type Lookup<A> =
  | { readonly _tag: "Unknown" }
  | { readonly _tag: "Gone"; readonly reason: GoneReason }
  | ({ readonly _tag: "Open" } & A)

export interface SetupView {
  /** The client id of the account the intent belongs to. */
  readonly account: string
  readonly intent: WireSetupIntent
  readonly customer: WireCustomer
}

export interface PortalView {
  readonly session: PortalSessionRecord
  readonly customer: WireCustomer
  /** Newest first. */
  readonly paymentMethods: ReadonlyArray<WirePaymentMethod>
}

/** The hosted pages' view of one in-memory Xtopay. */
export interface Hosted {
  /** Links made from now on point below `origin` (the mock server's own, e.g. `http://127.0.0.1:4010`). */
  readonly useOrigin: (origin: string) => void
  readonly setup: (token: string, now: number) => Lookup<SetupView>
  /** Completes the intent, as the control API's `completeSetupIntent` does. */
  readonly completeSetup: (
    setupIntentId: string,
    account: string,
    details: PaymentMethodDetails,
    now: number
  ) => WirePaymentMethod | ControlFailure
  readonly portal: (token: string, now: number) => Lookup<PortalView>
  /** Detaches one of the portal customer's payment methods, as `DELETE /payment-methods/:id` does; false when it is not theirs. */
  readonly removePaymentMethod: (view: PortalView, paymentMethodId: string, now: number) => boolean
}

export const makeHosted = (
  state: State,
  decode: Decode,
  completeSetupIntent: Hosted["completeSetup"]
): Hosted => ({
  useOrigin: (origin) => state.links.useOrigin(origin),
  setup: (token, now) => {
    const link = state.links.setupIntentOf(token)
    const record = link === undefined ? undefined : link.account.byId.setupIntents.get(link.setupIntentId)
    if (record === undefined) return { _tag: "Unknown" }
    if (record.completed) return { _tag: "Gone", reason: "used" }
    if (now >= record.expiresAtMillis) return { _tag: "Gone", reason: "expired" }
    const owner = state.findCustomer(record.account, record.intent.customer_id)
    if (owner === undefined) return { _tag: "Gone", reason: "customer-deleted" }
    return { _tag: "Open", account: record.account.id, intent: record.intent, customer: owner.customer }
  },
  completeSetup: completeSetupIntent,
  portal: (token, now) => {
    const session = state.links.portalSessionOf(token)
    if (session === undefined) return { _tag: "Unknown" }
    if (now >= session.expiresAtMillis) return { _tag: "Gone", reason: "expired" }
    const owner = state.findCustomer(session.account, session.customerId)
    if (owner === undefined) return { _tag: "Gone", reason: "customer-deleted" }
    return { _tag: "Open", session, customer: owner.customer, paymentMethods: state.paymentMethodsOf(owner) }
  },
  removePaymentMethod: (view, paymentMethodId, now) => {
    const record = state.findPaymentMethod(view.session.account, paymentMethodId)
    if (record === undefined || record.owner.id !== view.customer.id) return false
    const path = `/payment-methods/${encodeURIComponent(paymentMethodId)}`
    const request = { method: "DELETE", path, query: new URLSearchParams(), headers: {}, body: "" }
    return detachPaymentMethod({ state, account: view.session.account, request, id: paymentMethodId, now, decode }).status === 200
  }
})
