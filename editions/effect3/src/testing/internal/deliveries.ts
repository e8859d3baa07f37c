/**
 * Webhook deliveries of the in-memory Xtopay, as Effect fibers: each due delivery (core's
 * schedule says which) is forked into the backend's scope, signed per attempt, sent, and retried
 * after core's waits on the `Clock`. It never delays an answer, and it ends with the backend.
 */
import {
  attemptTarget,
  classifyFailure,
  DELIVERY_TIMEOUT_MILLIS,
  type DueDelivery,
  recordAttempt,
  type WebhookReply
} from "#core/fake/deliveries.js"
import type { Fake } from "#core/fake/fake.js"
import { Clock, Deferred, Duration, Effect, Either, Redacted, type Scope } from "effect"
import { sign } from "../../Webhooks.js"

/** One delivery as it leaves the fake: POST `body` to `url` with `headers`. */
export interface WebhookDelivery {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** What the receiver answered (core's shape); a failure (no answer) is recorded with no status. */
export type { WebhookReply }

/** Sends one delivery: over `fetch` on the mock server, to an `HttpApp` in process under `XtopayTest`. */
export type WebhookSender = (delivery: WebhookDelivery) => Effect.Effect<WebhookReply, unknown>

/** Over `fetch`, never following redirects; the 10 s limit is the caller's. */
export const fetchSender: WebhookSender = (delivery) =>
  Effect.tryPromise({
    try: (signal) =>
      fetch(delivery.url, { method: "POST", headers: delivery.headers, body: delivery.body, redirect: "manual", signal })
        .then(async (response) => ({ status: response.status, body: await response.text() })),
    // fetch's own error, whose cause chain holds the socket's code for core's classifyFailure.
    catch: (error) => error
  })

export interface Deliveries {
  /** Starts delivering every event recorded (or replayed) since the last call. */
  readonly dispatch: Effect.Effect<void>
  /** Waits until no attempt is under way (retries waiting on the `Clock` are not). */
  readonly settled: Effect.Effect<void>
}

export const makeDeliveries = (options: {
  readonly fake: Fake
  readonly scope: Scope.Scope
  readonly sender: WebhookSender
  readonly retryDelaysMillis: ReadonlyArray<number>
}): Deliveries => {
  const { fake, retryDelaysMillis, scope, sender } = options
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

  /** One attempt, recorded; the wait before the next one, or `undefined` when there is none. */
  const attemptOnce = (delivery: DueDelivery, attempt: number): Effect.Effect<number | undefined> =>
    Effect.gen(function*() {
      const target = attemptTarget(fake.state, delivery.endpoint)
      if (target === undefined) return undefined
      const attemptedAt = yield* Clock.currentTimeMillis
      const json = delivery.event.json
      // A fresh timestamp and signature for every attempt, the same body.
      const headers = yield* sign({ payload: json, secret: Redacted.make(delivery.endpoint.secret) })
      const reply = yield* sender({ url: target.endpoint.url, headers, body: json }).pipe(
        Effect.timeoutFail({ duration: Duration.millis(DELIVERY_TIMEOUT_MILLIS), onTimeout: () => "timeout" }),
        Effect.either
      )
      const now = yield* Clock.currentTimeMillis
      const outcome = Either.isRight(reply) ? reply.right : classifyFailure(reply.left)
      return recordAttempt(fake.state, delivery, attempt, retryDelaysMillis, attemptedAt, outcome, now)
    })

  const deliver = (delivery: DueDelivery): Effect.Effect<void> =>
    Effect.gen(function*() {
      for (let attempt = 0; attempt <= retryDelaysMillis.length; attempt++) {
        // The first attempt was counted when the delivery was forked.
        if (attempt > 0) yield* begin
        const wait = yield* Effect.ensuring(attemptOnce(delivery, attempt), end)
        if (wait === undefined) return
        yield* Effect.sleep(Duration.millis(wait))
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
      const due = fake.takeDeliveries()
      if (due.length === 0) return Effect.void
      return Effect.forEach(
        due,
        // Counted as under way from the fork, so that `settled` right after a request waits for it;
        // interruptible even when the request was answered in an uninterruptible region, so the scope's close ends it.
        (delivery) => Effect.zipRight(begin, Effect.forkIn(Effect.interruptible(deliver(delivery)), scope)),
        { discard: true }
      )
    })
  }
}
