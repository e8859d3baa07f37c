/**
 * `XtopayControl`: the back door of the in-memory Xtopay. Seed data, complete setup intents,
 * read the requests it received, inject faults and set a rate limit — what a test needs and the
 * real API does not offer.
 *
 * @since 0.1.0
 */
import type { DeliveryFailure } from "#core/fake/deliveries.js"
import type { Fault as CoreFault } from "#core/fake/faults.js"
import type { DateTime, Duration, Effect } from "effect"
import { Context, Data } from "effect"
import type { CustomerDetails, DeliveryAttempt, PaymentMethod, Subscription, XtopayEvent } from "../Schemas.js"
import type { WireRequest } from "./wire.js"

/**
 * The account every `XtopayTest` client uses unless told otherwise.
 *
 * @since 0.1.0
 */
export const DEFAULT_ACCOUNT = "cid_test_default"

/**
 * What a fault does to a request.
 *
 * - `Status`: answers `status` with the reference's error body (`code` defaults from the status);
 *   the request is not processed.
 * - `RateLimit`: answers 429 `rate_limit_exceeded` with `Retry-After: retryAfterSeconds`; not processed.
 * - `Drop`: the request IS processed, then the connection fails before the headers or mid-body
 *   (the case idempotency keys exist for).
 * - `Stall`: processed; the headers and part of the body are sent, then nothing more.
 * - `Delay`: waits `millis` on the Effect `Clock` before processing (an idempotency key stays
 *   "in use" meanwhile).
 * - `TruncatedJson`: processed; a complete, correctly framed answer whose JSON is cut short.
 *
 * @since 0.1.0
 */
export type Fault = CoreFault

/**
 * Apply `fault` to the next `times` requests (to `route` only, when given). `route` is a method
 * and a route template or a concrete path: `"POST /customers"`, `"GET /customers/:id"`,
 * `"GET /customers/cus_…"`. Plans are consumed in the order they were injected.
 *
 * With `every: k`, the plan takes only one request in k: the k-th, 2k-th, … request it is
 * offered, `times` times in all; the requests it skips go on to the plans after it. So a mix of
 * faults over a share of the traffic is a list of such plans, and it is deterministic: the same
 * requests in the same order meet the same faults (`times: Infinity` keeps a plan for good).
 *
 * @since 0.1.0
 */
export interface FaultPlan {
  readonly times: number
  readonly route?: string
  readonly fault: Fault
  /** Fault one matching request in this many (a whole number ≥ 1). Default 1: every one. */
  readonly every?: number
}

/**
 * At most `requests` requests in any `window` (a sliding window), per account, whichever
 * connections and clients they come by; beyond, 429 `rate_limit_exceeded` with `Retry-After`
 * (whole seconds until the oldest request counted leaves the window). Refused requests do not count.
 *
 * @since 0.1.0
 */
export interface RateLimit {
  readonly requests: number
  readonly window: Duration.DurationInput
}

/**
 * A time as seed data takes it: a `DateTime`, epoch milliseconds, or an ISO 8601 string.
 *
 * @since 0.1.0
 */
export type SeedTime = DateTime.DateTime | number | string

/**
 * A subscription to seed (embedded in its customer).
 *
 * @since 0.1.0
 */
export interface SeedSubscription {
  readonly id?: string
  readonly status?: string
  readonly plan_id: string
  readonly current_period_end?: SeedTime | null
  readonly cancel_at_period_end?: boolean
  readonly created_at?: SeedTime
}

/**
 * The details of a saved payment method: a card or mobile money (or any other `type`, with neither).
 *
 * @since 0.1.0
 */
export type PaymentMethodDetails =
  | {
    readonly type: "card"
    readonly card?: {
      readonly brand?: string
      readonly last4?: string
      readonly exp_month?: number
      readonly exp_year?: number
    }
  }
  | {
    readonly type: "mobile_money"
    readonly mobile_money?: { readonly network?: string; readonly phone?: string }
  }
  | { readonly type: string }

/**
 * A payment method to seed.
 *
 * @since 0.1.0
 */
export type SeedPaymentMethod = PaymentMethodDetails & {
  readonly id?: string
  readonly created_at?: SeedTime
}

/**
 * A customer to seed. Omitted fields take the API's defaults; `id` and `created_at` default to a
 * fresh id and the current `Clock` time.
 *
 * @since 0.1.0
 */
export interface SeedCustomer {
  readonly id?: string
  readonly email: string
  readonly name?: string | null
  readonly phone?: string | null
  readonly currency?: string
  readonly metadata?: Readonly<Record<string, string>>
  readonly created_at?: SeedTime
  readonly subscriptions?: ReadonlyArray<SeedSubscription>
  readonly payment_methods?: ReadonlyArray<SeedPaymentMethod>
}

/**
 * Data to seed into one account (default `cid_test_default`).
 *
 * @since 0.1.0
 */
export interface SeedData {
  readonly account?: string
  readonly customers?: ReadonlyArray<SeedCustomer>
  /** This many synthetic customers besides (see `seedCustomers`). */
  readonly syntheticCustomers?: number
}

/**
 * A request the in-memory Xtopay received, its `authorization` header redacted.
 *
 * @since 0.1.0
 */
export interface RecordedRequest extends WireRequest {
  /** The route template it matched, e.g. `"GET /customers/:id"` (the concrete path when none). */
  readonly route: string
  /** The account the credentials named, when they could be read. */
  readonly account: string | undefined
}

/** Why a delivery attempt failed: `reason` (`status`, `timeout`, `connection_refused`, `tls`, …) and a `message`. */
export type { DeliveryFailure }

/**
 * A delivery attempt as the in-memory Xtopay recorded it: the API's `DeliveryAttempt`, and why it
 * failed (`undefined` when it succeeded), which only the test doubles tell.
 *
 * @since 0.1.0
 */
export interface RecordedDeliveryAttempt extends DeliveryAttempt {
  readonly failure: DeliveryFailure | undefined
}

/**
 * A control operation that could not be done (no such setup intent, an expired one, a duplicate id…).
 * `reason`, when set, says which kind: `NotFound` (no such object) or `Conflict` (the object is not
 * in a state that allows it: already completed, expired, the id taken); absent, the input was invalid.
 *
 * @since 0.1.0
 */
export class XtopayControlError extends Data.TaggedError("XtopayControlError")<{
  readonly message: string
  readonly reason?: "NotFound" | "Conflict" | undefined
}> {}

/**
 * The types that go with the `XtopayControl` service.
 *
 * @since 0.1.0
 */
export declare namespace XtopayControl {
  /**
   * What a test can do to the in-memory Xtopay behind the client: seed data, complete setup
   * intents, read the requests it received, inject faults and set a rate limit.
   *
   * @since 0.1.0
   */
  export interface Service {
    /** Seeds customers (with their subscriptions and payment methods) into an account. */
    readonly seed: (data: SeedData) => Effect.Effect<ReadonlyArray<CustomerDetails>, XtopayControlError>
    /**
     * Seeds `count` synthetic customers (`customer{i}@example.com`) into `account` (default
     * `cid_test_default`), all created at the current `Clock` time — fast: a million take a few
     * seconds. Returns how many customers the account holds.
     */
    readonly seedCustomers: {
      (count: number): Effect.Effect<number>
      (account: string, count: number): Effect.Effect<number>
    }
    /** Adds a subscription to an existing customer (of any account). */
    readonly seedSubscription: (
      customerId: string,
      subscription: SeedSubscription
    ) => Effect.Effect<Subscription, XtopayControlError>
    /** Saves a payment method on an existing customer without a setup intent. */
    readonly seedPaymentMethod: (
      customerId: string,
      paymentMethod: SeedPaymentMethod
    ) => Effect.Effect<PaymentMethod, XtopayControlError>
    /**
     * What the customer does in a browser at `setup_url`: saves a payment method on the setup
     * intent's customer. Fails if the intent is unknown, expired, already completed, or its
     * customer was deleted.
     */
    readonly completeSetupIntent: (
      setupIntentId: string,
      details: PaymentMethodDetails
    ) => Effect.Effect<PaymentMethod, XtopayControlError>
    /** The events every account recorded (the last 30 days), newest first. */
    readonly events: Effect.Effect<ReadonlyArray<XtopayEvent>>
    /**
     * Waits until no webhook delivery attempt is under way: after a request or a
     * `TestClock.adjust`, the attempts now due have all been made and recorded (retries still
     * waiting on the `Clock` are not waited for).
     */
    readonly settleDeliveries: Effect.Effect<void>
    /** Every attempt to deliver an event, oldest first (none for an unknown id), each with why it failed. */
    readonly deliveryAttempts: (eventId: string) => Effect.Effect<ReadonlyArray<RecordedDeliveryAttempt>>
    /** Requests received so far, oldest first (the most recent `maxRecordedRequests`). */
    readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
    readonly clearRequests: Effect.Effect<void>
    /** Adds fault plans, after any already pending. */
    readonly injectFaults: (...plans: ReadonlyArray<FaultPlan>) => Effect.Effect<void>
    readonly clearFaults: Effect.Effect<void>
    /**
     * Sets (or with `undefined` removes) the rate limit of every account, replacing any an account
     * set for itself; counting starts afresh.
     */
    readonly setRateLimit: (limit: RateLimit | undefined) => Effect.Effect<void>
    /**
     * The same back door confined to one account (a client id): what the mock server's `/_mock`
     * control API uses, so that clients sharing one server do not disturb each other.
     */
    readonly account: (clientId: string) => XtopayControl.Account
  }

  /**
   * What a test can do to one account of the in-memory Xtopay, leaving the others alone.
   *
   * @since 0.1.0
   */
  export interface Account {
    /** The client id this view acts on. */
    readonly clientId: string
    /** Seeds customers (with their subscriptions and payment methods, and synthetic ones) into this account. */
    readonly seed: (data: Omit<SeedData, "account">) => Effect.Effect<ReadonlyArray<CustomerDetails>, XtopayControlError>
    /** As `XtopayControl.completeSetupIntent`, for a setup intent of this account only (another's is not found). */
    readonly completeSetupIntent: (
      setupIntentId: string,
      details: PaymentMethodDetails
    ) => Effect.Effect<PaymentMethod, XtopayControlError>
    /** This account's events (the last 30 days), newest first. */
    readonly events: Effect.Effect<ReadonlyArray<XtopayEvent>>
    /** Every attempt to deliver one of this account's events, oldest first, each with why it failed. */
    readonly deliveryAttempts: (eventId: string) => Effect.Effect<ReadonlyArray<RecordedDeliveryAttempt>>
    /** The requests whose credentials named this client id, oldest first. */
    readonly requests: Effect.Effect<ReadonlyArray<RecordedRequest>>
    /** Forgets this account's recorded requests. */
    readonly clearRequests: Effect.Effect<void>
    /** Adds fault plans that only this account's requests meet, after any already pending. */
    readonly injectFaults: (...plans: ReadonlyArray<FaultPlan>) => Effect.Effect<void>
    /** Removes this account's fault plans (not the plans injected for every account). */
    readonly clearFaults: Effect.Effect<void>
    /**
     * Sets this account's own rate limit, in place of the one for every account; `undefined`
     * removes it (the limit for every account, if any, applies again). Counting starts afresh.
     */
    readonly setRateLimit: (limit: RateLimit | undefined) => Effect.Effect<void>
    /**
     * Back to empty, as if never used: its customers, payment methods, subscriptions, setup
     * intents, idempotency keys, fault plans, rate limit and recorded requests are gone, and the
     * next request's secret becomes its secret.
     */
    readonly reset: Effect.Effect<void>
  }
}

/**
 * The control service of an in-memory Xtopay. `XtopayTest` provides it beside `XtopayClient`.
 *
 * @since 0.1.0
 */
export class XtopayControl extends Context.Tag("effect-xtopay/XtopayControl")<XtopayControl, XtopayControl.Service>() {}
