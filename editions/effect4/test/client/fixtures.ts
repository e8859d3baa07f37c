/**
 * Answers as Xtopay documents them. The first three are copied verbatim from the vendor's reference
 * page (customers-api-page.txt); the others follow the object descriptions in xtopay-api.md.
 */
import { DateTime } from "effect"

/** `POST /customers` — "Response 201" on the reference page. */
export const referenceCustomer = `{
  "id": "cus_a1b2c3",
  "email": "ama@example.com",
  "name": "Ama Owusu",
  "phone": null,
  "currency": "GHS",
  "created_at": "2026-05-24T10:00:00Z"
}`

/** `POST /setup-intents` — "Response" on the reference page. */
export const referenceSetupIntent = `{
  "id": "si_a1b2c3",
  "customer_id": "cus_a1b2c3",
  "setup_url": "https://checkout.xtopay.co/setup/tok_xyz",
  "expires_at": "2026-05-24T10:30:00Z"
}`

/** `POST /customer-portal/sessions` — "Response" on the reference page. */
export const referencePortalSession = `{
  "id": "cps_a1b2c3",
  "url": "https://billing.xtopay.co/portal/sess_xyz",
  "expires_at": "2026-05-24T10:30:00Z"
}`

export const cardPaymentMethod = {
  id: "pm_card1",
  customer_id: "cus_a1b2c3",
  type: "card",
  card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 },
  mobile_money: null,
  created_at: "2026-05-24T10:05:00Z"
}

export const momoPaymentMethod = {
  id: "pm_momo1",
  customer_id: "cus_a1b2c3",
  type: "mobile_money",
  card: null,
  mobile_money: { network: "mtn", phone: "+233244000000" },
  created_at: "2026-05-24T10:06:00Z"
}

/** A `type` this SDK does not know yet: it must stay a value. */
export const futurePaymentMethod = {
  id: "pm_bank1",
  customer_id: "cus_a1b2c3",
  type: "bank_account",
  card: null,
  mobile_money: null,
  created_at: "2026-05-24T10:07:00Z",
  bank_account: { bank: "GCB", last4: "0001" }
}

export const activeSubscription = {
  id: "sub_1",
  status: "active",
  plan_id: "plan_basic",
  current_period_end: "2026-06-24T10:00:00Z",
  cancel_at_period_end: false,
  created_at: "2026-05-24T10:00:00Z"
}

/** A `status` this SDK does not know yet: it must stay a value. */
export const futureSubscription = {
  id: "sub_2",
  status: "incomplete_expired",
  plan_id: "plan_pro",
  current_period_end: null,
  cancel_at_period_end: true,
  created_at: "2026-05-24T10:01:00Z"
}

/** `GET /customers/:id`: the reference's customer with its subscriptions and payment methods. */
export const customerDetails = {
  ...JSON.parse(referenceCustomer),
  metadata: { plan: "basic" },
  subscriptions: [activeSubscription, futureSubscription],
  payment_methods: [cardPaymentMethod, momoPaymentMethod, futurePaymentMethod]
}

/** A customer on a list page. */
export const listedCustomer = (n: number) => ({
  id: `cus_${n}`,
  email: `c${n}@example.com`,
  name: null,
  phone: null,
  currency: "GHS",
  metadata: {},
  created_at: "2026-05-24T10:00:00Z"
})

/** One list page, as the reference prints the envelope. */
export const page = (
  data: ReadonlyArray<unknown>,
  pagination: { readonly has_more: boolean; readonly next_cursor: string | null }
) => ({ data, pagination: { ...pagination, previous_cursor: null, total_count: 247 } })

/** The instant an ISO timestamp names. */
export const utc = (iso: string): DateTime.Utc => DateTime.makeUnsafe(iso)
