/**
 * What each operation of the API description does to the in-memory Xtopay's state, and what it
 * answers (wire JSON). Inputs are checked with the edition's `Decode`; refusals are the fake's own
 * 400 answers. Routed with `matchOperation` from the description, so no route is listed twice.
 */
import { matchOperation, type Operation, operations } from "../api.js"
import { errorAnswer, jsonAnswer, jsonTextAnswer } from "./answers.js"
import { encodeCursor } from "./cursor.js"
import { type Decode, type ListQuery, type Read, readBody, readQuery } from "./decode.js"
import type { WirePaymentMethod } from "./objects.js"
import { metadataProblem } from "./limits.js"
import { type Account, type CustomerPatch, mergeMetadata, type CustomerRecord, type EventRecord, type NewCustomer, type PaymentMethodRecord, type State, type WebhookEndpointRecord } from "./state.js"
import type { PageOf, PageQuery, SortedIndex } from "./sortedIndex.js"
import type { WireAnswer, WireRequest } from "./wire.js"

/** Setup intents and portal sessions expire 30 minutes after creation. */
export const LINK_LIFETIME_MILLIS = 30 * 60 * 1000

export interface HandlerContext {
  readonly state: State
  readonly account: Account
  readonly request: WireRequest
  /** The id in the path, percent-decoded, for `/:id` routes ("" otherwise). */
  readonly id: string
  readonly now: number
  readonly decode: Decode
}

export type Handler = (context: HandlerContext) => WireAnswer

/** Every operation's name, from the description. */
export type OperationName = (typeof operations)[number]["operation"]

// -- answers -----------------------------------------------------------------------------------

/** Records keep their JSON text, so a list answer joins texts instead of encoding every item again. */
const customerJson = (record: CustomerRecord): string => (record.json ??= JSON.stringify(record.customer))

const pageAnswer = <A>(page: PageOf<A>, json: (item: A) => string): WireAnswer => {
  const pagination = JSON.stringify({
    has_more: page.nextCursor !== null,
    next_cursor: page.nextCursor,
    previous_cursor: page.previousCursor,
    total_count: page.totalCount
  })
  return jsonTextAnswer(200, `{"data":[${page.items.map(json).join(",")}],"pagination":${pagination}}`)
}

const respond = <A>(input: Read<A>, act: (value: A) => WireAnswer): WireAnswer =>
  input._tag === "Refused" ? input.answer : act(input.value)

const endpointNotFound = (id: string) => errorAnswer(404, "resource_not_found", `No such webhook endpoint: '${id}'`)
const eventNotFound = (id: string) => errorAnswer(404, "resource_not_found", `No such event: '${id}'`)
const customerNotFound = (id: string, param: string | null = null) =>
  errorAnswer(404, "customer_not_found", `No such customer: '${id}'`, param)
const metadataRefused = (problem: string) => errorAnswer(400, "parameter_invalid", `Invalid metadata: ${problem}`, "metadata")
const paymentMethodNotFound = (id: string) => errorAnswer(404, "payment_method_not_found", `No such payment method: '${id}'`)

// -- inputs, in wire form ----------------------------------------------------------------------

interface CustomerListParams extends ListQuery {
  readonly email?: string | undefined
}
interface PaymentMethodListParams extends ListQuery {
  readonly customer_id: string
}
interface EventListParams extends ListQuery {
  readonly type?: string | undefined
  readonly created_after?: string | undefined
  readonly created_before?: string | undefined
}
interface WebhookEndpointCreateParams {
  readonly url: string
  readonly events?: ReadonlyArray<string> | undefined
  readonly description?: string | undefined
}
interface WebhookEndpointUpdateParams {
  readonly url?: string | undefined
  readonly events?: ReadonlyArray<string> | undefined
  readonly description?: string | null | undefined
  readonly status?: "active" | "disabled" | undefined
}

// -- customers -----------------------------------------------------------------------------------

const paymentMethodJson = (record: PaymentMethodRecord): string => JSON.stringify(record.method)
const endpointJson = (record: WebhookEndpointRecord): string => JSON.stringify(record.endpoint)

/** Detaches a payment method: the API's DELETE and the portal's remove button do the same. */
export const detachPaymentMethod: Handler = ({ account, id, now, state }) => {
  const record = state.findPaymentMethod(account, id)
  if (record === undefined) return paymentMethodNotFound(id)
  const detached: WirePaymentMethod = state.detachPaymentMethod(record)
  state.recordEvent(account, "customer.payment_method_removed", detached, now)
  return jsonAnswer(200, detached)
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

const eventMillis = (time: string | undefined): number | undefined => (time === undefined ? undefined : Date.parse(time))

/** One handler per operation of the description (the type refuses a missing one). */
export const handlers: Readonly<Record<OperationName, Handler>> = {
  "customers.create": ({ account, decode, now, request, state }) =>
    respond(readBody<NewCustomer>(decode, "CustomerCreateParams", request), (params) => {
      const tooMuch = params.metadata === undefined ? undefined : metadataProblem(params.metadata)
      if (tooMuch !== undefined) return metadataRefused(tooMuch)
      const record = state.createCustomer(account, params, now)
      state.recordEvent(account, "customer.created", record.customer, now)
      return jsonTextAnswer(201, customerJson(record))
    }),
  "customers.listPage": ({ account, decode, request, state }) =>
    respond(
      readQuery<CustomerListParams>(decode, "CustomerListParams", ["email", "limit", "after", "before"], request),
      ({ page, params }) => pageAnswer(state.listCustomers(account, params.email, page), customerJson)
    ),
  "customers.retrieve": ({ account, id, state }) => {
    const record = state.findCustomer(account, id)
    if (record === undefined) return customerNotFound(id)
    return jsonTextAnswer(
      200,
      record.detailsJson ??= JSON.stringify({
        ...record.customer,
        subscriptions: state.subscriptionsOf(record),
        payment_methods: state.paymentMethodsOf(record)
      })
    )
  },
  "customers.update": ({ account, decode, id, now, request, state }) =>
    respond(readBody<CustomerPatch>(decode, "CustomerUpdateParams", request), (patch) => {
      const record = state.findCustomer(account, id)
      if (record === undefined) return customerNotFound(id)
      // Judged on the merged metadata: 30 kept keys and 30 new ones are 60.
      const tooMuch = patch.metadata === undefined ? undefined : metadataProblem(mergeMetadata(record.customer.metadata, patch.metadata))
      if (tooMuch !== undefined) return metadataRefused(tooMuch)
      state.updateCustomer(record, patch)
      state.recordEvent(account, "customer.updated", record.customer, now)
      return jsonTextAnswer(200, customerJson(record))
    }),
  "customers.delete": ({ account, id, now, state }) => {
    const record = state.findCustomer(account, id)
    if (record === undefined) return customerNotFound(id)
    // Each saved method goes first, then the customer, as it was last.
    for (const method of state.paymentMethodsOf(record)) {
      state.recordEvent(account, "customer.payment_method_removed", { ...method, customer_id: null }, now)
    }
    state.recordEvent(account, "customer.deleted", record.customer, now)
    state.deleteCustomer(record)
    return jsonAnswer(200, { id: record.id, deleted: true })
  },
  "setupIntents.create": ({ account, decode, now, request, state }) =>
    respond(readBody<{ readonly customer_id: string }>(decode, "SetupIntentCreateParams", request), ({ customer_id }) => {
      const owner = state.findCustomer(account, customer_id)
      if (owner === undefined) return customerNotFound(customer_id, "customer_id")
      const id = state.nextId(account, "si_")
      const expiresAtMillis = now + LINK_LIFETIME_MILLIS
      const record = state.createSetupIntent(owner, {
        id,
        customer_id,
        setup_url: state.links.setupUrl(account, id),
        expires_at: state.time(expiresAtMillis)
      }, expiresAtMillis)
      return jsonAnswer(201, record.intent)
    }),
  "paymentMethods.listPage": ({ account, decode, request, state }) =>
    respond(
      readQuery<PaymentMethodListParams>(decode, "PaymentMethodListParams", ["customer_id", "limit", "after", "before"], request),
      ({ page, params }) => {
        const owner = state.findCustomer(account, params.customer_id)
        if (owner === undefined) return customerNotFound(params.customer_id, "customer_id")
        return pageAnswer(state.listPaymentMethods(owner, page), paymentMethodJson)
      }
    ),
  "paymentMethods.retrieve": ({ account, id, state }) => {
    const record = state.findPaymentMethod(account, id)
    return record === undefined ? paymentMethodNotFound(id) : jsonTextAnswer(200, paymentMethodJson(record))
  },
  "paymentMethods.detach": detachPaymentMethod,
  "customerPortal.createSession": ({ account, decode, now, request, state }) =>
    respond(
      readBody<{ readonly customer_id: string; readonly return_url: string }>(decode, "PortalSessionCreateParams", request),
      ({ customer_id, return_url }) => {
        if (state.findCustomer(account, customer_id) === undefined) return customerNotFound(customer_id, "customer_id")
        const expiresAtMillis = now + LINK_LIFETIME_MILLIS
        return jsonAnswer(201, {
          id: state.nextId(account, "cps_"),
          url: state.links.portalUrl({ account, customerId: customer_id, returnUrl: return_url, expiresAtMillis }),
          expires_at: state.time(expiresAtMillis)
        })
      }
    ),
  "webhookEndpoints.create": ({ account, decode, now, request, state }) =>
    respond(readBody<WebhookEndpointCreateParams>(decode, "WebhookEndpointCreateParams", request), (params) => {
      const record = state.createWebhookEndpoint(account, {
        id: state.nextId(account, "we_"),
        url: params.url,
        events: params.events ?? [],
        status: "active",
        description: params.description ?? null,
        created_at: state.time(now)
      }, account.secret ?? "", now)
      return jsonTextAnswer(201, endpointJson(record))
    }),
  "webhookEndpoints.retrieve": ({ account, id, state }) => {
    const record = state.findWebhookEndpoint(account, id)
    return record === undefined ? endpointNotFound(id) : jsonTextAnswer(200, endpointJson(record))
  },
  "webhookEndpoints.update": ({ account, decode, id, request, state }) =>
    respond(readBody<WebhookEndpointUpdateParams>(decode, "WebhookEndpointUpdateParams", request), (patch) => {
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
    }),
  "webhookEndpoints.delete": ({ account, id, state }) => {
    const record = state.findWebhookEndpoint(account, id)
    if (record === undefined) return endpointNotFound(id)
    state.deleteWebhookEndpoint(record)
    return jsonAnswer(200, { id: record.id, deleted: true })
  },
  "webhookEndpoints.listPage": ({ account, decode, request, state }) =>
    respond(
      readQuery<ListQuery>(decode, "WebhookEndpointListParams", ["limit", "after", "before"], request),
      ({ page }) => pageAnswer(state.listWebhookEndpoints(account, page), endpointJson)
    ),
  "events.retrieve": ({ account, id, now, state }) => {
    const record = state.findEvent(account, id, now)
    return record === undefined ? eventNotFound(id) : jsonTextAnswer(200, record.json)
  },
  "events.listPage": ({ account, decode, now, request, state }) =>
    respond(
      readQuery<EventListParams>(decode, "EventListParams", ["type", "created_after", "created_before", "limit", "after"], request),
      ({ page, params }) =>
        pageAnswer(
          state.listEvents(account, {
            type: params.type,
            after: eventMillis(params.created_after),
            before: eventMillis(params.created_before)
          }, page, now),
          (record: EventRecord) => record.json
        )
    ),
  "events.deliveryAttempts": ({ account, decode, id, now, request, state }) =>
    respond(readQuery<ListQuery>(decode, "DeliveryAttemptListParams", ["limit", "after"], request), ({ page }) => {
      const record = state.findEvent(account, id, now)
      if (record === undefined) return eventNotFound(id)
      return pageAnswer(ascendingPage(record.attempts, page), (item) => JSON.stringify(item.attempt))
    }),
  "events.replay": ({ account, id, now, state }) => {
    const record = state.findEvent(account, id, now)
    if (record === undefined) return eventNotFound(id)
    state.redeliver(record)
    return jsonTextAnswer(202, record.json)
  }
}

/** An operation and its handler, for a request. */
export interface Routed {
  readonly op: Operation
  readonly handler: Handler
  /** The path parameter, percent-decoded ("" on a collection route). */
  readonly id: string
}

/** The operation for a method and path (below the base URL), or `undefined` for an unknown URL. */
export const route = (method: string, path: string): Routed | undefined => {
  const matched = matchOperation(method, path)
  if (matched.op === undefined) return undefined
  try {
    const id = matched.ids[0] === undefined ? "" : decodeURIComponent(matched.ids[0])
    return { op: matched.op, handler: handlers[matched.op.operation as OperationName], id }
  } catch {
    // A malformed percent-escape names nothing: an unknown URL, as before any handler sees it.
    return undefined
  }
}
