/**
 * The in-memory Xtopay, without Effect: one function from a request and the time to an answer,
 * and a control surface over the same state. Time, randomness and input decoding come in as
 * arguments; the edition wraps this in its own services (clock, fibers, scope).
 */
import { defaultCode, errorAnswer, rateLimitedAnswer, withHeaders } from "./answers.js"
import { checkCredentials, isAuthFailure } from "./auth.js"
import type { Decode } from "./decode.js"
import { type DeliveryFailure, type DueDelivery, dueDeliveries } from "./deliveries.js"
import { type Fault, type FaultPlan, FaultQueue, faultRouteProblem } from "./faults.js"
import { type Hosted, makeHosted } from "./hosted.js"
import { IdempotencyStore } from "./idempotency.js"
import { bodyTooLarge, bodyTooLargeAnswer, MAX_QUERY_LENGTH } from "./limits.js"
import { makeIdGenerator } from "./ids.js"
import type { RandomToken } from "./links.js"
import type { WireCustomerDetails, WireDeliveryAttempt, WireEvent, WirePaymentMethod, WireSubscription } from "./objects.js"
import { type Limit, RateLimiter } from "./rateLimiter.js"
import { type RecordedRequest, RequestLog } from "./requestLog.js"
import { type Routed, route } from "./routes.js"
import {
  addCustomer,
  addPaymentMethod,
  addSubscription,
  attempt,
  type Checks,
  type ControlFailure,
  controlFailure,
  type PaymentMethodDetails,
  paymentMethodFrom,
  type SeedCustomer,
  type SeedPaymentMethod,
  type SeedSubscription
} from "./seed.js"
import { type Account, type CustomerRecord, State } from "./state.js"
import type { WireAnswer, WireOutcome, WireRequest } from "./wire.js"

/** The account every test client uses unless told otherwise. */
export const DEFAULT_ACCOUNT = "cid_test_default"

/** How many of the most recent requests the log keeps, unless told otherwise. */
export const DEFAULT_MAX_RECORDED_REQUESTS = 10_000

/** How much text (bodies, headers, paths) the request log keeps in all: 32 Mi characters, whatever the count. */
export const MAX_RECORDED_SIZE = 32 * 1024 * 1024

/** The most customers one seed call may create (given and synthetic together): a request cannot fill the memory. */
export const MAX_SEEDED_PER_CALL = 100_000

export interface FakeOptions {
  /** Seeds the id generators: the same seed and the same requests give the same ids. Default 1. */
  readonly idSeed?: number | undefined
  readonly rateLimit?: Limit | undefined
  readonly faults?: ReadonlyArray<FaultPlan> | undefined
  readonly maxRecordedRequests?: number | undefined
  /** Every request waits this long before it is answered (a distant API), besides any `Delay` fault. */
  readonly latencyMillis?: number | undefined
  /** Checks bodies and queries against the edition's schemas. */
  readonly decode: Decode
  /** Checks seed data and idempotency keys against the edition's schemas. */
  readonly checks: Checks
  /** Unguessable characters for hosted-page links. */
  readonly randomToken: RandomToken
}

/**
 * What the fake makes of a request: an outcome now, or one to be completed after a `Delay`
 * fault's wait (the edition waits on its clock and then calls `complete` with the time).
 */
export type Received =
  | { readonly _tag: "Now"; readonly outcome: WireOutcome }
  | { readonly _tag: "After"; readonly millis: number; readonly complete: (now: number) => WireOutcome }

/** Seed data for one account. */
export interface SeedData {
  readonly account?: string | undefined
  readonly customers?: ReadonlyArray<SeedCustomer> | undefined
  readonly syntheticCustomers?: number | undefined
}

/** A delivery attempt as recorded: the wire attempt, and why it failed (`null` when it succeeded). */
export interface RecordedAttempt {
  readonly attempt: WireDeliveryAttempt
  readonly failure: DeliveryFailure | null
}

/** The back door of the fake, plain: what an edition's control service wraps. */
export interface FakeControl {
  readonly seed: (data: SeedData, now: number) => ReadonlyArray<WireCustomerDetails> | ControlFailure
  /** Seeds synthetic customers; how many customers the account then holds. */
  readonly seedCustomers: (account: string, count: number, now: number) => number
  readonly seedSubscription: (customerId: string, seed: SeedSubscription, now: number) => WireSubscription | ControlFailure
  readonly seedPaymentMethod: (customerId: string, seed: SeedPaymentMethod, now: number) => WirePaymentMethod | ControlFailure
  /** Completes a setup intent; given an account, only one of that account's. */
  readonly completeSetupIntent: (
    setupIntentId: string,
    details: PaymentMethodDetails,
    account: string | undefined,
    now: number
  ) => WirePaymentMethod | ControlFailure
  /** The events of every account, or of one, newest first (the last 30 days). */
  readonly events: (account: string | undefined, now: number) => ReadonlyArray<WireEvent>
  /** Every attempt to deliver an event (of `account` only, when given), oldest first, each with why it failed. */
  readonly deliveryAttempts: (eventId: string, account?: string) => ReadonlyArray<RecordedAttempt>
  readonly requests: (account?: string) => ReadonlyArray<RecordedRequest>
  readonly clearRequests: (account?: string) => void
  /** Adds plans, or (none added) says why one can never fire: its route names no operation. */
  readonly injectFaults: (plans: ReadonlyArray<FaultPlan>, account?: string) => ControlFailure | undefined
  readonly clearFaults: (account?: string) => void
  /** The limit of every account (none given: the one an account set for itself). */
  readonly setRateLimit: (limit: Limit | undefined, account?: string) => void
  /** One account back to empty, as if never used. */
  readonly reset: (account: string) => void
}

export interface Fake {
  readonly receive: (request: WireRequest, now: number) => Received
  /** Checks an `Authorization` header as the API does: the client id, or the 401/403 refusing it. Nothing is recorded. */
  readonly authenticate: (authorization: string | undefined) => string | WireAnswer
  readonly control: FakeControl
  readonly hosted: Hosted
  /** The deliveries due since the last call (events recorded or replayed, with each matching endpoint). */
  readonly takeDeliveries: () => ReadonlyArray<DueDelivery>
  /** Is there latency, or a `Delay` planned? Only then can an answer be held back. */
  readonly mayDelay: () => boolean
  readonly state: State
}

const DEFAULT_ID_SEED = 1
const KEYED_METHODS = new Set(["POST", "PATCH"])

/** The answer to a request past the fake's limits (body size, query length), or `undefined`. */
const limitAnswer = (request: WireRequest): WireAnswer | undefined => {
  if (bodyTooLarge(request.body)) return bodyTooLargeAnswer()
  const query = String(request.query)
  if (query.length > MAX_QUERY_LENGTH) {
    return errorAnswer(400, "invalid_request", `The query string is longer than ${MAX_QUERY_LENGTH} characters, the most this server reads`)
  }
  return undefined
}

/** Why one of `plans` can never fire (its route names no operation), or `undefined`. */
const misrouted = (plans: ReadonlyArray<FaultPlan>): string | undefined => {
  for (const plan of plans) {
    const problem = plan.route === undefined ? undefined : faultRouteProblem(plan.route)
    if (problem !== undefined) return problem
  }
  return undefined
}

/** An answer an idempotency key does not keep: a refused input (400) or a server failure (5xx). */
const savesNothing = (answer: WireAnswer): boolean => answer.status === 400 || answer.status >= 500

/** A correctly framed answer whose JSON stops half-way. */
const truncate = (answer: WireAnswer): WireAnswer => ({
  ...answer,
  body: answer.body.slice(0, Math.max(1, Math.floor(answer.body.length / 2)))
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

export const makeFake = (options: FakeOptions): Fake => {
  const { checks, decode } = options
  const idSeed = options.idSeed ?? DEFAULT_ID_SEED
  const state = new State(idSeed, options.randomToken)
  // Request ids have their own stream, so object ids depend only on the objects made.
  const requestIds = makeIdGenerator((idSeed ^ 0x5bd1e995) >>> 0)
  const faults = new FaultQueue()
  const startingProblem = misrouted(options.faults ?? [])
  if (startingProblem !== undefined) throw new Error(startingProblem)
  faults.add(options.faults ?? [])
  const limiter = new RateLimiter(options.rateLimit)
  const idempotency = new IdempotencyStore()
  const log = new RequestLog(options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED_REQUESTS, MAX_RECORDED_SIZE)

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

  /** The answer to an authenticated request before any delivery fault: now, or (under a `Delay`) later. */
  const answerTo = (
    request: WireRequest,
    method: string,
    account: Account,
    routed: Routed | undefined,
    fault: Fault | undefined,
    now: number
  ): WireAnswer | { readonly millis: number; readonly run: (at: number) => WireAnswer } => {
    if (fault?._tag === "Status") {
      const code = fault.code ?? defaultCode(fault.status)
      return errorAnswer(fault.status, code, fault.message ?? `Injected fault: HTTP ${fault.status} ${code}`)
    }
    if (fault?._tag === "RateLimit") return rateLimitedAnswer(fault.retryAfterSeconds)

    const wait = limiter.check(account.id, now)
    if (wait !== undefined) return rateLimitedAnswer(wait)
    if (routed === undefined) {
      return errorAnswer(404, "resource_not_found", `Unrecognized request URL (${method} ${request.path})`)
    }

    const key = KEYED_METHODS.has(method) ? request.headers["idempotency-key"] : undefined
    if (key !== undefined) {
      if (!checks.idempotencyKey(key)) {
        return errorAnswer(
          400,
          "parameter_invalid",
          "Invalid Idempotency-Key: it must be 1 to 255 printable ASCII characters, with no leading or trailing space",
          "Idempotency-Key"
        )
      }
      const begun = idempotency.begin(account.id, key, { method, path: request.path, body: request.body }, now)
      switch (begun._tag) {
        case "Replay": {
          const original = begun.answer
          const status = original.status >= 200 && original.status < 300 ? 200 : original.status
          return withHeaders({ ...original, status }, { "idempotency-replayed": "true" })
        }
        case "Mismatch":
          return errorAnswer(
            422,
            "idempotency_key_mismatch",
            "This Idempotency-Key was already used with another request: use a new key for a new request"
          )
        case "InUse":
          return errorAnswer(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed: retry later")
        case "Fresh":
          break
      }
    }

    const run = (at: number): WireAnswer => {
      let answer: WireAnswer | undefined
      try {
        answer = routed.handler({ state, account, request, id: routed.id, now: at, decode })
        return answer
      } finally {
        // A refused input did nothing, and a failure (5xx, or a handler that threw) saved nothing:
        // either way the key is free at once for the retry (shared/reference/xtopay-api.md, Idempotency).
        if (key !== undefined) idempotency.finish(account.id, key, answer === undefined || savesNothing(answer) ? undefined : answer)
      }
    }
    return fault?._tag === "Delay" ? { millis: fault.millis, run } : run(now)
  }

  const latency = Math.max(0, options.latencyMillis ?? 0)
  /** An outcome decided now, given after the latency (when there is one). */
  const later = (outcome: WireOutcome): Received =>
    latency > 0 ? { _tag: "After", millis: latency, complete: () => outcome } : { _tag: "Now", outcome }

  const receive = (request: WireRequest, now: number): Received => {
    const requestId = requestIds.next("req_")
    // The limits come before anything else, as a server reading the request would meet them.
    const outOfBounds = limitAnswer(request)
    if (outOfBounds !== undefined) return later(deliver(outOfBounds, undefined, requestId))
    const method = request.method.toUpperCase()
    const routed = route(method, request.path)
    const template = routed?.op.route
    const routeName = `${method} ${template ?? request.path}`
    // Authenticated first: a refused request meets no account's faults and lands in no account's log.
    const account = authenticate(request.headers["authorization"])
    if ("_tag" in account) {
      log.add({ ...request, body: "" }, routeName, undefined)
      return later(deliver(account, undefined, requestId))
    }
    log.add(request, routeName, account.id)
    const fault = faults.take(method, template, request.path, account.id)
    const answer = answerTo(request, method, account, routed, fault, now)
    if ("_tag" in answer) return later(deliver(answer, fault, requestId))
    return { _tag: "After", millis: latency + answer.millis, complete: (at) => deliver(answer.run(at), fault, requestId) }
  }

  const customerById = (id: string): CustomerRecord | ControlFailure =>
    state.findAnywhere("customers", id) ?? controlFailure(`No such customer: '${id}'`, "NotFound")

  const seedCustomers = (accountId: string, count: number, now: number): number => {
    const account = state.account(accountId)
    if (count > 0) state.seedCustomers(account, Math.floor(count), now)
    return account.customers.size
  }

  const completeSetupIntent: FakeControl["completeSetupIntent"] = (setupIntentId, details, account, now) => {
    const intent = account === undefined
      ? state.findAnywhere("setupIntents", setupIntentId)
      : state.accounts.get(account)?.byId.setupIntents.get(setupIntentId)
    if (intent === undefined) {
      return controlFailure(`No such setup intent: '${setupIntentId}'`, "NotFound")
    }
    if (intent.completed) return controlFailure(`The setup intent ${setupIntentId} was already completed`, "Conflict")
    if (now >= intent.expiresAtMillis) return controlFailure(`The setup intent ${setupIntentId} expired`, "Conflict")
    const owner = state.findCustomer(intent.account, intent.intent.customer_id)
    if (owner === undefined) return controlFailure(`The customer of setup intent ${setupIntentId} was deleted`, "Conflict")
    intent.completed = true
    const method = state.attachPaymentMethod(owner, paymentMethodFrom(owner, details, state.nextId(owner.account, "pm_"), now), now).method
    state.recordEvent(intent.account, "customer.payment_method_added", method, now)
    return method
  }

  /** The accounts' events, newest first, after dropping those older than 30 days. */
  const eventsOf = (accounts: ReadonlyArray<Account>, now: number): ReadonlyArray<WireEvent> => {
    const records = accounts.flatMap((account) => {
      state.pruneEvents(account, now)
      return Array.from({ length: account.events.size }, (_, i) => account.events.get(i)!)
    })
    records.sort((a, b) => b.millis - a.millis || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    return records.map((record) => record.event)
  }

  const control: FakeControl = {
    seed: (data, now) => {
      const count = (data.customers?.length ?? 0) + (data.syntheticCustomers ?? 0)
      if (count > MAX_SEEDED_PER_CALL) {
        return controlFailure(
          `One seed call creates at most ${MAX_SEEDED_PER_CALL} customers (this one asked for ${count}): split it into several calls`
        )
      }
      return attempt(() => {
        const account = state.account(data.account ?? DEFAULT_ACCOUNT)
        const seeded = (data.customers ?? []).map((customer) => addCustomer(state, checks, account, customer, now))
        if (data.syntheticCustomers !== undefined) seedCustomers(account.id, data.syntheticCustomers, now)
        return seeded
      })
    },
    seedCustomers,
    seedSubscription: (customerId, seed, now) => {
      const record = customerById(customerId)
      return "_tag" in record ? record : attempt(() => addSubscription(state, checks, record, seed, now))
    },
    seedPaymentMethod: (customerId, seed, now) => {
      const record = customerById(customerId)
      return "_tag" in record ? record : attempt(() => addPaymentMethod(state, checks, record, seed, now))
    },
    completeSetupIntent,
    events: (accountId, now) => {
      if (accountId === undefined) return eventsOf([...state.accounts.values()], now)
      const account = state.accounts.get(accountId)
      return account === undefined ? [] : eventsOf([account], now)
    },
    deliveryAttempts: (eventId, account) => {
      // Ids are per account: an account sees only its own event of that id, and learns of no other.
      const event = account === undefined ? state.findAnywhere("events", eventId) : state.account(account).byId.events.get(eventId)
      if (event === undefined) return []
      return Array.from({ length: event.attempts.size }, (_, i) => {
        const { attempt, failure } = event.attempts.get(i)!
        return { attempt, failure: failure ?? null }
      })
    },
    requests: (account) => log.snapshot(account),
    clearRequests: (account) => log.clear(account),
    injectFaults: (plans, account) => {
      const problem = misrouted(plans)
      if (problem !== undefined) return controlFailure(problem)
      faults.add(plans, account)
      return undefined
    },
    clearFaults: (account) => faults.clear(account),
    setRateLimit: (limit, account) => (account === undefined ? limiter.set(limit) : limiter.setFor(account, limit)),
    reset: (account) => {
      state.removeAccount(account)
      idempotency.forgetAccount(account)
      faults.clear(account)
      limiter.setFor(account, undefined)
      log.clear(account)
    }
  }

  return {
    receive,
    authenticate: (header) => {
      const account = authenticate(header)
      return "_tag" in account ? account : account.id
    },
    control,
    hosted: makeHosted(state, decode, (id, account, details, now) => completeSetupIntent(id, details, account, now)),
    takeDeliveries: () => dueDeliveries(state),
    mayDelay: () => latency > 0 || faults.hasDelays(),
    state
  }
}
