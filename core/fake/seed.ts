/**
 * Seeding the in-memory Xtopay: customers with their subscriptions and payment methods, filled
 * in with the API's defaults, as a test's back door (`XtopayControl`, the `/_mock` API) asks.
 */
import { metadataProblem } from "./limits.js"
import type { WireCustomerDetails, WirePaymentMethod, WireSubscription } from "./objects.js"
import { isoTime } from "./objects.js"
import type { Account, CustomerRecord, NewCustomer, State } from "./state.js"

/**
 * A time as seed data takes it: epoch milliseconds, an ISO 8601 string, or an Effect `DateTime`
 * of either edition (Effect 3's holds `epochMillis`, Effect 4's `epochMilliseconds`).
 */
export type SeedTime =
  | number
  | string
  | { readonly epochMillis: number }
  | { readonly epochMilliseconds: number }

export interface SeedSubscription {
  readonly id?: string | undefined
  readonly status?: string | undefined
  readonly plan_id: string
  readonly current_period_end?: SeedTime | null | undefined
  readonly cancel_at_period_end?: boolean | undefined
  readonly created_at?: SeedTime | undefined
}

/** A payment method's details: a card or mobile money (or any other `type`, with neither). */
export interface PaymentMethodDetails {
  readonly type: string
  readonly card?: {
    readonly brand?: string | undefined
    readonly last4?: string | undefined
    readonly exp_month?: number | undefined
    readonly exp_year?: number | undefined
  } | undefined
  readonly mobile_money?: { readonly network?: string | undefined; readonly phone?: string | undefined } | undefined
}

export interface SeedPaymentMethod extends PaymentMethodDetails {
  readonly id?: string | undefined
  readonly created_at?: SeedTime | undefined
}

export interface SeedCustomer extends NewCustomer {
  readonly created_at?: SeedTime | undefined
  readonly subscriptions?: ReadonlyArray<SeedSubscription> | undefined
  readonly payment_methods?: ReadonlyArray<SeedPaymentMethod> | undefined
}

/** The checks seed data must pass, from the edition's schemas (the same rules as the API's inputs). */
export interface Checks {
  readonly email: (value: string) => boolean
  readonly phone: (value: string) => boolean
  readonly currency: (value: string) => boolean
  readonly metadata: (value: unknown) => boolean
  readonly objectId: (value: string) => boolean
  readonly idempotencyKey: (value: string) => boolean
}

/**
 * Why a control operation could not be done: `NotFound` (no such object), `Conflict` (not in a
 * state that allows it: completed, expired, the id taken), or, absent, invalid input.
 */
export interface ControlFailure {
  readonly _tag: "ControlFailure"
  readonly message: string
  readonly reason?: "NotFound" | "Conflict" | undefined
}

export const controlFailure = (message: string, reason?: "NotFound" | "Conflict"): ControlFailure => ({
  _tag: "ControlFailure",
  message,
  reason
})

export const isControlFailure = (value: unknown): value is ControlFailure =>
  typeof value === "object" && value !== null && (value as { _tag?: unknown })._tag === "ControlFailure"

/** Thrown inside one seeding step and caught at its edge, so a nested field's failure needs no plumbing. */
class Refused {
  constructor(readonly failure: ControlFailure) {}
}

const refuse = (message: string, reason?: "NotFound" | "Conflict"): never => {
  throw new Refused(controlFailure(message, reason))
}

/** Runs a seeding step: its value, or the failure it was refused with. */
export const attempt = <A>(step: () => A): A | ControlFailure => {
  try {
    return step()
  } catch (error) {
    if (error instanceof Refused) return error.failure
    throw error
  }
}

const seedMillis = (time: SeedTime | undefined, now: number, field: string): number => {
  if (time === undefined) return now
  const millis = typeof time === "number"
    ? time
    : typeof time === "string"
    ? Date.parse(time)
    : "epochMillis" in time
    ? time.epochMillis
    : time.epochMilliseconds
  return Number.isFinite(millis)
    ? millis
    : refuse(`${field}: expected a DateTime, epoch milliseconds or an ISO 8601 string, got ${String(time)}`)
}

/** A fresh id, or the one given when it is valid and unused. */
const seedId = (state: State, checks: Checks, account: Account, given: string | undefined, prefix: string): string => {
  if (given === undefined) return state.nextId(account, prefix)
  if (!checks.objectId(given)) refuse(`Invalid id ${JSON.stringify(given)}`)
  // Only this account's ids count: another account's objects are not this one's to learn of.
  if (state.isIdTaken(account, given)) refuse(`The id ${given} is already in use in this account`, "Conflict")
  return given
}

/**
 * Three years after the later of the given time's year and the calendar's: under a test clock (at
 * 1970) a card must still look valid to code that checks its expiry against the real date.
 */
const defaultExpiryYear = (millis: number): number =>
  Math.max(new Date(millis).getUTCFullYear(), new Date().getUTCFullYear()) + 3

/** Fills in a payment method's details as a completed checkout would. */
export const paymentMethodFrom = (
  owner: CustomerRecord,
  details: PaymentMethodDetails,
  id: string,
  millis: number
): Omit<WirePaymentMethod, "customer_id"> => {
  const card = details.type === "card"
    ? {
      brand: details.card?.brand ?? "visa",
      last4: details.card?.last4 ?? "4242",
      exp_month: details.card?.exp_month ?? 12,
      exp_year: details.card?.exp_year ?? defaultExpiryYear(millis)
    }
    : null
  const mobile_money = details.type === "mobile_money"
    ? {
      network: details.mobile_money?.network ?? "mtn",
      phone: details.mobile_money?.phone ?? owner.customer.phone ?? "+233244000000"
    }
    : null
  return { id, type: details.type, card, mobile_money, created_at: isoTime(millis) }
}

export const detailsOf = (state: State, record: CustomerRecord): WireCustomerDetails => ({
  ...record.customer,
  subscriptions: state.subscriptionsOf(record),
  payment_methods: state.paymentMethodsOf(record)
})

/** Adds a subscription to a customer. */
export const addSubscription = (
  state: State,
  checks: Checks,
  record: CustomerRecord,
  seed: SeedSubscription,
  now: number
): WireSubscription => {
  const id = seedId(state, checks, record.account, seed.id, "sub_")
  const created = seedMillis(seed.created_at, now, "created_at")
  const periodEnd = seed.current_period_end === null
    ? null
    : seedMillis(seed.current_period_end ?? created + 30 * 24 * 60 * 60 * 1000, now, "current_period_end")
  const subscription: WireSubscription = {
    id,
    status: seed.status ?? "active",
    plan_id: seed.plan_id,
    current_period_end: periodEnd === null ? null : isoTime(periodEnd),
    cancel_at_period_end: seed.cancel_at_period_end ?? false,
    created_at: isoTime(created)
  }
  state.addSubscription(record, subscription)
  return subscription
}

/** Saves a payment method on a customer. */
export const addPaymentMethod = (
  state: State,
  checks: Checks,
  record: CustomerRecord,
  seed: SeedPaymentMethod,
  now: number
): WirePaymentMethod => {
  const id = seedId(state, checks, record.account, seed.id, "pm_")
  const created = seedMillis(seed.created_at, now, "created_at")
  return state.attachPaymentMethod(record, paymentMethodFrom(record, seed, id, created), created).method
}

/** Adds a customer, with its subscriptions and payment methods. */
export const addCustomer = (state: State, checks: Checks, account: Account, seed: SeedCustomer, now: number): WireCustomerDetails => {
  if (!checks.email(seed.email)) refuse(`Invalid email ${JSON.stringify(seed.email)}`)
  if (seed.phone != null && !checks.phone(seed.phone)) refuse(`Invalid phone ${JSON.stringify(seed.phone)}: expected E.164`)
  if (seed.currency !== undefined && !checks.currency(seed.currency)) refuse(`Invalid currency ${JSON.stringify(seed.currency)}`)
  if (seed.metadata !== undefined && !checks.metadata(seed.metadata)) refuse("Invalid metadata: values must be strings")
  const tooMuch = seed.metadata === undefined ? undefined : metadataProblem(seed.metadata)
  if (tooMuch !== undefined) refuse(`Invalid metadata: ${tooMuch}`)
  const id = seedId(state, checks, account, seed.id, "cus_")
  const created = seedMillis(seed.created_at, now, "created_at")
  const record = state.createCustomer(account, { ...seed, id }, created)
  for (const subscription of seed.subscriptions ?? []) addSubscription(state, checks, record, subscription, now)
  for (const method of seed.payment_methods ?? []) addPaymentMethod(state, checks, record, method, now)
  return detailsOf(state, record)
}
