/**
 * The in-memory Xtopay as an Effect service: core's fake (`core/fake/`, the rules) behind one
 * transport-independent function from `WireRequest` to `WireOutcome`, with the Effect `Clock` for
 * its time, fibers in a scope for delayed answers and webhook deliveries, and `XtopayControl`
 * over its state. `XtopayTest` reaches it through an in-memory `HttpClient`.
 *
 * @since 1.0.0
 */
import { DEFAULT_RETRY_DELAYS_MILLIS } from "#core/fake/deliveries.js"
import { type FakeControl, makeFake, type RecordedAttempt } from "#core/fake/fake.js"
import { type ControlFailure, isControlFailure } from "#core/fake/seed.js"
import { makePages } from "#core/fake/pages.js"
import { registerInternals } from "./internal/backendInternals.js"
import { Clock, Duration, Effect, Fiber, Schema, type Scope } from "effect"
import {
  CustomerDetails as CustomerDetailsSchema,
  DeliveryAttempt as DeliveryAttemptSchema,
  PaymentMethod as PaymentMethodSchema,
  Subscription as SubscriptionSchema,
  XtopayEvent as XtopayEventSchema
} from "../Schemas.js"
import {
  DEFAULT_ACCOUNT,
  type FaultPlan,
  type RateLimit,
  type RecordedDeliveryAttempt,
  type SeedData,
  XtopayControl,
  XtopayControlError
} from "./Control.js"
import { type Deliveries, makeDeliveries, type WebhookSender } from "./internal/deliveries.js"
import { checks, decode } from "./internal/schemaChecks.js"
import { randomToken } from "#core/random.js"
import type { WireAnswer, WireOutcome, WireRequest } from "./wire.js"

/**
 * How to start an in-memory Xtopay: seed data, fault plans, a rate limit, the id seed.
 *
 * @since 1.0.0
 */
export interface BackendOptions {
  /** Seeds the id generator: the same seed and the same requests give the same ids. Default 1. */
  readonly idSeed?: number
  readonly rateLimit?: RateLimit
  readonly seed?: SeedData
  readonly faults?: ReadonlyArray<FaultPlan>
  /** How many of the most recent requests `XtopayControl.requests` keeps. Default 10,000. */
  readonly maxRecordedRequests?: number
  /** Every request waits this long on the `Clock` before it is answered, like a distant API; faults still fire. */
  readonly latency?: Duration.Input
  /** The waits before each retry of a failed webhook delivery. Default the reference's: 5 min, 30 min, 2 h, 5 h, 10 h, 24 h. */
  readonly webhookRetryDelays?: ReadonlyArray<Duration.Input>
}

/**
 * An in-memory Xtopay: `handle` answers a request as Xtopay would; `control` drives its state.
 *
 * @since 1.0.0
 */
export interface Backend {
  readonly handle: (request: WireRequest) => Effect.Effect<WireOutcome>
  readonly control: XtopayControl.Service
  /**
   * Checks an `Authorization` header as the API does: the client id it names, or the 401/403
   * answer refusing it. Nothing is recorded, faulted or rate limited.
   */
  readonly authenticate: (authorization: string | undefined) => string | WireAnswer
}

const millisOf = (input: Duration.Input): number => Duration.toMillis(Duration.fromInputUnsafe(input))

const toLimit = (limit: RateLimit | undefined) =>
  limit === undefined ? undefined : { requests: limit.requests, windowMillis: millisOf(limit.window) }

/**
 * A fresh in-memory Xtopay. Time comes from the Effect `Clock` (so `TestClock` moves it), ids
 * from a generator seeded with `idSeed`. Work it still has under way (a delayed answer, a
 * delivery's retries) ends with the scope.
 *
 * @since 1.0.0
 */
export const makeBackend = (
  options: BackendOptions & { readonly webhookSender?: WebhookSender | undefined } = {}
): Effect.Effect<Backend, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const fake = makeFake({
      idSeed: options.idSeed,
      rateLimit: toLimit(options.rateLimit),
      faults: options.faults,
      maxRecordedRequests: options.maxRecordedRequests,
      latencyMillis: options.latency === undefined ? undefined : millisOf(options.latency),
      decode,
      checks,
      randomToken
    })
    const deliveries = makeDeliveries({
      fake,
      scope,
      sender: options.webhookSender,
      retryDelaysMillis: options.webhookRetryDelays?.map(millisOf) ?? DEFAULT_RETRY_DELAYS_MILLIS
    })

    const handle = (request: WireRequest): Effect.Effect<WireOutcome> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const received = fake.receive(request, now)
        if (received._tag === "Now") return Effect.as(deliveries.dispatch, received.outcome)
        // The work goes on if the caller stops waiting, as it would on a real server, until the backend's scope closes.
        return Effect.forkIn(
          Effect.andThen(Effect.sleep(Duration.millis(received.millis)), Effect.map(Clock.currentTimeMillis, received.complete)),
          scope
        ).pipe(Effect.flatMap(Fiber.join), Effect.tap(() => deliveries.dispatch))
      })

    const control = makeControl(fake.control, deliveries)
    if (options.seed !== undefined) yield* Effect.orDie(control.seed(options.seed))
    const pages = makePages(fake.hosted)
    const backend: Backend = { handle, control, authenticate: fake.authenticate }
    registerInternals(backend, {
      pages: (request) =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => Effect.tap(Effect.sync(() => pages(request, now)), () => deliveries.dispatch)),
      useOrigin: (origin) => fake.hosted.useOrigin(origin)
    })
    return backend
  })

const decodeDetails = Schema.decodeUnknownSync(CustomerDetailsSchema)
const decodePaymentMethod = Schema.decodeUnknownSync(PaymentMethodSchema)
const decodeSubscription = Schema.decodeUnknownSync(SubscriptionSchema)
const decodeEvent = Schema.decodeUnknownSync(XtopayEventSchema)
const decodeAttempt = Schema.decodeUnknownSync(DeliveryAttemptSchema)
const recordedAttempt = (recorded: RecordedAttempt): RecordedDeliveryAttempt => ({
  ...decodeAttempt(recorded.attempt),
  failure: recorded.failure ?? undefined
})

/** Core's answer as an Effect: its value decoded, or its failure as an `XtopayControlError`. */
const settle = <W, A>(result: W | ControlFailure, decodeValue: (wire: W) => A): Effect.Effect<A, XtopayControlError> =>
  isControlFailure(result)
    ? Effect.fail(new XtopayControlError({ message: result.message, reason: result.reason }))
    : Effect.sync(() => decodeValue(result))

const withNow = <A, E>(f: (now: number) => Effect.Effect<A, E>): Effect.Effect<A, E> => Effect.flatMap(Clock.currentTimeMillis, f)

/**
 * Adds fault plans; a plan whose route names no operation could never fire, and the service's type
 * has no error channel, so it is a defect that lists the routes (a typo must not pass unseen).
 */
const inject = (
  injectFaults: FakeControl["injectFaults"],
  plans: ReadonlyArray<FaultPlan>,
  account: string | undefined
): Effect.Effect<void> =>
  Effect.suspend(() => {
    const problem = injectFaults(plans, account)
    return problem === undefined ? Effect.void : Effect.die(new Error(problem.message))
  })

const makeControl = (core: FakeControl, deliveries: Deliveries): XtopayControl.Service => {
  const seed = (data: SeedData) => withNow((now) => settle(core.seed(data, now), (seeded) => seeded.map((wire) => decodeDetails(wire))))
  const completeSetupIntent = (
    setupIntentId: string,
    details: Parameters<FakeControl["completeSetupIntent"]>[1],
    account: string | undefined
  ) =>
    withNow((now) =>
      Effect.tap(settle(core.completeSetupIntent(setupIntentId, details, account, now), decodePaymentMethod), () => deliveries.dispatch)
    )
  const eventsOf = (account: string | undefined) => withNow((now) => Effect.sync(() => core.events(account, now).map((wire) => decodeEvent(wire))))

  return XtopayControl.of({
    events: eventsOf(undefined),
    settleDeliveries: deliveries.settled,
    deliveryAttempts: (eventId) => Effect.sync(() => core.deliveryAttempts(eventId).map(recordedAttempt)),
    seed,
    seedCustomers: (accountOrCount: string | number, maybeCount?: number) =>
      withNow((now) =>
        Effect.sync(() =>
          typeof accountOrCount === "number"
            ? core.seedCustomers(DEFAULT_ACCOUNT, accountOrCount, now)
            : core.seedCustomers(accountOrCount, maybeCount ?? 0, now)
        )
      ),
    seedSubscription: (customerId, subscription) => withNow((now) => settle(core.seedSubscription(customerId, subscription, now), decodeSubscription)),
    seedPaymentMethod: (customerId, method) => withNow((now) => settle(core.seedPaymentMethod(customerId, method, now), decodePaymentMethod)),
    completeSetupIntent: (setupIntentId, details) => completeSetupIntent(setupIntentId, details, undefined),
    requests: Effect.sync(() => core.requests()),
    clearRequests: Effect.sync(() => core.clearRequests()),
    injectFaults: (...plans) => inject(core.injectFaults, plans, undefined),
    clearFaults: Effect.sync(() => core.clearFaults()),
    setRateLimit: (limit) => Effect.sync(() => core.setRateLimit(toLimit(limit))),
    account: (clientId) => ({
      clientId,
      seed: (data) => seed({ ...data, account: clientId }),
      completeSetupIntent: (setupIntentId, details) => completeSetupIntent(setupIntentId, details, clientId),
      requests: Effect.sync(() => core.requests(clientId)),
      events: eventsOf(clientId),
      deliveryAttempts: (eventId) => Effect.sync(() => core.deliveryAttempts(eventId, clientId).map(recordedAttempt)),
      clearRequests: Effect.sync(() => core.clearRequests(clientId)),
      injectFaults: (...plans) => inject(core.injectFaults, plans, clientId),
      clearFaults: Effect.sync(() => core.clearFaults(clientId)),
      setRateLimit: (limit) => Effect.sync(() => core.setRateLimit(toLimit(limit), clientId)),
      reset: Effect.sync(() => core.reset(clientId))
    })
  })
}
