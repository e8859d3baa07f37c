/**
 * The endpoints of the in-memory Xtopay: each validates its input with the request schema the
 * client uses, changes the state, and encodes its answer with the response schema.
 */
import { DateTime, Either, type ParseResult, Schema } from "effect"
import { decodeEither } from "../../internal/compile.js"
import { toInvalidRequest } from "../../internal/validate.js"
import {
  Customer,
  CustomerCreateParams,
  CustomerDetails,
  CustomerListParams,
  CustomerUpdateParams,
  DeletedCustomer,
  Pagination,
  PaymentMethod,
  PaymentMethodListParams,
  PortalSession,
  PortalSessionCreateParams,
  SetupIntent,
  SetupIntentCreateParams
} from "../../Schemas.js"
import { errorAnswer, jsonAnswer, jsonTextAnswer } from "./answers.js"
import type { Account, CustomerRecord, PaymentMethodRecord, State } from "./state.js"
import { decodeCursor } from "./cursor.js"
import type { Boundary, PageOf, PageQuery } from "./sortedIndex.js"
import type { WireAnswer, WireRequest } from "../wire.js"

/** Setup intents and portal sessions expire 30 minutes after creation. */
export const LINK_LIFETIME_MILLIS = 30 * 60 * 1000

export interface RouteContext {
  readonly state: State
  readonly account: Account
  readonly request: WireRequest
  /** The id in the path, percent-decoded, for `/:id` routes. */
  readonly id: string
  readonly now: number
}

export interface Route {
  /** e.g. `"/customers/:id"`. */
  readonly template: string
  readonly run: (context: RouteContext) => WireAnswer
}

export interface MatchedRoute {
  readonly route: Route
  readonly id: string
}

// -- encoding ----------------------------------------------------------------------------------

const encodeCustomer = Schema.encodeSync(Customer)
const encodeDetails = Schema.encodeSync(CustomerDetails)
const encodeDeleted = Schema.encodeSync(DeletedCustomer)
const encodePaymentMethod = Schema.encodeSync(PaymentMethod)
const encodeSetupIntent = Schema.encodeSync(SetupIntent)
const encodePortalSession = Schema.encodeSync(PortalSession)
const encodePagination = Schema.encodeSync(Pagination)

/** Records keep their JSON text, so a list answer joins texts instead of encoding every item again. */
const customerJson = (record: CustomerRecord): string =>
  (record.json ??= JSON.stringify(encodeCustomer(record.customer)))

const pageAnswer = <A>(page: PageOf<A>, json: (item: A) => string): WireAnswer => {
  const pagination = JSON.stringify(encodePagination({
    has_more: page.nextCursor !== null,
    next_cursor: page.nextCursor,
    previous_cursor: page.previousCursor,
    total_count: page.totalCount
  }))
  return jsonTextAnswer(200, `{"data":[${page.items.map(json).join(",")}],"pagination":${pagination}}`)
}

// -- input -------------------------------------------------------------------------------------

/** A 400 naming the field, with the same code and message the client gives before sending. */
const invalid = (error: ParseResult.ParseError): WireAnswer => {
  const refusal = toInvalidRequest(error)
  return errorAnswer(400, refusal.code ?? "parameter_invalid", refusal.message, refusal.param ?? null)
}

type Decoded<A> = Either.Either<A, WireAnswer>

/** The JSON body as an object: `""` is `{}`; anything else that is not a JSON object is `invalid_request`. */
const jsonBody = (request: WireRequest): Decoded<unknown> => {
  if (request.body.trim() === "") return Either.right({})
  let parsed: unknown
  try {
    parsed = JSON.parse(request.body)
  } catch {
    return Either.left(errorAnswer(400, "invalid_request", "The request body is not valid JSON"))
  }
  return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)
    ? Either.right(parsed)
    : Either.left(errorAnswer(400, "invalid_request", "The request body must be a JSON object"))
}

const bodyDecoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = decodeEither(schema, { errors: "first" })
  return (request: WireRequest): Decoded<A> =>
    Either.flatMap(jsonBody(request), (body) => Either.mapLeft(decode(body), invalid))
}

const NUMERIC = /^-?\d+(\.\d+)?$/

/** The query as the list schema's input: the first value of each known name, `limit` as a number when it reads as one. */
const queryDecoder = <
  A extends { readonly limit?: number | undefined; readonly after?: string | undefined; readonly before?: string | undefined },
  I
>(
  schema: Schema.Schema<A, I>,
  names: ReadonlyArray<string>
) => {
  const decode = decodeEither(schema, { errors: "first" })
  return (request: WireRequest): Decoded<{ readonly params: A; readonly page: PageQuery }> => {
    const input: Record<string, unknown> = {}
    for (const name of names) {
      const value = request.query.get(name)
      if (value !== null) input[name] = name === "limit" && NUMERIC.test(value) ? Number(value) : value
    }
    return Either.flatMap(Either.mapLeft(decode(input), invalid), (params) => {
      if (params.after !== undefined && params.before !== undefined) {
        return Either.left(errorAnswer(400, "parameter_invalid", "Give either after or before, not both", "before"))
      }
      let after: Boundary | undefined
      let before: Boundary | undefined
      if (params.after !== undefined && (after = decodeCursor(params.after)) === undefined) {
        return Either.left(errorAnswer(400, "parameter_invalid", `Invalid after: not a cursor of this list`, "after"))
      }
      if (params.before !== undefined && (before = decodeCursor(params.before)) === undefined) {
        return Either.left(errorAnswer(400, "parameter_invalid", `Invalid before: not a cursor of this list`, "before"))
      }
      return Either.right({ params, page: { limit: params.limit ?? 20, after, before } })
    })
  }
}

const decodeCreate = bodyDecoder(CustomerCreateParams)
const decodeUpdate = bodyDecoder(CustomerUpdateParams)
const decodeSetupIntent = bodyDecoder(SetupIntentCreateParams)
const decodePortalSession = bodyDecoder(PortalSessionCreateParams)
const decodeCustomerList = queryDecoder(CustomerListParams, ["email", "limit", "after", "before"])
const decodePaymentMethodList = queryDecoder(PaymentMethodListParams, ["customer_id", "limit", "after", "before"])

const customerNotFound = (id: string, param: string | null = null) =>
  errorAnswer(404, "customer_not_found", `No such customer: '${id}'`, param)

const paymentMethodNotFound = (id: string) =>
  errorAnswer(404, "payment_method_not_found", `No such payment method: '${id}'`)

const respond = (result: Decoded<WireAnswer>): WireAnswer => Either.merge(result)

// -- endpoints ---------------------------------------------------------------------------------

const createCustomer: Route = {
  template: "/customers",
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodeCreate(request), (params) =>
      jsonTextAnswer(201, customerJson(state.createCustomer(account, params, now)))))
}

const listCustomers: Route = {
  template: "/customers",
  run: ({ account, request, state }) =>
    respond(Either.map(decodeCustomerList(request), ({ page, params }) =>
      pageAnswer(state.listCustomers(account, params.email, page), customerJson)))
}

const retrieveCustomer: Route = {
  template: "/customers/:id",
  run: ({ account, id, state }) => {
    const record = state.findCustomer(account, id)
    if (record === undefined) return customerNotFound(id)
    return jsonTextAnswer(
      200,
      record.detailsJson ??= JSON.stringify(encodeDetails({
        ...record.customer,
        subscriptions: state.subscriptionsOf(record),
        payment_methods: state.paymentMethodsOf(record)
      }))
    )
  }
}

const updateCustomer: Route = {
  template: "/customers/:id",
  run: ({ account, id, request, state }) =>
    respond(Either.map(decodeUpdate(request), (patch) => {
      const record = state.findCustomer(account, id)
      if (record === undefined) return customerNotFound(id)
      state.updateCustomer(record, patch)
      return jsonTextAnswer(200, customerJson(record))
    }))
}

const deleteCustomer: Route = {
  template: "/customers/:id",
  run: ({ account, id, state }) => {
    const record = state.findCustomer(account, id)
    if (record === undefined) return customerNotFound(id)
    state.deleteCustomer(record)
    return jsonAnswer(200, encodeDeleted({ id: record.id, deleted: true }))
  }
}

const createSetupIntent: Route = {
  template: "/setup-intents",
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodeSetupIntent(request), ({ customer_id }) => {
      const owner = state.findCustomer(account, customer_id)
      if (owner === undefined) return customerNotFound(customer_id, "customer_id")
      const record = state.createSetupIntent(owner, {
        id: state.ids.next("si_"),
        customer_id,
        setup_url: `https://checkout.xtopay.co/setup/tok_${state.ids.token(24)}`,
        expires_at: DateTime.unsafeMake(now + LINK_LIFETIME_MILLIS)
      })
      return jsonAnswer(201, encodeSetupIntent(record.intent))
    }))
}

const paymentMethodJson = (record: PaymentMethodRecord): string => JSON.stringify(encodePaymentMethod(record.method))

const listPaymentMethods: Route = {
  template: "/payment-methods",
  run: ({ account, request, state }) =>
    respond(Either.map(decodePaymentMethodList(request), ({ page, params }) => {
      const owner = state.findCustomer(account, params.customer_id)
      if (owner === undefined) return customerNotFound(params.customer_id, "customer_id")
      return pageAnswer(state.listPaymentMethods(owner, page), paymentMethodJson)
    }))
}

const retrievePaymentMethod: Route = {
  template: "/payment-methods/:id",
  run: ({ account, id, state }) => {
    const record = state.findPaymentMethod(account, id)
    return record === undefined ? paymentMethodNotFound(id) : jsonTextAnswer(200, paymentMethodJson(record))
  }
}

const detachPaymentMethod: Route = {
  template: "/payment-methods/:id",
  run: ({ account, id, state }) => {
    const record = state.findPaymentMethod(account, id)
    return record === undefined
      ? paymentMethodNotFound(id)
      : jsonAnswer(200, encodePaymentMethod(state.detachPaymentMethod(record)))
  }
}

const createPortalSession: Route = {
  template: "/customer-portal/sessions",
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodePortalSession(request), ({ customer_id }) => {
      if (state.findCustomer(account, customer_id) === undefined) return customerNotFound(customer_id, "customer_id")
      return jsonAnswer(
        201,
        encodePortalSession({
          id: state.ids.next("cps_"),
          url: `https://billing.xtopay.co/portal/sess_${state.ids.token(24)}`,
          expires_at: DateTime.unsafeMake(now + LINK_LIFETIME_MILLIS)
        })
      )
    }))
}

// -- routing -----------------------------------------------------------------------------------

const table = (entries: ReadonlyArray<readonly [string, string, Route]>) =>
  new Map(entries.map(([method, path, route]) => [`${method} ${path}`, route]))

const collections = table([
  ["POST", "/customers", createCustomer],
  ["GET", "/customers", listCustomers],
  ["POST", "/setup-intents", createSetupIntent],
  ["GET", "/payment-methods", listPaymentMethods],
  ["POST", "/customer-portal/sessions", createPortalSession]
])

const members = table([
  ["GET", "/customers", retrieveCustomer],
  ["PATCH", "/customers", updateCustomer],
  ["DELETE", "/customers", deleteCustomer],
  ["GET", "/payment-methods", retrievePaymentMethod],
  ["DELETE", "/payment-methods", detachPaymentMethod]
])

/** The route for a method and path (below the base URL), or `undefined` for an unknown URL. */
export const matchRoute = (method: string, path: string): MatchedRoute | undefined => {
  const collection = collections.get(`${method} ${path}`)
  if (collection !== undefined) return { route: collection, id: "" }
  const slash = path.lastIndexOf("/")
  if (slash <= 0 || slash === path.length - 1) return undefined
  const member = members.get(`${method} ${path.slice(0, slash)}`)
  if (member === undefined) return undefined
  try {
    return { route: member, id: decodeURIComponent(path.slice(slash + 1)) }
  } catch {
    return undefined
  }
}
