/**
 * The mock server's control API under `/_mock`: `XtopayControl` over HTTP and JSON, for clients
 * that are not Effect programs (curl, other languages). Each request acts on the account its Basic
 * credentials name, checked as the API checks them. Bodies are decoded with Schemas here, and
 * refusals written here, in the API's error envelope, in the Effect 3 edition's words.
 */
import { errorAnswer, jsonAnswer, withHeaders } from "#core/fake/answers.js"
import { jsonBody as readJson } from "#core/fake/decode.js"
import { faultRouteProblem } from "#core/fake/faults.js"
import { rateLimitProblem } from "#core/fake/rateLimiter.js"
import { quote } from "#core/text.js"
import { Duration, Effect, Option, Result, Schema } from "effect"
import { firstIssue } from "../../internal/issues.js"
import {
  CurrencyCode,
  CustomerDetails,
  DeliveryAttempt,
  E164Phone,
  Email,
  Metadata,
  ObjectId,
  PaymentMethod
} from "../../Schemas.js"
import type { Backend } from "../Backend.js"
import type { RateLimit, RecordedRequest, XtopayControl } from "../Control.js"
import type { WireAnswer, WireRequest } from "../wire.js"

/** Where the control API is served, beside the API's `/v1`. */
export const CONTROL_PREFIX = "/_mock"

// -- bodies ------------------------------------------------------------------------------------

/** A check with the Effect 3 edition's words for what it refuses. */
const checked = <S extends Schema.Top>(self: S, check: (value: S["Type"]) => true | string): S["Rebuild"] =>
  self.check(Schema.makeFilter<S["Type"]>((value) => check(value)))

const int = (min: number, max: number) =>
  checked(
    Schema.Number,
    (n) => Number.isInteger(n) && n >= min && n <= max ? true : `Expected an integer from ${min} to ${max}, got ${n}`
  )

const NonEmpty = checked(Schema.String, (s) => s.length > 0 || "Expected a non empty string")

/** A time as seed data takes it over JSON: epoch milliseconds or an ISO 8601 string. */
const SeedTimeJson = Schema.Union([
  checked(Schema.Number, (n) => Number.isFinite(n) || "Expected epoch milliseconds"),
  checked(Schema.String, (s) => Number.isFinite(Date.parse(s)) || `Expected an ISO 8601 time, got ${JSON.stringify(s)}`)
])

const Subscription = Schema.Struct({
  id: Schema.optionalKey(ObjectId),
  status: Schema.optionalKey(Schema.String),
  plan_id: NonEmpty,
  current_period_end: Schema.optionalKey(Schema.NullOr(SeedTimeJson)),
  cancel_at_period_end: Schema.optionalKey(Schema.Boolean),
  created_at: Schema.optionalKey(SeedTimeJson)
})

const Card = Schema.Struct({
  brand: Schema.optionalKey(NonEmpty),
  last4: Schema.optionalKey(checked(Schema.String, (s) => /^\d{4}$/.test(s) || "Expected 4 digits")),
  exp_month: Schema.optionalKey(int(1, 12)),
  exp_year: Schema.optionalKey(int(1970, 9999))
})

const MobileMoney = Schema.Struct({
  network: Schema.optionalKey(NonEmpty),
  phone: Schema.optionalKey(E164Phone)
})

const detailsFields = {
  type: NonEmpty,
  card: Schema.optionalKey(Card),
  mobile_money: Schema.optionalKey(MobileMoney)
}

/** `card` only with type `card`, `mobile_money` only with type `mobile_money`. */
const detailsMatchType = Schema.makeFilter<{ readonly type: string; readonly card?: unknown; readonly mobile_money?: unknown }>(
  (details) => {
    if (details.card !== undefined && details.type !== "card") return { path: ["card"], issue: "card is for type \"card\" only" }
    if (details.mobile_money !== undefined && details.type !== "mobile_money") {
      return { path: ["mobile_money"], issue: "mobile_money is for type \"mobile_money\" only" }
    }
    return undefined
  }
)

/** A payment method's details, as `XtopayControl.completeSetupIntent` takes them. */
const Details = Schema.Struct(detailsFields).check(detailsMatchType)

const SeedPaymentMethodJson = Schema.Struct({
  ...detailsFields,
  id: Schema.optionalKey(ObjectId),
  created_at: Schema.optionalKey(SeedTimeJson)
}).check(detailsMatchType)

const Customer = Schema.Struct({
  id: Schema.optionalKey(ObjectId),
  email: Email,
  name: Schema.optionalKey(Schema.NullOr(Schema.String)),
  phone: Schema.optionalKey(Schema.NullOr(E164Phone)),
  currency: Schema.optionalKey(CurrencyCode),
  metadata: Schema.optionalKey(Metadata),
  created_at: Schema.optionalKey(SeedTimeJson),
  subscriptions: Schema.optionalKey(Schema.Array(Subscription)),
  payment_methods: Schema.optionalKey(Schema.Array(SeedPaymentMethodJson))
})

const SeedBody = Schema.Struct({
  customers: Schema.optionalKey(Schema.Array(Customer)),
  synthetic_customers: Schema.optionalKey(int(0, 10_000_000))
})

const FAULT_TAGS = ["Status", "RateLimit", "Drop", "Stall", "Delay", "TruncatedJson"] as const

const Fault = Schema.Union([
  Schema.Struct({
    _tag: Schema.Literal("Status"),
    status: int(400, 599),
    code: Schema.optionalKey(NonEmpty),
    message: Schema.optionalKey(Schema.String)
  }),
  Schema.Struct({ _tag: Schema.Literal("RateLimit"), retryAfterSeconds: int(0, 86_400) }),
  Schema.Struct({ _tag: Schema.Literal("Drop"), when: Schema.Literals(["before-headers", "mid-body"]) }),
  Schema.Struct({ _tag: Schema.Literal("Stall") }),
  Schema.Struct({ _tag: Schema.Literal("Delay"), millis: int(0, 60_000) }),
  Schema.Struct({ _tag: Schema.Literal("TruncatedJson") })
])

/** What `times` says to keep a plan until `DELETE /_mock/faults` (JSON has no Infinity). */
const UNTIL_CLEARED = "until cleared"

const FaultRoute = checked(
  Schema.String,
  (route) =>
    /^[A-Z]+ \/\S*$/.test(route) ||
    `Expected a method and a route template or path, e.g. "POST /customers" or "GET /customers/:id", got ${JSON.stringify(route)}`
).check(Schema.makeFilter((route: string) => faultRouteProblem(route)))

const FaultPlanJson = Schema.Struct({
  times: Schema.Union([int(1, Number.MAX_SAFE_INTEGER), Schema.Literal(UNTIL_CLEARED)]),
  route: Schema.optionalKey(FaultRoute),
  fault: Fault,
  every: Schema.optionalKey(int(1, Number.MAX_SAFE_INTEGER))
})

const FaultsBody = Schema.Struct({
  plans: checked(Schema.Array(FaultPlanJson), (plans) => plans.length >= 1 || "Expected at least one fault plan")
})

/** A string Effect reads as a finite duration above zero, in milliseconds. */
const durationMillis = (text: string): number | undefined => {
  const duration = Duration.fromInput(text as Duration.Input)
  if (Option.isNone(duration) || !Duration.isFinite(duration.value)) return undefined
  const millis = Duration.toMillis(duration.value)
  return millis > 0 ? millis : undefined
}

/** A window as milliseconds, or as an Effect duration string such as `"1 minute"`. */
const Window = Schema.Union([
  checked(Schema.Number, (n) => (Number.isFinite(n) && n > 0) || `Expected milliseconds above zero, got ${n}`),
  checked(
    Schema.String,
    (s) => durationMillis(s) !== undefined || `Expected a duration such as "1 minute" or "500 millis", got ${JSON.stringify(s)}`
  )
])

const RateLimitBody = Schema.Struct({ requests: int(1, Number.MAX_SAFE_INTEGER), window: Window })

const decodeOptions = { errors: "first", onExcessProperty: "error" } as const

/** Decodes a body with `schema`; a refusal is the 400 naming the first wrong field. */
const decoder = <S extends Schema.Codec<any, any>>(schema: S) => {
  const decode = Schema.decodeUnknownResult(schema, decodeOptions)
  return (input: unknown): Result.Result<S["Type"], WireAnswer> => Result.mapError(decode(input), invalid)
}

const decodeSeed = decoder(SeedBody)
const decodeDetails = decoder(Details)
const decodeRateLimit = decoder(RateLimitBody)

/**
 * Effect 4 reports a fault of no known `_tag` at the fault itself; the Effect 3 edition names its
 * `_tag`, and so does this one (one behaviour for both).
 */
const decodeFaults = (input: unknown): Result.Result<typeof FaultsBody.Type, WireAnswer> => {
  const plans = (input as { readonly plans?: unknown }).plans
  if (Array.isArray(plans)) {
    for (const [index, plan] of plans.entries()) {
      const fault = (plan as { readonly fault?: unknown } | null)?.fault
      const tag = (fault as { readonly _tag?: unknown } | null)?._tag
      if (typeof fault === "object" && fault !== null && !FAULT_TAGS.includes(tag as never)) {
        const param = `plans.${index}.fault._tag`
        const expected = FAULT_TAGS.map((t) => JSON.stringify(t)).join(" | ")
        const got = tag === undefined ? "is missing" : `Expected ${expected}, got ${quote(tag)}`
        return Result.fail(refuse(400, "parameter_invalid", `Invalid ${param}: ${got}`, param))
      }
    }
  }
  return decoder(FaultsBody)(input)
}
const encodeDetails = Schema.encodeSync(Schema.Array(CustomerDetails))
const encodePaymentMethod = Schema.encodeSync(PaymentMethod)

// -- answers -----------------------------------------------------------------------------------

const requestId = () => `req_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`

const answer = (status: number, encoded: unknown): WireAnswer =>
  jsonAnswer(status, encoded, { "content-type": "application/json", "x-request-id": requestId() })

const refuse = (status: number, code: string, message: string, param: string | null = null): WireAnswer =>
  errorAnswer(status, code, message, param, { "x-request-id": requestId() })

/** A 400 naming the first field that is wrong, e.g. `customers.0.email` (a missing one "is missing", as in the Effect 3 edition). */
const invalid = (error: Schema.SchemaError): WireAnswer => {
  const issue = firstIssue(error)
  const param = issue.path.length === 0 ? null : issue.path.join(".")
  const message = issue.missing ? "is missing" : issue.message
  return refuse(400, "parameter_invalid", param === null ? message : `Invalid ${param}: ${message}`, param)
}

/** The JSON body, read by core's rules (what is not a JSON object, or nests past 64 levels, is refused). */
const jsonBody = (request: WireRequest): Result.Result<unknown, WireAnswer> => {
  const body = readJson(request.body)
  return body._tag === "Read"
    ? Result.succeed(body.value)
    : Result.fail(withHeaders(body.answer, { "x-request-id": requestId() }))
}

/** Decodes the body, then runs `act` on it; a refusal is the answer. */
const withBody = <A>(
  request: WireRequest,
  decode: (input: unknown) => Result.Result<A, WireAnswer>,
  act: (body: A) => Effect.Effect<WireAnswer>
): Effect.Effect<WireAnswer> =>
  Result.match(Result.flatMap(jsonBody(request), decode), {
    onFailure: Effect.succeed,
    onSuccess: act
  })

const controlFailure = (error: { readonly message: string; readonly reason?: "NotFound" | "Conflict" | undefined }) =>
  error.reason === "NotFound"
    ? refuse(404, "resource_not_found", error.message)
    : error.reason === "Conflict"
    ? refuse(409, "resource_conflict", error.message)
    : refuse(400, "parameter_invalid", error.message)

const recorded = (request: RecordedRequest) => ({
  method: request.method,
  path: request.path,
  query: request.query.toString(),
  headers: request.headers,
  body: request.body,
  route: request.route
})

const cleared = (what: string) => answer(200, { cleared: what })

// -- the routes, described once: the 404's list and `xtopay-mock --help` read this

const Cleared = Schema.Struct({ cleared: Schema.String })

const RecordedRequestJson = Schema.Struct({
  method: Schema.String,
  path: Schema.String,
  query: Schema.String,
  headers: Schema.Record(Schema.String, Schema.String),
  body: Schema.String,
  route: Schema.String
})

const DeliveryFailureJson = Schema.Struct({
  reason: Schema.Literals(["status", "timeout", "connection_refused", "connection_reset", "dns", "tls", "other"]),
  message: Schema.String
})

/** The API's `DeliveryAttempt`, with the mock-only `failure` beside it. */
const RecordedAttemptJson = Schema.Struct({ ...DeliveryAttempt.fields, failure: Schema.NullOr(DeliveryFailureJson) })

/** One control route: what it takes and what it answers. */
export interface ControlRoute {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** Below `/_mock`, with `:id` for a path parameter. */
  readonly path: string
  readonly summary: string
  readonly body?: Schema.Top
  readonly status: number
  readonly answer: Schema.Top
}

/** Every route of the control API (the same list, in the same order, as the Effect 3 edition's). */
export const CONTROL_ROUTES: ReadonlyArray<ControlRoute> = [
  {
    method: "POST",
    path: "/seed",
    summary: "Seeds customers (with subscriptions and payment methods) into the account; `synthetic_customers` adds that many more",
    body: SeedBody,
    status: 201,
    answer: Schema.Struct({ data: Schema.Array(CustomerDetails) })
  },
  {
    method: "POST",
    path: "/setup-intents/:id/complete",
    summary: "Completes a setup intent as the customer would at its setup_url, saving the payment method",
    body: Details,
    status: 200,
    answer: PaymentMethod
  },
  {
    method: "POST",
    path: "/faults",
    summary: "Makes the account's next requests fail (plans as XtopayControl.injectFaults takes them)",
    body: FaultsBody,
    status: 201,
    answer: Schema.Struct({ injected: Schema.Number })
  },
  { method: "DELETE", path: "/faults", summary: "Removes the account's fault plans", status: 200, answer: Cleared },
  {
    method: "PUT",
    path: "/rate-limit",
    summary: "Sets the account's rate limit: at most `requests` in any sliding `window`",
    body: RateLimitBody,
    status: 200,
    answer: Schema.Struct({ requests: Schema.Number, window: Schema.Number })
  },
  { method: "DELETE", path: "/rate-limit", summary: "Removes the account's rate limit", status: 200, answer: Cleared },
  {
    method: "GET",
    path: "/requests",
    summary: "The requests the account made, oldest first (authorization redacted)",
    status: 200,
    answer: Schema.Struct({ data: Schema.Array(RecordedRequestJson) })
  },
  { method: "DELETE", path: "/requests", summary: "Forgets the account's recorded requests", status: 200, answer: Cleared },
  {
    method: "GET",
    path: "/events/:id/delivery-attempts",
    summary: "Every attempt to deliver one of the account's events, oldest first, each with why it failed " +
      "(`failure`: its `reason`, one of status, timeout, connection_refused, connection_reset, dns, tls, other, and a `message`)",
    status: 200,
    answer: Schema.Struct({ data: Schema.Array(RecordedAttemptJson) })
  },
  {
    method: "POST",
    path: "/reset",
    summary: "Empties the account: its objects, idempotency keys, faults, rate limit and recorded requests",
    status: 200,
    answer: Schema.Struct({ reset: Schema.String })
  }
]

/** Every route, for the 404 that lists them. */
const ROUTES = CONTROL_ROUTES.map((r) => `${r.method} ${CONTROL_PREFIX}${r.path}`)

const COMPLETE = /^\/setup-intents\/([^/]+)\/complete$/
const ATTEMPTS = /^\/events\/([^/]+)\/delivery-attempts$/

const encodeAttempts = Schema.encodeSync(Schema.Array(RecordedAttemptJson))

/** A malformed percent-escape names no setup intent: keep it as sent, to be not found. */
const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

const route = (account: XtopayControl.Account, method: string, request: WireRequest): Effect.Effect<WireAnswer> | undefined => {
  const path = request.path
  const complete = COMPLETE.exec(path)
  if (complete !== null && method === "POST") {
    const id = safeDecode(complete[1]!)
    return withBody(request, decodeDetails, (details) =>
      account.completeSetupIntent(id, details as Parameters<XtopayControl.Account["completeSetupIntent"]>[1]).pipe(
        Effect.match({ onFailure: controlFailure, onSuccess: (method) => answer(200, encodePaymentMethod(method)) })
      ))
  }
  const attempts = ATTEMPTS.exec(path)
  if (attempts !== null && method === "GET") {
    return Effect.map(
      account.deliveryAttempts(safeDecode(attempts[1]!)),
      (all) => answer(200, { data: encodeAttempts(all.map((a) => ({ ...a, failure: a.failure ?? null }))) })
    )
  }
  switch (`${method} ${path}`) {
    case "POST /seed":
      return withBody(request, decodeSeed, (body) =>
        account.seed({
          ...(body.customers !== undefined
            ? { customers: body.customers as NonNullable<Parameters<XtopayControl.Account["seed"]>[0]["customers"]> }
            : {}),
          ...(body.synthetic_customers !== undefined ? { syntheticCustomers: body.synthetic_customers } : {})
        }).pipe(Effect.match({ onFailure: controlFailure, onSuccess: (seeded) => answer(201, { data: encodeDetails(seeded) }) })))
    case "POST /faults":
      return withBody(request, decodeFaults, (body) => {
        const plans = body.plans.map((plan) => ({ ...plan, times: plan.times === UNTIL_CLEARED ? Infinity : plan.times }))
        return Effect.as(account.injectFaults(...plans), answer(201, { injected: plans.length }))
      })
    case "DELETE /faults":
      return Effect.as(account.clearFaults, cleared("faults"))
    case "PUT /rate-limit":
      return withBody(request, decodeRateLimit, (body) => {
        const window = typeof body.window === "number" ? body.window : durationMillis(body.window)!
        // Only what the fake can honour: a ring of 2^32 slots is not a limit, it is a crash.
        const problem = rateLimitProblem({ requests: body.requests, windowMillis: window })
        if (problem !== undefined) {
          return Effect.succeed(refuse(400, "parameter_invalid", `Invalid ${problem.field}: ${problem.message}`, problem.field))
        }
        const limit: RateLimit = { requests: body.requests, window: Duration.millis(window) }
        return Effect.as(account.setRateLimit(limit), answer(200, { requests: body.requests, window }))
      })
    case "DELETE /rate-limit":
      return Effect.as(account.setRateLimit(undefined), cleared("rate-limit"))
    case "GET /requests":
      return Effect.map(account.requests, (requests) => answer(200, { data: requests.map(recorded) }))
    case "DELETE /requests":
      return Effect.as(account.clearRequests, cleared("requests"))
    case "POST /reset":
      return Effect.as(account.reset, answer(200, { reset: account.clientId }))
    default:
      return undefined
  }
}

/**
 * The control API's handler, for requests whose path is below `/_mock` (`request.path` is what
 * follows it, e.g. `/seed`). Never faulted, rate limited or recorded: it is how a test steers those.
 */
export const makeControlApi = (backend: Backend) => (request: WireRequest): Effect.Effect<WireAnswer> =>
  Effect.suspend(() => {
    const clientId = backend.authenticate(request.headers["authorization"])
    if (typeof clientId !== "string") return Effect.succeed({ ...clientId, headers: { ...clientId.headers, "x-request-id": requestId() } })
    const method = request.method.toUpperCase()
    return route(backend.control.account(clientId), method, request) ?? Effect.succeed(
      refuse(
        404,
        "resource_not_found",
        `Unrecognized control request (${method} ${CONTROL_PREFIX}${request.path}): the control API has ${ROUTES.join(", ")}`
      )
    )
  })
