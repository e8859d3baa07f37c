/**
 * The in-memory Xtopay: state, routes, auth, idempotency, faults and a rate limit, behind one
 * transport-independent function from `WireRequest` to `WireOutcome`. `XtopayTest` reaches it
 * through an in-memory `HttpClient`; the mock server over real HTTP.
 *
 * @since 0.1.0
 */
import { Clock, DateTime, Duration, Effect, Fiber, type Scope, Schema } from "effect"
import { CurrencyCode, type CustomerDetails, E164Phone, Email, IdempotencyKey, Metadata, ObjectId, type PaymentMethod, PaymentMethod as PaymentMethodSchema, type Subscription, XtopayEvent as XtopayEventSchema, type XtopayEvent } from "../Schemas.js"
import { defaultCode, errorAnswer, rateLimitedAnswer } from "./internal/answers.js"
import { checkCredentials, isAuthFailure, parseBasic } from "./internal/auth.js"
import {
  DEFAULT_ACCOUNT,
  type Fault,
  type FaultPlan,
  type PaymentMethodDetails,
  type RateLimit,
  type SeedCustomer,
  type SeedData,
  type SeedPaymentMethod,
  type SeedSubscription,
  type SeedTime,
  XtopayControl,
  XtopayControlError
} from "./Control.js"
import { registerInternals } from "./internal/backendInternals.js"
import { FaultQueue } from "./internal/faults.js"
import { makeHosted } from "./internal/hosted.js"
import { RateLimiter } from "./internal/rateLimiter.js"
import { IdempotencyStore } from "./internal/idempotency.js"
import { makeIdGenerator } from "./internal/ids.js"
import { RequestLog } from "./internal/requestLog.js"
import { type MatchedRoute, matchRoute } from "./internal/routes.js"
import { type Account, type CustomerRecord, State } from "./internal/state.js"
import { DEFAULT_RETRY_DELAYS, type Deliveries, fetchSender, makeDeliveries, type WebhookSender } from "./internal/deliveries.js"
import type { WireAnswer, WireOutcome, WireRequest } from "./wire.js"

/**
 * How to start an in-memory Xtopay: seed data, fault plans, a rate limit, the id seed.
 *
 * @since 0.1.0
 */
export interface BackendOptions {
  /** Seeds the id generator: the same seed and the same requests give the same ids. Default 1. */
  readonly idSeed?: number
  readonly rateLimit?: RateLimit
  readonly seed?: SeedData
  readonly faults?: ReadonlyArray<FaultPlan>
  /** How many of the most recent requests `XtopayControl.requests` keeps. Default 10,000. */
  readonly maxRecordedRequests?: number
  /**
   * The waits before each retry of a failed webhook delivery. Default the reference's: 5 min,
   * 30 min, 2 h, 5 h, 10 h, 24 h (7 attempts in all).
   */
  readonly webhookRetryDelays?: ReadonlyArray<Duration.DurationInput>
  /** How deliveries leave the fake. Default: `fetch` to each endpoint's URL (the mock server). */
  readonly webhookSender?: WebhookSender
}

/**
 * An in-memory Xtopay: `handle` answers a request as Xtopay would; `control` drives its state.
 *
 * @since 0.1.0
 */
export interface Backend {
  readonly handle: (request: WireRequest) => Effect.Effect<WireOutcome>
  readonly control: XtopayControl.Service
  /**
   * Checks an `Authorization` header as the API does (valid test credentials, the account's
   * secret, which the first use binds): the client id it names, or the 401/403 answer refusing it.
   * Nothing is recorded, faulted or rate limited.
   */
  readonly authenticate: (authorization: string | undefined) => string | WireAnswer
}

const DEFAULT_ID_SEED = 1
const KEYED_METHODS = new Set(["POST", "PATCH"])
const isValidKey = Schema.is(IdempotencyKey)
const isEmail = Schema.is(Email)
const isPhone = Schema.is(E164Phone)
const isCurrency = Schema.is(CurrencyCode)
const isMetadata = Schema.is(Metadata)
const isObjectId = Schema.is(ObjectId)
const encodePaymentMethod = Schema.encodeSync(PaymentMethodSchema)
const decodeEvent = Schema.decodeUnknownSync(XtopayEventSchema)

const withHeaders = (answer: WireAnswer, headers: Readonly<Record<string, string>>): WireAnswer => ({
  ...answer,
  headers: { ...answer.headers, ...headers }
})

/** A correctly framed answer whose JSON stops half-way. */
const truncate = (answer: WireAnswer): WireAnswer => ({
  ...answer,
  body: answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2)))
})

const controlError = (message: string, reason?: "NotFound" | "Conflict") => new XtopayControlError({ message, reason })

/**
 * A fresh in-memory Xtopay. Time comes from the Effect `Clock` (so `TestClock` moves it), ids
 * from a generator seeded with `idSeed`. Work it still has under way (a delayed answer) ends with
 * the scope.
 *
 * @since 0.1.0
 */
export const makeBackend = (options: BackendOptions = {}): Effect.Effect<Backend, never, Scope.Scope> =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const idSeed = options.idSeed ?? DEFAULT_ID_SEED
    const state = new State(makeIdGenerator(idSeed), makeIdGenerator((idSeed ^ 0x2c1b3c6d) >>> 0))
    const deliveries = makeDeliveries({
      state,
      ids: makeIdGenerator((idSeed ^ 0x297a2d39) >>> 0),
      scope,
      sender: options.webhookSender ?? fetchSender,
      retryDelays: options.webhookRetryDelays ?? DEFAULT_RETRY_DELAYS
    })
    // Request ids have their own stream, so object ids depend only on the objects made.
    const requestIds = makeIdGenerator((idSeed ^ 0x5bd1e995) >>> 0)
    const faults = new FaultQueue()
    faults.add(options.faults ?? [])
    const limiter = new RateLimiter(options.rateLimit)
    const idempotency = new IdempotencyStore()
    const log = new RequestLog(options.maxRecordedRequests ?? 10_000)

    // Clients send the same header on every request: check each distinct one once.
    const checkedHeaders = new Map<string, ReturnType<typeof checkCredentials>>()
    const check = (header: string | undefined): ReturnType<typeof checkCredentials> => {
      if (header === undefined) return checkCredentials(header)
      let checked = checkedHeaders.get(header)
      if (checked === undefined) {
        if (checkedHeaders.size >= 1024) checkedHeaders.clear()
        checked = checkCredentials(header)
        checkedHeaders.set(header, checked)
      }
      return checked
    }
    const clientIdOf = (header: string | undefined): string | undefined => {
      const checked = check(header)
      return isAuthFailure(checked) ? parseBasic(header)?.clientId : checked.clientId
    }

    /** The account of valid test credentials, or the answer refusing them. */
    const authenticate = (header: string | undefined): Account | WireAnswer => {
      const checked = check(header)
      if (isAuthFailure(checked)) return errorAnswer(checked.status, checked.code, checked.message)
      const account = state.account(checked.clientId)
      if (account.secret === undefined) account.secret = checked.secret
      else if (account.secret !== checked.secret) {
        return errorAnswer(401, "invalid_credentials", "Invalid client id or client secret")
      }
      return account
    }

    /** The answer to a request, before any delivery fault. */
    const answerTo = (
      request: WireRequest,
      method: string,
      matched: MatchedRoute | undefined,
      fault: Fault | undefined,
      now: number
    ): Effect.Effect<WireAnswer> => Effect.suspend(() => {
      if (fault?._tag === "Status") {
        const code = fault.code ?? defaultCode(fault.status)
        return Effect.succeed(errorAnswer(fault.status, code, fault.message ?? `Injected fault: HTTP ${fault.status} ${code}`))
      }
      if (fault?._tag === "RateLimit") return Effect.succeed(rateLimitedAnswer(fault.retryAfterSeconds))

      const account = authenticate(request.headers["authorization"])
      if ("_tag" in account) return Effect.succeed(account)
      const wait = limiter.check(account.id, now)
      if (wait !== undefined) return Effect.succeed(rateLimitedAnswer(wait))
      if (matched === undefined) {
        return Effect.succeed(errorAnswer(404, "resource_not_found", `Unrecognized request URL (${method} ${request.path})`))
      }

      const key = KEYED_METHODS.has(method) ? request.headers["idempotency-key"] : undefined
      if (key !== undefined) {
        if (!isValidKey(key)) {
          return Effect.succeed(errorAnswer(
            400,
            "parameter_invalid",
            "Invalid Idempotency-Key: it must be 1 to 255 printable ASCII characters, with no leading or trailing space",
            "Idempotency-Key"
          ))
        }
        const begun = idempotency.begin(account.id, key, { method, path: request.path, body: request.body }, now)
        switch (begun._tag) {
          case "Replay": {
            const original = begun.answer
            const status = original.status >= 200 && original.status < 300 ? 200 : original.status
            return Effect.succeed(withHeaders({ ...original, status }, { "idempotency-replayed": "true" }))
          }
          case "Mismatch":
            return Effect.succeed(errorAnswer(
              422,
              "idempotency_key_mismatch",
              "This Idempotency-Key was already used with another request: use a new key for a new request"
            ))
          case "InUse":
            return Effect.succeed(errorAnswer(
              409,
              "idempotency_key_in_use",
              "A request with this Idempotency-Key is still being processed: retry later"
            ))
          case "Fresh":
            break
        }
      }

      const run = (at: number): WireAnswer => {
        const answer = matched.route.run({ state, account, request, id: matched.id, now: at })
        // A refused input did nothing: the key stays free for a corrected request.
        if (key !== undefined) idempotency.finish(account.id, key, answer.status === 400 ? undefined : answer)
        return answer
      }
      if (fault?._tag !== "Delay") return Effect.sync(() => run(now))
      // The work goes on if the caller stops waiting, as it would on a real server, until the backend's scope closes.
      return Effect.forkIn(
        Effect.zipRight(Effect.sleep(Duration.millis(fault.millis)), Effect.map(Clock.currentTimeMillis, run)),
        scope
      ).pipe(Effect.flatMap(Fiber.join))
    })

    /** Stamps the request id and applies a delivery fault. */
    const deliver = (answer: WireAnswer, fault: Fault | undefined, requestId: string): WireOutcome => {
      const stamped = withHeaders(answer, { "x-request-id": requestId })
      switch (fault?._tag) {
        case "Drop":
          return { _tag: "Drop", when: fault.when, answer: stamped }
        case "Stall":
          return { _tag: "Stall", answer: stamped }
        case "TruncatedJson":
          return truncate(stamped)
        default:
          return stamped
      }
    }

    const handle = (request: WireRequest): Effect.Effect<WireOutcome> =>
      Effect.clockWith((clock) => {
        const requestId = requestIds.next("req_")
        const now = clock.unsafeCurrentTimeMillis()
        const method = request.method.toUpperCase()
        const matched = matchRoute(method, request.path)
        const template = matched?.route.endpoint.route
        const clientId = clientIdOf(request.headers["authorization"])
        log.add(request, `${method} ${template ?? request.path}`, clientId)
        const fault = faults.take(method, template, request.path, clientId)
        return Effect.map(
          Effect.tap(answerTo(request, method, matched, fault, now), () => deliveries.dispatch),
          (answer) => deliver(answer, fault, requestId)
        )
      })

    const control = makeControl(state, faults, limiter, log, idempotency, deliveries)
    if (options.seed !== undefined) yield* Effect.orDie(control.seed(options.seed))
    const backend: Backend = {
      handle,
      control,
      authenticate: (header) => {
        const account = authenticate(header)
        return "_tag" in account ? account : account.id
      }
    }
    // Kept off the public `Backend`: the mock server's hosted pages and the in-memory transport reach them.
    registerInternals(backend, { hosted: makeHosted(state, control), faults })
    return backend
  })

const seedMillis = (time: SeedTime | undefined, now: number, field: string): Effect.Effect<number, XtopayControlError> => {
  if (time === undefined) return Effect.succeed(now)
  const millis = typeof time === "number" ? time : typeof time === "string" ? Date.parse(time) : DateTime.toEpochMillis(time)
  return Number.isFinite(millis)
    ? Effect.succeed(millis)
    : Effect.fail(controlError(`${field}: expected a DateTime, epoch milliseconds or an ISO 8601 string, got ${String(time)}`))
}

/** A fresh id, or the one given when it is valid and unused. */
const seedId = (state: State, given: string | undefined, prefix: string): Effect.Effect<string, XtopayControlError> => {
  if (given === undefined) return Effect.succeed(state.ids.next(prefix))
  if (!isObjectId(given)) return Effect.fail(controlError(`Invalid id ${JSON.stringify(given)}`))
  if (state.isIdTaken(given)) return Effect.fail(controlError(`The id ${given} is already in use`, "Conflict"))
  return Effect.succeed(given)
}

/**
 * Three years after the later of the `Clock`'s year and the calendar's: under a `TestClock` (at
 * 1970) a card must still look valid to code that checks its expiry against the real date.
 */
const defaultExpiryYear = (millis: number): number =>
  Math.max(new Date(millis).getUTCFullYear(), new Date().getUTCFullYear()) + 3

/** Fills in a payment method's details as a completed checkout would. */
const paymentMethodFrom = (
  owner: CustomerRecord,
  details: PaymentMethodDetails,
  id: string,
  millis: number
): Omit<PaymentMethod, "customer_id"> => {
  const given = details as {
    readonly type: string
    readonly card?: { readonly brand?: string; readonly last4?: string; readonly exp_month?: number; readonly exp_year?: number }
    readonly mobile_money?: { readonly network?: string; readonly phone?: string }
  }
  const created_at = DateTime.unsafeMake(millis)
  const card = given.type === "card"
    ? {
      brand: given.card?.brand ?? "visa",
      last4: given.card?.last4 ?? "4242",
      exp_month: given.card?.exp_month ?? 12,
      exp_year: given.card?.exp_year ?? defaultExpiryYear(millis)
    }
    : null
  const mobile_money = given.type === "mobile_money"
    ? {
      network: given.mobile_money?.network ?? "mtn",
      phone: given.mobile_money?.phone ?? owner.customer.phone ?? "+233244000000"
    }
    : null
  return { id, type: given.type, card, mobile_money, created_at }
}

const detailsOf = (state: State, record: CustomerRecord): CustomerDetails => ({
  ...record.customer,
  subscriptions: state.subscriptionsOf(record),
  payment_methods: state.paymentMethodsOf(record)
})

const makeControl = (
  state: State,
  faults: FaultQueue,
  limiter: RateLimiter,
  log: RequestLog,
  idempotency: IdempotencyStore,
  deliveries: Deliveries
): XtopayControl.Service => {
  const dispatch = deliveries.dispatch
  const customerById = (id: string): Effect.Effect<CustomerRecord, XtopayControlError> => {
    const record = state.customers.get(id)
    return record === undefined ? Effect.fail(controlError(`No such customer: '${id}'`, "NotFound")) : Effect.succeed(record)
  }

  const addSubscription = (record: CustomerRecord, seed: SeedSubscription, now: number) =>
    Effect.gen(function*() {
      const id = yield* seedId(state, seed.id, "sub_")
      const created = yield* seedMillis(seed.created_at, now, "created_at")
      const periodEnd = seed.current_period_end === null
        ? null
        : yield* seedMillis(seed.current_period_end ?? created + 30 * 24 * 60 * 60 * 1000, now, "current_period_end")
      const subscription: Subscription = {
        id,
        status: seed.status ?? "active",
        plan_id: seed.plan_id,
        current_period_end: periodEnd === null ? null : DateTime.unsafeMake(periodEnd),
        cancel_at_period_end: seed.cancel_at_period_end ?? false,
        created_at: DateTime.unsafeMake(created)
      }
      state.addSubscription(record, subscription)
      return subscription
    })

  const addPaymentMethod = (record: CustomerRecord, seed: SeedPaymentMethod, now: number) =>
    Effect.gen(function*() {
      const id = yield* seedId(state, seed.id, "pm_")
      const created = yield* seedMillis(seed.created_at, now, "created_at")
      return state.attachPaymentMethod(record, paymentMethodFrom(record, seed, id, created)).method
    })

  const addCustomer = (account: Account, seed: SeedCustomer, now: number) =>
    Effect.gen(function*() {
      if (!isEmail(seed.email)) return yield* Effect.fail(controlError(`Invalid email ${JSON.stringify(seed.email)}`))
      if (seed.phone != null && !isPhone(seed.phone)) {
        return yield* Effect.fail(controlError(`Invalid phone ${JSON.stringify(seed.phone)}: expected E.164`))
      }
      if (seed.currency !== undefined && !isCurrency(seed.currency)) {
        return yield* Effect.fail(controlError(`Invalid currency ${JSON.stringify(seed.currency)}`))
      }
      if (seed.metadata !== undefined && !isMetadata(seed.metadata)) {
        return yield* Effect.fail(controlError("Invalid metadata: values must be strings"))
      }
      const id = yield* seedId(state, seed.id, "cus_")
      const created = yield* seedMillis(seed.created_at, now, "created_at")
      const record = state.createCustomer(account, { ...seed, id }, created)
      for (const subscription of seed.subscriptions ?? []) yield* addSubscription(record, subscription, now)
      for (const method of seed.payment_methods ?? []) yield* addPaymentMethod(record, method, now)
      return detailsOf(state, record)
    })

  const seedCustomers = (accountOrCount: string | number, maybeCount?: number): Effect.Effect<number> =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const [accountId, count] = typeof accountOrCount === "number"
        ? [DEFAULT_ACCOUNT, accountOrCount]
        : [accountOrCount, maybeCount ?? 0]
      const account = state.account(accountId)
      if (count > 0) state.seedCustomers(account, Math.floor(count), now)
      return account.customers.size
    })

  const seed = (data: SeedData) =>
    Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      const account = state.account(data.account ?? DEFAULT_ACCOUNT)
      const seeded: Array<CustomerDetails> = []
      for (const customer of data.customers ?? []) seeded.push(yield* addCustomer(account, customer, now))
      if (data.syntheticCustomers !== undefined) yield* seedCustomers(account.id, data.syntheticCustomers)
      return seeded
    })

  /** Completes a setup intent; given an account, only one of that account's. */
  const completeSetupIntent = (
    setupIntentId: string,
    details: PaymentMethodDetails,
    account: string | undefined
  ): Effect.Effect<PaymentMethod, XtopayControlError> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const intent = state.setupIntents.get(setupIntentId)
      if (intent === undefined || (account !== undefined && intent.account.id !== account)) {
        return Effect.fail(controlError(`No such setup intent: '${setupIntentId}'`, "NotFound"))
      }
      if (intent.completed) {
        return Effect.fail(controlError(`The setup intent ${setupIntentId} was already completed`, "Conflict"))
      }
      if (now >= intent.intent.expires_at.epochMillis) {
        return Effect.fail(controlError(`The setup intent ${setupIntentId} expired`, "Conflict"))
      }
      const owner = state.findCustomer(intent.account, intent.intent.customer_id)
      if (owner === undefined) {
        return Effect.fail(controlError(`The customer of setup intent ${setupIntentId} was deleted`, "Conflict"))
      }
      intent.completed = true
      const method = state.attachPaymentMethod(owner, paymentMethodFrom(owner, details, state.ids.next("pm_"), now)).method
      state.recordEvent(intent.account, "customer.payment_method_added", encodePaymentMethod(method), now)
      return Effect.as(dispatch, method)
    })

  /** The accounts' events, newest first, after dropping those older than 30 days. */
  const eventsOf = (accounts: ReadonlyArray<Account>): Effect.Effect<ReadonlyArray<XtopayEvent>> =>
    Effect.map(Clock.currentTimeMillis, (now) => {
      const records = accounts.flatMap((account) => {
        state.pruneEvents(account, now)
        return Array.from({ length: account.events.size }, (_, i) => account.events.get(i)!)
      })
      records.sort((a, b) => b.millis - a.millis || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
      return records.map((record) => decodeEvent(record.event))
    })

  return XtopayControl.of({
    events: Effect.suspend(() => eventsOf([...state.accounts.values()])),
    settleDeliveries: deliveries.settled,
    deliveryAttempts: (eventId) =>
      Effect.sync(() => {
        const attempts = state.events.get(eventId)?.attempts
        return attempts === undefined ? [] : Array.from({ length: attempts.size }, (_, i) => attempts.get(i)!.attempt)
      }),
    seed,
    seedCustomers,
    seedSubscription: (customerId, subscription) =>
      Effect.flatMap(
        Effect.zip(customerById(customerId), Clock.currentTimeMillis),
        ([record, now]) => addSubscription(record, subscription, now)
      ),
    seedPaymentMethod: (customerId, method) =>
      Effect.flatMap(
        Effect.zip(customerById(customerId), Clock.currentTimeMillis),
        ([record, now]) => addPaymentMethod(record, method, now)
      ),
    completeSetupIntent: (setupIntentId, details) => completeSetupIntent(setupIntentId, details, undefined),
    requests: Effect.sync(() => log.snapshot()),
    clearRequests: Effect.sync(() => log.clear()),
    injectFaults: (...plans) => Effect.sync(() => faults.add(plans)),
    clearFaults: Effect.sync(() => faults.clear()),
    setRateLimit: (limit) => Effect.sync(() => limiter.set(limit)),
    account: (clientId) => ({
      clientId,
      seed: (data) => seed({ ...data, account: clientId }),
      completeSetupIntent: (setupIntentId, details) => completeSetupIntent(setupIntentId, details, clientId),
      requests: Effect.sync(() => log.snapshot(clientId)),
      events: Effect.suspend(() => {
        const account = state.accounts.get(clientId)
        return account === undefined ? Effect.succeed([]) : eventsOf([account])
      }),
      clearRequests: Effect.sync(() => log.clear(clientId)),
      injectFaults: (...plans) => Effect.sync(() => faults.add(plans, clientId)),
      clearFaults: Effect.sync(() => faults.clear(clientId)),
      setRateLimit: (limit) => Effect.sync(() => limiter.setFor(clientId, limit)),
      reset: Effect.sync(() => {
        state.removeAccount(clientId)
        idempotency.forgetAccount(clientId)
        faults.clear(clientId)
        limiter.setFor(clientId, undefined)
        log.clear(clientId)
      })
    })
  })
}
