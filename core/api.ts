/**
 * The Xtopay API, described once: every operation's method, route, parameters, the shapes it
 * takes and answers (by name: a shape's fields live in each edition's schema), success status,
 * errors, idempotency and paging. The editions' endpoint functions, the fake's router,
 * docs/openapi.yaml and the docs' endpoint tables are all made from this table.
 */

export type Method = "GET" | "POST" | "PATCH" | "DELETE"

/** The names of the shapes an operation takes or answers; each edition's `Schemas` exports one schema per name. */
export const shapeNames = [
  "Customer",
  "CustomerDetails",
  "CustomerCreateParams",
  "CustomerUpdateParams",
  "CustomerListParams",
  "CustomerPage",
  "DeletedCustomer",
  "SetupIntent",
  "SetupIntentCreateParams",
  "PaymentMethod",
  "PaymentMethodListParams",
  "PaymentMethodPage",
  "PortalSession",
  "PortalSessionCreateParams",
  "WebhookEndpoint",
  "WebhookEndpointCreateParams",
  "WebhookEndpointUpdateParams",
  "WebhookEndpointListParams",
  "WebhookEndpointPage",
  "DeletedWebhookEndpoint",
  "XtopayEvent",
  "EventListParams",
  "EventPage",
  "DeliveryAttempt",
  "DeliveryAttemptListParams",
  "DeliveryAttemptPage"
] as const

export type ShapeName = (typeof shapeNames)[number]

/** What a path id must be: any object id, or one with a known prefix the client can refuse early. */
export const pathIdNames = ["ObjectId", "WebhookEndpointId", "EventId"] as const

export type PathIdName = (typeof pathIdNames)[number]

/**
 * The members of an edition's `Schemas` module named by `names` (`shapeNames`, `pathIdNames`): typed
 * by name, so a name the module does not export is a compile error.
 */
export const byName = <M, const N extends keyof M & string>(
  names: ReadonlyArray<N>,
  module: M
): { readonly [Name in N]: M[Name] } => Object.fromEntries(names.map((name) => [name, module[name]])) as { readonly [Name in N]: M[Name] }

/** The tagged errors, by tag. */
export type ErrorTag =
  | "InvalidRequest"
  | "Unauthorized"
  | "Forbidden"
  | "NotFound"
  | "IdempotencyConflict"
  | "RateLimited"
  | "ServerError"
  | "ConnectionError"
  | "UnexpectedResponse"

/** One operation. */
export interface Operation {
  /** `customers.create`: the span is `Xtopay.customers.create`, the function `Customers.create`. */
  readonly operation: string
  /** The public function, `Customers.create`. */
  readonly fn: string
  /** One line for the docs: what the call does. */
  readonly summary: string
  readonly method: Method
  /** The route template, e.g. `/customers/:id`; its `:name` segments are the path parameters. */
  readonly route: string
  /** What the body (POST, PATCH) or the query (GET) takes; none when the call takes no parameters. */
  readonly params?: ShapeName | undefined
  /** What the path ids must be; `ObjectId` when absent. */
  readonly pathId?: PathIdName | undefined
  /** What a 2xx answers with. */
  readonly response: ShapeName
  /** The status of a first success (a replayed POST is answered 200). */
  readonly status: 200 | 201 | 202
  /** Can it fail with `NotFound`? */
  readonly notFound: boolean
  /** Does it carry an `Idempotency-Key` (and so may fail with `IdempotencyConflict`)? */
  readonly idempotencyKey: boolean
  /** For a page of a list: the item's shape, and the public `Stream` function that walks every page. */
  readonly paging?: { readonly item: ShapeName; readonly stream: string; readonly pageFn: boolean } | undefined
  /** What a 2xx with an empty body (a DELETE answered 204) stands for, as wire JSON. */
  readonly onEmpty?: "deleted" | "detached" | undefined
}

/** Keeps each entry's literal types (route, flags, shape names), which the editions' function types are read from. */
const operation = <const O extends Operation>(entry: O): O => entry

export const customersCreate = operation({
  operation: "customers.create",
  fn: "Customers.create",
  summary: "Create a customer",
  method: "POST",
  route: "/customers",
  params: "CustomerCreateParams",
  response: "Customer",
  status: 201,
  notFound: false,
  idempotencyKey: true
})

export const customersRetrieve = operation({
  operation: "customers.retrieve",
  fn: "Customers.retrieve",
  summary: "Retrieve a customer, with subscriptions and payment methods",
  method: "GET",
  route: "/customers/:id",
  response: "CustomerDetails",
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const customersUpdate = operation({
  operation: "customers.update",
  fn: "Customers.update",
  summary: "Update a customer (only the fields sent; metadata merges, null removes a key)",
  method: "PATCH",
  route: "/customers/:id",
  params: "CustomerUpdateParams",
  response: "Customer",
  status: 200,
  notFound: true,
  idempotencyKey: true
})

export const customersDelete = operation({
  operation: "customers.delete",
  fn: "Customers.delete",
  summary: "Delete a customer, its subscriptions and saved payment methods",
  method: "DELETE",
  route: "/customers/:id",
  response: "DeletedCustomer",
  status: 200,
  notFound: true,
  idempotencyKey: false,
  onEmpty: "deleted"
})

export const customersListPage = operation({
  operation: "customers.listPage",
  fn: "Customers.listPage",
  summary: "List customers, newest first",
  method: "GET",
  route: "/customers",
  params: "CustomerListParams",
  response: "CustomerPage",
  status: 200,
  notFound: false,
  idempotencyKey: false,
  paging: { item: "Customer", stream: "Customers.list", pageFn: true }
})

export const setupIntentsCreate = operation({
  operation: "setupIntents.create",
  fn: "SetupIntents.create",
  summary: "Create a setup intent: a link where the customer saves a card or wallet",
  method: "POST",
  route: "/setup-intents",
  params: "SetupIntentCreateParams",
  response: "SetupIntent",
  status: 201,
  notFound: true,
  idempotencyKey: true
})

export const paymentMethodsRetrieve = operation({
  operation: "paymentMethods.retrieve",
  fn: "PaymentMethods.retrieve",
  summary: "Retrieve a payment method",
  method: "GET",
  route: "/payment-methods/:id",
  response: "PaymentMethod",
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const paymentMethodsListPage = operation({
  operation: "paymentMethods.listPage",
  fn: "PaymentMethods.listPage",
  summary: "List a customer's payment methods",
  method: "GET",
  route: "/payment-methods",
  params: "PaymentMethodListParams",
  response: "PaymentMethodPage",
  status: 200,
  notFound: true,
  idempotencyKey: false,
  paging: { item: "PaymentMethod", stream: "PaymentMethods.list", pageFn: true }
})

export const paymentMethodsDetach = operation({
  operation: "paymentMethods.detach",
  fn: "PaymentMethods.detach",
  summary: "Detach a payment method from its customer",
  method: "DELETE",
  route: "/payment-methods/:id",
  response: "PaymentMethod",
  status: 200,
  notFound: true,
  idempotencyKey: false,
  onEmpty: "detached"
})

export const customerPortalCreateSession = operation({
  operation: "customerPortal.createSession",
  fn: "CustomerPortal.createSession",
  summary: "Create a customer portal session",
  method: "POST",
  route: "/customer-portal/sessions",
  params: "PortalSessionCreateParams",
  response: "PortalSession",
  status: 201,
  notFound: true,
  idempotencyKey: true
})

export const webhookEndpointsCreate = operation({
  operation: "webhookEndpoints.create",
  fn: "WebhookEndpoints.create",
  summary: "Register a webhook endpoint",
  method: "POST",
  route: "/webhook-endpoints",
  params: "WebhookEndpointCreateParams",
  response: "WebhookEndpoint",
  status: 201,
  notFound: false,
  idempotencyKey: true
})

export const webhookEndpointsRetrieve = operation({
  operation: "webhookEndpoints.retrieve",
  fn: "WebhookEndpoints.retrieve",
  summary: "Retrieve a webhook endpoint",
  method: "GET",
  route: "/webhook-endpoints/:id",
  pathId: "WebhookEndpointId",
  response: "WebhookEndpoint",
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const webhookEndpointsUpdate = operation({
  operation: "webhookEndpoints.update",
  fn: "WebhookEndpoints.update",
  summary: "Update a webhook endpoint",
  method: "PATCH",
  route: "/webhook-endpoints/:id",
  pathId: "WebhookEndpointId",
  params: "WebhookEndpointUpdateParams",
  response: "WebhookEndpoint",
  status: 200,
  notFound: true,
  idempotencyKey: true
})

export const webhookEndpointsDelete = operation({
  operation: "webhookEndpoints.delete",
  fn: "WebhookEndpoints.delete",
  summary: "Delete a webhook endpoint",
  method: "DELETE",
  route: "/webhook-endpoints/:id",
  pathId: "WebhookEndpointId",
  response: "DeletedWebhookEndpoint",
  status: 200,
  notFound: true,
  idempotencyKey: false,
  onEmpty: "deleted"
})

export const webhookEndpointsListPage = operation({
  operation: "webhookEndpoints.listPage",
  fn: "WebhookEndpoints.listPage",
  summary: "List webhook endpoints",
  method: "GET",
  route: "/webhook-endpoints",
  params: "WebhookEndpointListParams",
  response: "WebhookEndpointPage",
  status: 200,
  notFound: false,
  idempotencyKey: false,
  paging: { item: "WebhookEndpoint", stream: "WebhookEndpoints.list", pageFn: true }
})

export const eventsRetrieve = operation({
  operation: "events.retrieve",
  fn: "Events.retrieve",
  summary: "Retrieve an event",
  method: "GET",
  route: "/events/:id",
  pathId: "EventId",
  response: "XtopayEvent",
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const eventsListPage = operation({
  operation: "events.listPage",
  fn: "Events.listPage",
  summary: "List events, newest first (type, created_after, created_before)",
  method: "GET",
  route: "/events",
  params: "EventListParams",
  response: "EventPage",
  status: 200,
  notFound: false,
  idempotencyKey: false,
  paging: { item: "XtopayEvent", stream: "Events.list", pageFn: true }
})

export const eventsDeliveryAttempts = operation({
  operation: "events.deliveryAttempts",
  fn: "Events.deliveryAttempts",
  summary: "List an event's delivery attempts",
  method: "GET",
  route: "/events/:id/delivery-attempts",
  pathId: "EventId",
  params: "DeliveryAttemptListParams",
  response: "DeliveryAttemptPage",
  status: 200,
  notFound: true,
  idempotencyKey: false,
  paging: { item: "DeliveryAttempt", stream: "Events.deliveryAttempts", pageFn: false }
})

export const eventsReplay = operation({
  operation: "events.replay",
  fn: "Events.replay",
  summary: "Deliver an event again to every matching endpoint",
  method: "POST",
  route: "/events/:id/replay",
  pathId: "EventId",
  response: "XtopayEvent",
  status: 202,
  notFound: true,
  idempotencyKey: true
})

/** Every operation, in the order the docs list them. */
export const operations = [
  customersCreate,
  customersRetrieve,
  customersUpdate,
  customersDelete,
  customersListPage,
  setupIntentsCreate,
  paymentMethodsRetrieve,
  paymentMethodsListPage,
  paymentMethodsDetach,
  customerPortalCreateSession,
  webhookEndpointsCreate,
  webhookEndpointsRetrieve,
  webhookEndpointsUpdate,
  webhookEndpointsDelete,
  webhookEndpointsListPage,
  eventsRetrieve,
  eventsListPage,
  eventsDeliveryAttempts,
  eventsReplay
] as const satisfies ReadonlyArray<Operation>

/** The path parameters of a route template: `/events/:id/replay` → `["id"]`. */
export const pathParams = (route: string): ReadonlyArray<string> =>
  route.split("/").filter((segment) => segment.startsWith(":")).map((segment) => segment.slice(1))

/** `METHOD /route`, the key the fake's request log, faults and docs use. */
export const routeKey = (op: Pick<Operation, "method" | "route">): string => `${op.method} ${op.route}`

/** Every error an operation can fail with, in the order the docs list them. */
export const errorTags = (op: Pick<Operation, "notFound" | "idempotencyKey">): ReadonlyArray<ErrorTag> => [
  "InvalidRequest",
  "Unauthorized",
  "Forbidden",
  ...(op.notFound ? (["NotFound"] as const) : []),
  ...(op.idempotencyKey ? (["IdempotencyConflict"] as const) : []),
  "RateLimited",
  "ServerError",
  "ConnectionError",
  "UnexpectedResponse"
]

/**
 * What a 2xx with no body stands for, as wire JSON: Xtopay may answer a DELETE with 204, which says
 * only that the object is gone (a detached payment method's other fields are unknown).
 */
export const emptyAnswer = (op: Operation, ids: ReadonlyArray<string>, nowIso: string): unknown => {
  const id = ids[0] ?? ""
  switch (op.onEmpty) {
    case "deleted":
      return { id, deleted: true }
    case "detached":
      return { id, customer_id: null, type: "unknown", card: null, mobile_money: null, created_at: nowIso }
    default:
      return undefined
  }
}

/**
 * The operation a request is for, and its path parameters; `undefined` when no route matches
 * (`methods` then lists what the path would take, for a 405).
 */
export const matchOperation = (
  method: string,
  path: string
): { readonly op: Operation; readonly ids: ReadonlyArray<string> } | { readonly op: undefined; readonly methods: ReadonlyArray<Method> } => {
  const segments = path.split("/")
  const methods: Array<Method> = []
  for (const op of operations) {
    const ids = matchRoute(op.route, segments)
    if (ids === undefined) continue
    if (op.method === method) return { op, ids }
    methods.push(op.method)
  }
  return { op: undefined, methods }
}

const matchRoute = (route: string, segments: ReadonlyArray<string>): ReadonlyArray<string> | undefined => {
  const template = route.split("/")
  if (template.length !== segments.length) return undefined
  const ids: Array<string> = []
  for (let i = 0; i < template.length; i++) {
    const part = template[i]!
    const segment = segments[i]!
    if (part.startsWith(":")) {
      if (segment.length === 0) return undefined
      ids.push(segment)
    } else if (part !== segment) return undefined
  }
  return ids
}
