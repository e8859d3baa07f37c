/**
 * The objects the in-memory Xtopay keeps, in wire form (the JSON the API answers, timestamps as
 * ISO 8601 text): each edition's schemas decode them into its own types.
 */

export interface WireSubscription {
  readonly id: string
  readonly status: string
  readonly plan_id: string
  readonly current_period_end: string | null
  readonly cancel_at_period_end: boolean
  readonly created_at: string
}

export interface WireCard {
  readonly brand: string
  readonly last4: string
  readonly exp_month: number
  readonly exp_year: number
}

export interface WireMobileMoney {
  readonly network: string
  readonly phone: string
}

export interface WirePaymentMethod {
  readonly id: string
  readonly customer_id: string | null
  readonly type: string
  readonly card: WireCard | null
  readonly mobile_money: WireMobileMoney | null
  readonly created_at: string
}

export interface WireCustomer {
  readonly id: string
  readonly email: string
  readonly name: string | null
  readonly phone: string | null
  readonly currency: string
  readonly metadata: Readonly<Record<string, string>>
  readonly created_at: string
}

export interface WireCustomerDetails extends WireCustomer {
  readonly subscriptions: ReadonlyArray<WireSubscription>
  readonly payment_methods: ReadonlyArray<WirePaymentMethod>
}

export interface WireSetupIntent {
  readonly id: string
  readonly customer_id: string
  readonly setup_url: string
  readonly expires_at: string
}

export interface WireWebhookEndpoint {
  readonly id: string
  readonly url: string
  readonly events: ReadonlyArray<string>
  readonly status: string
  readonly description: string | null
  readonly created_at: string
}

export interface WireEvent {
  readonly id: string
  readonly type: string
  readonly created_at: string
  readonly data: unknown
}

export interface WireDeliveryAttempt {
  readonly id: string
  readonly event_id: string
  readonly endpoint_id: string
  readonly status: "succeeded" | "failed"
  readonly response_status: number | null
  readonly response_body: string | null
  readonly attempted_at: string
  readonly next_retry_at: string | null
}

/** A time as the wire prints it: ISO 8601 UTC, without milliseconds when they are zero. */
export const isoTime = (millis: number): string => {
  const iso = new Date(millis).toISOString()
  return iso.endsWith(".000Z") ? `${iso.slice(0, -5)}Z` : iso
}
