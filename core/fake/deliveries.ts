/**
 * The webhook delivery schedule of the in-memory Xtopay: which endpoints get which event, the
 * waits before each retry, and what an attempt record holds. Sending, signing and waiting are
 * the edition's (on its clock, in its fibers).
 */
import { isoTime, type WireDeliveryAttempt } from "./objects.js"
import type { EventRecord, State, WebhookEndpointRecord } from "./state.js"

/** The reference's schedule: retries after 5 min, 30 min, 2 h, 5 h, 10 h and 24 h (7 attempts in all). */
export const DEFAULT_RETRY_DELAYS_MILLIS: ReadonlyArray<number> = [
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  24 * 3_600_000
]

/** A receiver that answers 2xx within this long succeeds. */
export const DELIVERY_TIMEOUT_MILLIS = 10_000

const MAX_RECORDED_BODY = 1024

/** The first `code` along an error's `cause` chain (fetch wraps the socket's error in a `TypeError`). */
const errorCode = (error: unknown): string | undefined => {
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === "string") return code
  }
  return undefined
}

/** The deepest message along an error's `cause` chain: the socket's words rather than fetch's "fetch failed". */
const innermostMessage = (error: unknown): string => {
  let message = String(error)
  for (let e = error, depth = 0; typeof e === "object" && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof (e as { message?: unknown }).message === "string") message = (e as { message: string }).message
  }
  return message
}

/** Why a send failed (`"timeout"`: the edition's own timeout), by Node's and undici's error codes. */
export const classifyFailure = (error: unknown): DeliveryFailure => {
  if (error === "timeout") return { reason: "timeout", message: `No answer within ${DELIVERY_TIMEOUT_MILLIS / 1000} s` }
  const code = errorCode(error)
  const message = `${innermostMessage(error)}${code === undefined ? "" : ` (${code})`}`.slice(0, 500)
  if (code === "ECONNREFUSED") return { reason: "connection_refused", message }
  if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET" || code === "UND_ERR_CLOSED") {
    return { reason: "connection_reset", message }
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return { reason: "dns", message }
  if (
    code !== undefined &&
    (/^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|ERR_OSSL_)/.test(code) ||
      ["DEPTH_ZERO_SELF_SIGNED_CERT", "SELF_SIGNED_CERT_IN_CHAIN", "HOSTNAME_MISMATCH"].includes(code))
  ) return { reason: "tls", message }
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT") return { reason: "timeout", message }
  return { reason: "other", message }
}

/** One event to deliver to one endpoint. */
export interface DueDelivery {
  readonly event: EventRecord
  readonly endpoint: WebhookEndpointRecord
}

/** What the receiver answered; `undefined` when it did not (refused, timed out, failed). */
export interface WebhookReply {
  readonly status: number
  readonly body: string
}

/** Why an attempt failed: the endpoint's status, or what kept an answer from coming. */
export type DeliveryFailureReason = "status" | "timeout" | "connection_refused" | "connection_reset" | "dns" | "tls" | "other"

/**
 * A failed attempt's outcome, kept beside the attempt for the control API and `XtopayControl`
 * only: the reference's `DeliveryAttempt` has no field for it.
 */
export interface DeliveryFailure {
  readonly reason: DeliveryFailureReason
  readonly message: string
}

/** Every event recorded (or replayed) since the last call, paired with each active endpoint that takes its type. */
export const dueDeliveries = (state: State): ReadonlyArray<DueDelivery> =>
  state.takeFresh().flatMap((event) =>
    state.endpointsFor(event.account, event.event.type).map((endpoint) => ({ event, endpoint }))
  )

/** Where the next attempt goes: the endpoint as it is now, or `undefined` when it was deleted or disabled (no more attempts). */
export const attemptTarget = (state: State, endpoint: WebhookEndpointRecord): WebhookEndpointRecord | undefined => {
  // A reset account's endpoints are gone too, even to a delivery that was under way.
  const current = state.isCurrent(endpoint.account) ? endpoint.account.byId.webhookEndpoints.get(endpoint.id) : undefined
  return current !== undefined && current.endpoint.status === "active" ? current : undefined
}

/** At most the first 1 KB of a body, as UTF-8 (a character cut in two is dropped). */
export const firstKilobyte = (body: string): string => {
  const bytes = new TextEncoder().encode(body)
  return bytes.length <= MAX_RECORDED_BODY ? body : new TextDecoder().decode(bytes.subarray(0, MAX_RECORDED_BODY)).replace(/\uFFFD$/, "")
}

/**
 * Records attempt number `attempt` (0 for the first), with what the receiver answered or why it
 * did not, and says how long to wait before the next one: `undefined` when it succeeded or the
 * schedule is spent.
 */
export const recordAttempt = (
  state: State,
  delivery: DueDelivery,
  attempt: number,
  retryDelaysMillis: ReadonlyArray<number>,
  attemptedAt: number,
  reply: WebhookReply | DeliveryFailure,
  now: number
): number | undefined => {
  const answered = "status" in reply ? reply : undefined
  const succeeded = answered !== undefined && answered.status >= 200 && answered.status < 300
  const failure: DeliveryFailure | undefined = succeeded
    ? undefined
    : answered === undefined
    ? reply as DeliveryFailure
    : { reason: "status", message: `The endpoint answered ${answered.status}, not 2xx` }
  const wait = succeeded ? undefined : retryDelaysMillis[attempt]
  const record: WireDeliveryAttempt = {
    id: state.nextId(delivery.event.account, "da_", delivery.event.account.attemptIds),
    event_id: delivery.event.id,
    endpoint_id: delivery.endpoint.id,
    status: succeeded ? "succeeded" : "failed",
    response_status: answered === undefined ? null : answered.status,
    response_body: answered === undefined ? null : firstKilobyte(answered.body),
    attempted_at: isoTime(attemptedAt),
    next_retry_at: wait === undefined ? null : isoTime(now + wait)
  }
  state.recordAttempt(delivery.event, record, attemptedAt, failure)
  return wait
}
