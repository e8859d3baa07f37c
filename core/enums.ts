/**
 * The values of the API's open enums that this version knows. Xtopay adds values over time (a new
 * payment method type, a new network), so a client keeps any other string as it came: these
 * lists say which values have a name in the types, never which values are allowed.
 */

export const PAYMENT_METHOD_TYPES = ["card", "mobile_money"] as const
export const MOBILE_MONEY_NETWORKS = ["mtn", "telecel", "airteltigo"] as const
export const SUBSCRIPTION_STATUSES = ["trialing", "active", "past_due", "paused", "cancelled"] as const
export const WEBHOOK_ENDPOINT_STATUSES = ["active", "disabled"] as const
export const DELIVERY_ATTEMPT_STATUSES = ["succeeded", "failed"] as const

/**
 * A known value or any other string. `string & {}` keeps the known literals visible to editors
 * and to `switch` narrowing, while saying that other strings arrive too, so a `switch` over the
 * known cases is never taken for exhaustive.
 */
export type Open<Known extends string> = Known | (string & {})
