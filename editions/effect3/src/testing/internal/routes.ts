/**
 * The endpoints of the in-memory Xtopay: each operation of the endpoint table gets a handler here,
 * which validates its input with the table's request schema, changes the state, and encodes its
 * answer with the table's response schema. Refusals are the fake's own 400 answers.
 */
import { DateTime, Either, ParseResult, Schema } from "effect"
import * as Endpoints from "../../internal/endpoints.js"
import {
  Customer,
  CustomerDetails,
  DeletedCustomer,
  DeletedWebhookEndpoint,
  DeliveryAttempt,
  Pagination,
  PaymentMethod,
  PortalSession,
  SetupIntent,
  WebhookEndpoint
} from "../../Schemas.js"
import { errorAnswer, jsonAnswer, jsonTextAnswer } from "./answers.js"
import type { Account, CustomerRecord, EventRecord, PaymentMethodRecord, State, WebhookEndpointRecord } from "./state.js"
import { decodeCursor } from "./cursor.js"
import { encodeCursor } from "./cursor.js"
import type { Boundary, PageOf, PageQuery, SortedIndex } from "./sortedIndex.js"
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
  /** The operation of the endpoint table it serves; its `route` is the template, e.g. `/customers/:id`. */
  readonly endpoint: Endpoints.Endpoint
  readonly run: (context: RouteContext) => WireAnswer
}

export interface MatchedRoute {
  readonly route: Route
  /** The path parameter, percent-decoded ("" on a collection route). */
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
const encodeWebhookEndpoint = Schema.encodeSync(WebhookEndpoint)
const encodeDeletedEndpoint = Schema.encodeSync(DeletedWebhookEndpoint)
const encodeAttempt = Schema.encodeSync(DeliveryAttempt)

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

/** A 400 naming the field: `parameter_missing`, `invalid_phone` or `parameter_invalid`, as the reference lists them. */
const invalid = (error: ParseResult.ParseError): WireAnswer => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (issue === undefined) return errorAnswer(400, "invalid_request", "Invalid request parameters")
  const field = issue.path.length > 0 ? String(issue.path[0]) : null
  const code = issue._tag === "Missing" ? "parameter_missing" : field === "phone" ? "invalid_phone" : "parameter_invalid"
  const message = issue.path.length > 0 ? `Invalid ${issue.path.map(String).join(".")}: ${issue.message}` : issue.message
  return errorAnswer(400, code, message, field)
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
  const decode = Schema.decodeUnknownEither(schema, { errors: "first" })
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
  const decode = Schema.decodeUnknownEither(schema, { errors: "first" })
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

const decodeCreate = bodyDecoder(Endpoints.customersCreate.params)
const decodeUpdate = bodyDecoder(Endpoints.customersUpdate.params)
const decodeSetupIntent = bodyDecoder(Endpoints.setupIntentsCreate.params)
const decodePortalSession = bodyDecoder(Endpoints.customerPortalCreateSession.params)
const decodeCustomerList = queryDecoder(Endpoints.customersListPage.params, ["email", "limit", "after", "before"])
const decodePaymentMethodList = queryDecoder(Endpoints.paymentMethodsListPage.params, ["customer_id", "limit", "after", "before"])
const decodeEndpointCreate = bodyDecoder(Endpoints.webhookEndpointsCreate.params)
const decodeEndpointUpdate = bodyDecoder(Endpoints.webhookEndpointsUpdate.params)
const decodeEndpointList = queryDecoder(Endpoints.webhookEndpointsListPage.params, ["limit", "after", "before"])
const decodeEventList = queryDecoder(Endpoints.eventsListPage.params, ["type", "created_after", "created_before", "limit", "after"])
const decodeAttemptList = queryDecoder(Endpoints.eventsDeliveryAttempts.params, ["limit", "after"])

const endpointNotFound = (id: string) => errorAnswer(404, "resource_not_found", `No such webhook endpoint: '${id}'`)
const eventNotFound = (id: string) => errorAnswer(404, "resource_not_found", `No such event: '${id}'`)

const customerNotFound = (id: string, param: string | null = null) =>
  errorAnswer(404, "customer_not_found", `No such customer: '${id}'`, param)

const paymentMethodNotFound = (id: string) =>
  errorAnswer(404, "payment_method_not_found", `No such payment method: '${id}'`)

const respond = (result: Decoded<WireAnswer>): WireAnswer => Either.merge(result)

// -- endpoints ---------------------------------------------------------------------------------

const createCustomer: Route = {
  endpoint: Endpoints.customersCreate,
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodeCreate(request), (params) =>
      {
        const record = state.createCustomer(account, params, now)
        state.recordEvent(account, "customer.created", encodeCustomer(record.customer), now)
        return jsonTextAnswer(201, customerJson(record))
      }))
}

const listCustomers: Route = {
  endpoint: Endpoints.customersListPage,
  run: ({ account, request, state }) =>
    respond(Either.map(decodeCustomerList(request), ({ page, params }) =>
      pageAnswer(state.listCustomers(account, params.email, page), customerJson)))
}

const retrieveCustomer: Route = {
  endpoint: Endpoints.customersRetrieve,
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
  endpoint: Endpoints.customersUpdate,
  run: ({ account, id, now, request, state }) =>
    respond(Either.map(decodeUpdate(request), (patch) => {
      const record = state.findCustomer(account, id)
      if (record === undefined) return customerNotFound(id)
      state.updateCustomer(record, patch)
      state.recordEvent(account, "customer.updated", encodeCustomer(record.customer), now)
      return jsonTextAnswer(200, customerJson(record))
    }))
}

const deleteCustomer: Route = {
  endpoint: Endpoints.customersDelete,
  run: ({ account, id, now, state }) => {
    const record = state.findCustomer(account, id)
    if (record === undefined) return customerNotFound(id)
    // Each saved method goes first, then the customer, as it was last.
    for (const method of state.paymentMethodsOf(record)) {
      state.recordEvent(account, "customer.payment_method_removed", encodePaymentMethod({ ...method, customer_id: null }), now)
    }
    state.recordEvent(account, "customer.deleted", encodeCustomer(record.customer), now)
    state.deleteCustomer(record)
    return jsonAnswer(200, encodeDeleted({ id: record.id, deleted: true }))
  }
}

const createSetupIntent: Route = {
  endpoint: Endpoints.setupIntentsCreate,
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodeSetupIntent(request), ({ customer_id }) => {
      const owner = state.findCustomer(account, customer_id)
      if (owner === undefined) return customerNotFound(customer_id, "customer_id")
      const id = state.ids.next("si_")
      const record = state.createSetupIntent(owner, {
        id,
        customer_id,
        setup_url: state.links.setupUrl(id),
        expires_at: DateTime.unsafeMake(now + LINK_LIFETIME_MILLIS)
      })
      return jsonAnswer(201, encodeSetupIntent(record.intent))
    }))
}

const paymentMethodJson = (record: PaymentMethodRecord): string => JSON.stringify(encodePaymentMethod(record.method))

const listPaymentMethods: Route = {
  endpoint: Endpoints.paymentMethodsListPage,
  run: ({ account, request, state }) =>
    respond(Either.map(decodePaymentMethodList(request), ({ page, params }) => {
      const owner = state.findCustomer(account, params.customer_id)
      if (owner === undefined) return customerNotFound(params.customer_id, "customer_id")
      return pageAnswer(state.listPaymentMethods(owner, page), paymentMethodJson)
    }))
}

const retrievePaymentMethod: Route = {
  endpoint: Endpoints.paymentMethodsRetrieve,
  run: ({ account, id, state }) => {
    const record = state.findPaymentMethod(account, id)
    return record === undefined ? paymentMethodNotFound(id) : jsonTextAnswer(200, paymentMethodJson(record))
  }
}

const detachPaymentMethod: Route = {
  endpoint: Endpoints.paymentMethodsDetach,
  run: ({ account, id, now, state }) => {
    const record = state.findPaymentMethod(account, id)
    if (record === undefined) return paymentMethodNotFound(id)
    const detached = encodePaymentMethod(state.detachPaymentMethod(record))
    state.recordEvent(account, "customer.payment_method_removed", detached, now)
    return jsonAnswer(200, detached)
  }
}

const createPortalSession: Route = {
  endpoint: Endpoints.customerPortalCreateSession,
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodePortalSession(request), ({ customer_id, return_url }) => {
      if (state.findCustomer(account, customer_id) === undefined) return customerNotFound(customer_id, "customer_id")
      const expiresAtMillis = now + LINK_LIFETIME_MILLIS
      return jsonAnswer(
        201,
        encodePortalSession({
          id: state.ids.next("cps_"),
          url: state.links.portalUrl({ account, customerId: customer_id, returnUrl: return_url, expiresAtMillis }),
          expires_at: DateTime.unsafeMake(expiresAtMillis)
        })
      )
    }))
}

const endpointJson = (record: WebhookEndpointRecord): string => JSON.stringify(encodeWebhookEndpoint(record.endpoint))

const createWebhookEndpoint: Route = {
  endpoint: Endpoints.webhookEndpointsCreate,
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodeEndpointCreate(request), (params) => {
      const id = state.ids.next("we_")
      const record = state.createWebhookEndpoint(account, {
        id,
        url: params.url,
        events: params.events ?? [],
        status: "active",
        description: params.description ?? null,
        created_at: state.time(now)
      }, account.secret ?? "")
      return jsonTextAnswer(201, endpointJson(record))
    }))
}

const retrieveWebhookEndpoint: Route = {
  endpoint: Endpoints.webhookEndpointsRetrieve,
  run: ({ account, id, state }) => {
    const record = state.findWebhookEndpoint(account, id)
    return record === undefined ? endpointNotFound(id) : jsonTextAnswer(200, endpointJson(record))
  }
}

const updateWebhookEndpoint: Route = {
  endpoint: Endpoints.webhookEndpointsUpdate,
  run: ({ account, id, request, state }) =>
    respond(Either.map(decodeEndpointUpdate(request), (patch) => {
      const record = state.findWebhookEndpoint(account, id)
      if (record === undefined) return endpointNotFound(id)
      const before = record.endpoint
      record.endpoint = {
        ...before,
        url: patch.url ?? before.url,
        events: patch.events ?? before.events,
        status: patch.status ?? before.status,
        description: patch.description !== undefined ? patch.description : before.description
      }
      return jsonTextAnswer(200, endpointJson(record))
    }))
}

const deleteWebhookEndpoint: Route = {
  endpoint: Endpoints.webhookEndpointsDelete,
  run: ({ account, id, state }) => {
    const record = state.findWebhookEndpoint(account, id)
    if (record === undefined) return endpointNotFound(id)
    state.deleteWebhookEndpoint(record)
    return jsonAnswer(200, encodeDeletedEndpoint({ id: record.id, deleted: true }))
  }
}

const listWebhookEndpoints: Route = {
  endpoint: Endpoints.webhookEndpointsListPage,
  run: ({ account, request, state }) =>
    respond(Either.map(decodeEndpointList(request), ({ page }) =>
      pageAnswer(state.listWebhookEndpoints(account, page), endpointJson)))
}

const eventJson = (record: EventRecord): string => record.json

const retrieveEvent: Route = {
  endpoint: Endpoints.eventsRetrieve,
  run: ({ account, id, now, state }) => {
    const record = state.findEvent(account, id, now)
    return record === undefined ? eventNotFound(id) : jsonTextAnswer(200, record.json)
  }
}

const listEvents: Route = {
  endpoint: Endpoints.eventsListPage,
  run: ({ account, now, request, state }) =>
    respond(Either.map(decodeEventList(request), ({ page, params }) =>
      pageAnswer(
        state.listEvents(account, {
          type: params.type,
          after: params.created_after?.epochMillis,
          before: params.created_before?.epochMillis
        }, page, now),
        eventJson
      )))
}

/** Attempts oldest first: the page after `after` in ascending order. */
const ascendingPage = <A extends { readonly id: string; readonly millis: number }>(
  index: SortedIndex<A>,
  query: PageQuery
): PageOf<A> => {
  const total = index.size
  const from = query.after === undefined ? 0 : index.countBelow({ ...query.after, above: true })
  const to = Math.min(total, from + query.limit)
  const items: Array<A> = []
  for (let i = from; i < to; i++) items.push(index.get(i)!)
  const last = items[items.length - 1]
  return {
    items,
    nextCursor: to < total && last !== undefined ? encodeCursor({ id: last.id, millis: last.millis, above: true }) : null,
    previousCursor: null,
    totalCount: total
  }
}

const listDeliveryAttempts: Route = {
  endpoint: Endpoints.eventsDeliveryAttempts,
  run: ({ account, id, now, request, state }) =>
    respond(Either.map(decodeAttemptList(request), ({ page }) => {
      const record = state.findEvent(account, id, now)
      if (record === undefined) return eventNotFound(id)
      return pageAnswer(ascendingPage(record.attempts, page), (item) => JSON.stringify(encodeAttempt(item.attempt)))
    }))
}

const replayEvent: Route = {
  endpoint: Endpoints.eventsReplay,
  run: ({ account, id, now, state }) => {
    const record = state.findEvent(account, id, now)
    if (record === undefined) return eventNotFound(id)
    state.redeliver(record)
    return jsonTextAnswer(202, record.json)
  }
}

// -- routing ---------------------------------------------------------------------------------

const routes: ReadonlyArray<Route> = [
  createCustomer,
  listCustomers,
  retrieveCustomer,
  updateCustomer,
  deleteCustomer,
  createSetupIntent,
  listPaymentMethods,
  retrievePaymentMethod,
  detachPaymentMethod,
  createPortalSession,
  createWebhookEndpoint,
  retrieveWebhookEndpoint,
  updateWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  retrieveEvent,
  listEvents,
  listDeliveryAttempts,
  replayEvent
]

/** The route serving each operation of the endpoint table (a test checks that none is missing). */
export const routeFor = (endpoint: Endpoints.Endpoint): Route | undefined => routes.find((route) => route.endpoint === endpoint)

/** By method and segment count, each template as its segments (`:id` marks the parameter). */
const byShape = new Map<string, Array<{ readonly route: Route; readonly segments: ReadonlyArray<string> }>>()
for (const route of routes) {
  const segments = route.endpoint.route.split("/").slice(1)
  const key = `${route.endpoint.method} ${segments.length}`
  byShape.set(key, [...(byShape.get(key) ?? []), { route, segments }])
}

/** The route for a method and path (below the base URL), or `undefined` for an unknown URL. */
export const matchRoute = (method: string, path: string): MatchedRoute | undefined => {
  const parts = path.split("/").slice(1)
  for (const { route, segments } of byShape.get(`${method} ${parts.length}`) ?? []) {
    let id = ""
    let matched = true
    for (let i = 0; i < segments.length && matched; i++) {
      const segment = segments[i]!
      if (segment.startsWith(":")) {
        if (parts[i] === "") matched = false
        else id = parts[i]!
      } else if (segment !== parts[i]) matched = false
    }
    if (!matched) continue
    try {
      return { route, id: decodeURIComponent(id) }
    } catch {
      return undefined
    }
  }
  return undefined
}
