/**
 * Deliveries for the webhook tests, signed with `node:crypto` (never with the module under test),
 * the fixed "now" they run at on the TestClock, and a logger that keeps every line.
 */
import { Cause, Layer, Logger, References } from "effect"
import { createHmac } from "node:crypto"
import { inspect } from "node:util"

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

/** Headers signed at this machine's real "now" (for tests on real sockets or web handlers). */
export const nowHeaders = (body: string, secret = SECRET) =>
  deliveryHeaders(body, { secret, timestamp: String(Math.floor(Date.now() / 1000)) })

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

/** One logged line: its level, annotations, and everything it holds as text. */
export interface LogLine {
  readonly level: string
  readonly annotations: Readonly<Record<string, unknown>>
  readonly text: string
}

/** A logger that keeps every line (message, cause and annotations rendered as text), replacing the default one. */
export const makeRecordingLogger = () => {
  const lines: Array<LogLine> = []
  const logger = Logger.make(({ cause, fiber, logLevel, message }) => {
    const annotations = fiber.getRef(References.CurrentLogAnnotations)
    const messages = Array.isArray(message) ? message : [message]
    lines.push({
      level: logLevel,
      annotations,
      text: [
        logLevel,
        ...messages.map((part) => typeof part === "string" ? part : inspect(part, { depth: null })),
        Cause.pretty(cause),
        inspect(annotations, { depth: null })
      ].join(" ")
    })
  })
  return { lines, layer: Logger.layer([logger]) as Layer.Layer<never> }
}
