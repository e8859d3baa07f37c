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
 * Records attempt number `attempt` (0 for the first) and says how long to wait before the next
 * one: `undefined` when it succeeded or the schedule is spent.
 */
export const recordAttempt = (
  state: State,
  delivery: DueDelivery,
  attempt: number,
  retryDelaysMillis: ReadonlyArray<number>,
  attemptedAt: number,
  reply: WebhookReply | undefined,
  now: number
): number | undefined => {
  const succeeded = reply !== undefined && reply.status >= 200 && reply.status < 300
  const wait = succeeded ? undefined : retryDelaysMillis[attempt]
  const record: WireDeliveryAttempt = {
    id: state.nextId(delivery.event.account, "da_", delivery.event.account.attemptIds),
    event_id: delivery.event.id,
    endpoint_id: delivery.endpoint.id,
    status: succeeded ? "succeeded" : "failed",
    response_status: reply === undefined ? null : reply.status,
    response_body: reply === undefined ? null : firstKilobyte(reply.body),
    attempted_at: isoTime(attemptedAt),
    next_retry_at: wait === undefined ? null : isoTime(now + wait)
  }
  state.recordAttempt(delivery.event, record, attemptedAt)
  return wait
}
