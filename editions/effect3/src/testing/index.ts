/**
 * `effect-xtopay/testing`: the in-memory Xtopay. No Node built-ins here: it runs in browsers too.
 * (The mock HTTP server lives at `effect-xtopay/mock-server`.)
 *
 * @module effect-xtopay/testing
 * @since 0.1.0
 */
import "../internal/edition.js" // first of all: a wrong major of effect is named before anything loads it
export { type Backend, type BackendOptions, makeBackend } from "./Backend.js"
export {
  DEFAULT_ACCOUNT,
  type DeliveryFailure,
  type Fault,
  type FaultPlan,
  type PaymentMethodDetails,
  type RateLimit,
  type RecordedDeliveryAttempt,
  type RecordedRequest,
  type SeedCustomer,
  type SeedData,
  type SeedPaymentMethod,
  type SeedSubscription,
  type SeedTime,
  XtopayControl,
  XtopayControlError
} from "./Control.js"
export type { WireAnswer, WireOutcome, WireRequest } from "./wire.js"
export { XtopayTest, type XtopayTestOptions, XtopayTestWith } from "./XtopayTest.js"
