/**
 * effect-xtopay (Effect 4 edition): the Effect-native client for the Xtopay payments API.
 *
 * @module effect-xtopay
 * @since 1.0.0
 */
import "./internal/edition.js" // first of all: a wrong major of effect is named before anything loads it
export * as CustomerPortal from "./CustomerPortal.js"
export * as Customers from "./Customers.js"
export * as Events from "./Events.js"
export * as PaymentMethods from "./PaymentMethods.js"
export * as SetupIntents from "./SetupIntents.js"
export * as WebhookEndpoints from "./WebhookEndpoints.js"
export * as Webhooks from "./Webhooks.js"
export { WebhookVerificationError } from "./Webhooks.js"

export { paginate } from "./paginate.js"
export * from "./Schemas.js"
export {
  DEFAULT_BASE_URL,
  FetchTransport,
  type RawRequest,
  type ReadOptions,
  type RequestOptions,
  XtopayClient,
  type XtopayClientConfig,
  type XtopayClientOptions,
  XtopayLive,
  type XtopayResponse
} from "./XtopayClient.js"
export {
  type CommonError,
  ConnectionError,
  Forbidden,
  IdempotencyConflict,
  InvalidRequest,
  isXtopayError,
  NotFound,
  RateLimited,
  ServerError,
  TypeId as XtopayErrorTypeId,
  Unauthorized,
  UnexpectedResponse,
  type XtopayError
} from "./XtopayError.js"
export {
  type Fault,
  type FaultPlan,
  type PaymentMethodDetails,
  type RateLimit,
  type DeliveryFailure,
  type RecordedDeliveryAttempt,
  type RecordedRequest,
  type SeedCustomer,
  type SeedData,
  type SeedPaymentMethod,
  type SeedSubscription,
  type SeedTime,
  XtopayControl,
  XtopayControlError
} from "./testing/Control.js"
export { XtopayTest, type XtopayTestOptions, XtopayTestWith } from "./testing/XtopayTest.js"
export type { WebhookApp } from "./testing/XtopayTest.js"
