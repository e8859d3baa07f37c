/**
 * Webhook deliveries of the in-memory Xtopay, as Effect fibers: each due delivery (core's
 * schedule says which) is forked into the backend's scope, attempted, and retried after core's
 * waits on the `Clock`. It never delays an answer, and it ends with the backend. With no receiver
 * (an `XtopayTest` without a `webhookApp`) every attempt is recorded as unanswered, as the Effect 3
 * edition records it.
 */
import {
  attemptTarget,
  classifyFailure,
  DELIVERY_TIMEOUT_MILLIS,
  type DeliveryFailure,
  type DueDelivery,
  recordAttempt,
  type WebhookReply
} from "#core/fake/deliveries.js"
import type { Fake } from "#core/fake/fake.js"
import { Clock, Deferred, Duration, Effect, Result, type Scope } from "effect"

/** One delivery as it leaves the fake: POST `body` to `url`, signed with the endpoint's `secret`. */
export interface WebhookDelivery {
  readonly url: string
  readonly body: string
  readonly secret: string
}

/** Sends one delivery; a failure is an attempt with no answer. */
export type WebhookSender = (delivery: WebhookDelivery) => Effect.Effect<WebhookReply, unknown>

/** What an attempt with nowhere to go is recorded as failing with. */
const NO_RECEIVER: DeliveryFailure = {
  reason: "other",
  message: "No webhookApp: this XtopayTest has nowhere to deliver (give XtopayTestWith a webhookApp)"
}

export interface Deliveries {
  /** Starts delivering every event recorded (or replayed) since the last call. */
  readonly dispatch: Effect.Effect<void>
  /** Waits until no attempt is under way (retries waiting on the `Clock` are not). */
  readonly settled: Effect.Effect<void>
}

export const makeDeliveries = (options: {
  readonly fake: Fake
  readonly scope: Scope.Scope
  readonly sender: WebhookSender | undefined
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
      const reply: WebhookReply | DeliveryFailure = sender === undefined ? NO_RECEIVER : yield* sender({
        url: target.endpoint.url,
        body: delivery.event.json,
        secret: delivery.endpoint.secret
      }).pipe(
        Effect.timeoutOrElse({ duration: Duration.millis(DELIVERY_TIMEOUT_MILLIS), orElse: () => Effect.fail("timeout") }),
        Effect.result,
        Effect.map((result) => Result.isSuccess(result) ? result.success : classifyFailure(result.failure))
      )
      const now = yield* Clock.currentTimeMillis
      return recordAttempt(fake.state, delivery, attempt, retryDelaysMillis, attemptedAt, reply, now)
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
        // Counted as under way from the fork, so that `settled` right after a request waits for it.
        (delivery) => Effect.andThen(begin, Effect.forkIn(Effect.interruptible(deliver(delivery)), scope)),
        { discard: true }
      )
    })
  }
}
