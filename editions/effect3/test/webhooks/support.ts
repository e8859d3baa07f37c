/**
 * Deliveries for the webhook tests, signed with `node:crypto` (never with the module under test),
 * and the fixed "now" they run at on the TestClock.
 */
import { createHmac } from "node:crypto"

/** The TestClock's "now" in these tests: 2026-05-24T10:00:00Z. */
export const NOW_SECONDS = 1_779_616_800
export const NOW_MILLIS = NOW_SECONDS * 1000

export const SECRET = "csk_test_wh-Secret-4Kq9ZpR2"
export const OTHER_SECRET = "csk_test_wh-Other-8Jd3WcN6"

/** Lower-case hex HMAC-SHA256 of `"<timestamp>.<body>"`, the body's bytes as they are. */
export const nodeSignature = (secret: string, timestamp: string, body: string | Uint8Array): string =>
  createHmac("sha256", secret).update(Buffer.concat([Buffer.from(`${timestamp}.`, "utf8"), Buffer.from(body)])).digest(
    "hex"
  )

/** The headers Xtopay sends, signed independently. */
export const deliveryHeaders = (
  body: string | Uint8Array,
  options: { readonly secret?: string; readonly timestamp?: string } = {}
): { readonly "content-type": string; readonly "x-xtopay-timestamp": string; readonly "x-xtopay-signature": string } => {
  const timestamp = options.timestamp ?? String(NOW_SECONDS)
  return {
    "content-type": "application/json",
    "x-xtopay-timestamp": timestamp,
    "x-xtopay-signature": `sha256=${nodeSignature(options.secret ?? SECRET, timestamp, body)}`
  }
}

export const customer = {
  id: "cus_a1b2c3",
  email: "ama@example.com",
  name: "Ama Owusu",
  phone: "+233244000000",
  currency: "GHS",
  metadata: { order: "42" },
  created_at: "2026-05-24T09:59:00Z"
}

/** A card payment method, as the client tests use it. */
export { cardPaymentMethod as paymentMethod } from "../client/fixtures.js"

/** An event body as Xtopay sends it: compact JSON. */
export const eventBody = (type: string, data: unknown, id = "evt_a1b2c3d4"): string =>
  JSON.stringify({ id, type, created_at: "2026-05-24T10:00:00Z", data })
