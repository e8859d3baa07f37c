/**
 * The wire examples of the tests. Xtopay's documented answers are the Effect 3 edition's own
 * fixtures, imported rather than copied so both editions are held to the very same JSON; the
 * webhook ones follow the Effect 3 edition's events tests.
 */
import { DateTime } from "effect"
import { listedCustomer } from "../../effect3/test/client/fixtures.js"

export {
  activeSubscription,
  cardPaymentMethod,
  customerDetails,
  futurePaymentMethod,
  futureSubscription,
  listedCustomer,
  momoPaymentMethod,
  page,
  referenceCustomer,
  referencePortalSession,
  referenceSetupIntent
} from "../../effect3/test/client/fixtures.js"

/** The instant an ISO timestamp names, as an Effect 4 `DateTime`. */
export const utc = (iso: string): DateTime.Utc => DateTime.makeUnsafe(iso)

/** A webhook endpoint, as the Effect 3 edition's events tests answer with it. */
export const webhookEndpoint = {
  id: "we_a1b2c3",
  url: "https://shop.example/hooks",
  events: ["customer.created"],
  status: "active",
  description: null,
  created_at: "2026-05-24T10:00:00Z"
}

/** A `customer.created` event carrying the reference's customer. */
export const customerCreatedEvent = {
  id: "evt_a1b2c3d4",
  type: "customer.created",
  created_at: "2026-05-24T10:00:01Z",
  data: listedCustomer(1)
}

/** One delivery attempt; a failed one names when the next is due. */
export const deliveryAttempt = (id: string, status: string, next: string | null) => ({
  id,
  event_id: "evt_a1b2c3d4",
  endpoint_id: "we_a1b2c3",
  status,
  response_status: status === "succeeded" ? 200 : 500,
  response_body: "",
  attempted_at: "2026-05-24T10:00:01Z",
  next_retry_at: next
})
