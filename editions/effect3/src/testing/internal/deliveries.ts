/**
 * Webhook deliveries of the in-memory Xtopay: each new event goes to the account's matching
 * active endpoints, signed per attempt, retried on the reference's schedule, every attempt
 * recorded. Each delivery is a fiber in the backend's scope, on the `Clock`: it never delays an
 * answer, and it ends with the backend.
 */
import { Clock, DateTime, Deferred, Duration, Effect, Either, Redacted, type Scope } from "effect"
import { sign } from "../../Webhooks.js"
import type { IdGenerator } from "./ids.js"
import type { EventRecord, State, WebhookEndpointRecord } from "./state.js"

/** One delivery as it leaves the fake: POST `body` to `url` with `headers`. */
export interface WebhookDelivery {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** What the receiver answered. A failure (no answer) is recorded with no status. */
export interface WebhookReply {
  readonly status: number
  readonly body: string
}

/** Sends one delivery: over `fetch` on the mock server, to an `HttpApp` in process under `XtopayTest`. */
export type WebhookSender = (delivery: WebhookDelivery) => Effect.Effect<WebhookReply, unknown>

/** The reference's schedule: retries after 5 min, 30 min, 2 h, 5 h, 10 h and 24 h (7 attempts in all). */
export const DEFAULT_RETRY_DELAYS: ReadonlyArray<Duration.DurationInput> = [
  "5 minutes",
  "30 minutes",
  "2 hours",
  "5 hours",
  "10 hours",
  "24 hours"
]

/** A receiver that answers 2xx within this long succeeds. */
const DELIVERY_TIMEOUT = Duration.seconds(10)
const MAX_RECORDED_BODY = 1024

/** Over `fetch`, never following redirects; the 10 s limit is the caller's. */
export const fetchSender: WebhookSender = (delivery) =>
  Effect.tryPromise((signal) =>
    fetch(delivery.url, { method: "POST", headers: delivery.headers, body: delivery.body, redirect: "manual", signal })
      .then(async (response) => ({ status: response.status, body: await response.text() }))
  )

/** At most the first 1 KB of a body, as UTF-8 (a character cut in two is dropped). */
const firstKilobyte = (body: string): string => {
  const bytes = new TextEncoder().encode(body)
  return bytes.length <= MAX_RECORDED_BODY ? body : new TextDecoder().decode(bytes.subarray(0, MAX_RECORDED_BODY)).replace(/\uFFFD$/, "")
}

export interface Deliveries {
  /** Starts delivering every event recorded (or replayed) since the last call. */
  readonly dispatch: Effect.Effect<void>
  /** Waits until no attempt is under way (retries waiting on the `Clock` are not). */
  readonly settled: Effect.Effect<void>
}

export const makeDeliveries = (options: {
  readonly state: State
  readonly ids: IdGenerator
  readonly scope: Scope.Scope
  readonly sender: WebhookSender
  readonly retryDelays: ReadonlyArray<Duration.DurationInput>
}): Deliveries => {
  const { ids, scope, sender, state } = options
  const delays = options.retryDelays.map(Duration.decode)
  // Attempts under way, and who waits for there to be none.
  let busy = 0
  let waiters: Array<Deferred.Deferred<void>> = []
  const begin = Effect.sync(() => {
    busy++
  })
  const end = Effect.suspend(() => {
    busy--
    if (busy > 0 || waiters.length === 0) return Effect.void
    const done = waiters
    waiters = []
    return Effect.forEach(done, (waiter) => Deferred.succeed(waiter, undefined), { discard: true })
  })

  const deliver = (event: EventRecord, endpoint: WebhookEndpointRecord): Effect.Effect<void> =>
    Effect.gen(function*() {
      for (let attempt = 0; attempt <= delays.length; attempt++) {
        // The first attempt was counted when the delivery was forked.
        if (attempt > 0) yield* begin
        const wait = yield* Effect.ensuring(attemptOnce(event, endpoint, attempt), end)
        if (wait === undefined) return
        yield* Effect.sleep(wait)
      }
    })

  /** One attempt, recorded; the wait before the next one, or `undefined` when there is none. */
  const attemptOnce = (
    event: EventRecord,
    endpoint: WebhookEndpointRecord,
    attempt: number
  ): Effect.Effect<Duration.Duration | undefined> =>
    Effect.gen(function*() {
      {
        // A deleted or disabled endpoint gets no more attempts.
        const current = state.webhookEndpoints.get(endpoint.id)
        if (current === undefined || current.endpoint.status !== "active") return undefined
        const attemptedAt = yield* Clock.currentTimeMillis
        // A fresh timestamp and signature for every attempt, the same body.
        const headers = yield* sign({ payload: event.json, secret: Redacted.make(endpoint.secret) })
        const reply = yield* sender({ url: current.endpoint.url, headers, body: event.json }).pipe(
          Effect.timeoutFail({ duration: DELIVERY_TIMEOUT, onTimeout: () => "timeout" }),
          Effect.either
        )
        const succeeded = Either.isRight(reply) && reply.right.status >= 200 && reply.right.status < 300
        const wait = succeeded ? undefined : delays[attempt]
        const now = yield* Clock.currentTimeMillis
        state.recordAttempt(event, {
          id: ids.next("da_"),
          event_id: event.id,
          endpoint_id: endpoint.id,
          status: succeeded ? "succeeded" : "failed",
          response_status: Either.isRight(reply) ? reply.right.status : null,
          response_body: Either.isRight(reply) ? firstKilobyte(reply.right.body) : null,
          attempted_at: DateTime.unsafeMake(attemptedAt),
          next_retry_at: wait === undefined ? null : DateTime.unsafeMake(now + Duration.toMillis(wait))
        })
        return wait
      }
    })

  return {
    settled: Effect.suspend(() => {
      if (busy === 0) return Effect.void
      return Effect.flatMap(Deferred.make<void>(), (waiter) => {
        waiters.push(waiter)
        return Deferred.await(waiter)
      })
    }),
    dispatch: Effect.suspend(() => {
      const fresh = state.takeFresh()
      if (fresh.length === 0) return Effect.void
      return Effect.forEach(
        fresh,
        (event) =>
          Effect.forEach(
            state.endpointsFor(event.account, event.event.type),
            // Counted as under way from the fork, so that `settled` right after a request waits for it;
            // interruptible even when the request was answered in an uninterruptible region, so the scope's close ends it.
            (endpoint) => Effect.zipRight(begin, Effect.forkIn(Effect.interruptible(deliver(event, endpoint)), scope)),
            { discard: true }
          ),
        { discard: true }
      )
    })
  }
}
