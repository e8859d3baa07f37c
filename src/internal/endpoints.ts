/**
 * The endpoint table: every operation of the Xtopay API, written once. The endpoint functions
 * (`invoke.ts`), the fake's router (`testing/internal/routes.ts`), `docs/openapi.yaml`
 * (`scripts/openapi.ts`) and the docs' endpoint tables (checked by a test) all follow from it.
 */
import type { DateTime, Schema } from "effect"
import {
  CustomerCreateParams,
  CustomerDetails,
  CustomerListParams,
  CustomerPage,
  Customer,
  CustomerUpdateParams,
  DeletedCustomer,
  DeletedWebhookEndpoint,
  DeliveryAttemptListParams,
  DeliveryAttemptPage,
  EventId,
  EventListParams,
  EventPage,
  PaymentMethod,
  PaymentMethodListParams,
  PaymentMethodPage,
  PortalSession,
  PortalSessionCreateParams,
  SetupIntent,
  SetupIntentCreateParams,
  WebhookEndpoint,
  WebhookEndpointCreateParams,
  WebhookEndpointId,
  WebhookEndpointListParams,
  WebhookEndpointPage,
  WebhookEndpointUpdateParams,
  XtopayEvent
} from "../Schemas.js"

export type Method = "GET" | "POST" | "PATCH" | "DELETE"

/** One operation. */
export interface Endpoint {
  /** `customers.create`: the span is `Xtopay.customers.create`, the function `Customers.create`. */
  readonly operation: string
  readonly method: Method
  /** The route template, e.g. `/customers/:id`; its `:name` segments are the path parameters. */
  readonly route: string
  /** What the body (POST, PATCH) or the query (GET) takes; none when the call takes no parameters. */
  readonly params?: Schema.Schema<any, any> | undefined
  /** What the path ids must be (a prefix, say); `ObjectId` when absent. */
  readonly pathId?: Schema.Schema<string> | undefined
  /** What a 2xx answers with. */
  readonly response: Schema.Schema<any, any>
  /** The status of a first success (a replayed POST is answered 200). */
  readonly status: 200 | 201 | 202
  /** Can it fail with `NotFound`? */
  readonly notFound: boolean
  /** Does it carry an `Idempotency-Key` (and so may fail with `IdempotencyConflict`)? */
  readonly idempotencyKey: boolean
  /** What a 2xx with an empty body (a DELETE answered 204) decodes to, from the path parameters and the time. */
  readonly onEmpty?: ((path: ReadonlyArray<string>, now: DateTime.Utc) => unknown) | undefined
}

/** Keeps each entry's literal types (route, flags), which the endpoint functions' types are read from. */
const endpoint = <const E extends Endpoint>(entry: E): E => entry

export const customersCreate = endpoint({
  operation: "customers.create",
  method: "POST",
  route: "/customers",
  params: CustomerCreateParams,
  response: Customer,
  status: 201,
  notFound: false,
  idempotencyKey: true
})

export const customersRetrieve = endpoint({
  operation: "customers.retrieve",
  method: "GET",
  route: "/customers/:id",
  response: CustomerDetails,
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const customersUpdate = endpoint({
  operation: "customers.update",
  method: "PATCH",
  route: "/customers/:id",
  params: CustomerUpdateParams,
  response: Customer,
  status: 200,
  notFound: true,
  idempotencyKey: true
})

export const customersDelete = endpoint({
  operation: "customers.delete",
  method: "DELETE",
  route: "/customers/:id",
  response: DeletedCustomer,
  status: 200,
  notFound: true,
  idempotencyKey: false,
  onEmpty: ([id]): DeletedCustomer => ({ id: id!, deleted: true })
})

export const customersListPage = endpoint({
  operation: "customers.listPage",
  method: "GET",
  route: "/customers",
  params: CustomerListParams,
  response: CustomerPage,
  status: 200,
  notFound: false,
  idempotencyKey: false
})

export const setupIntentsCreate = endpoint({
  operation: "setupIntents.create",
  method: "POST",
  route: "/setup-intents",
  params: SetupIntentCreateParams,
  response: SetupIntent,
  status: 201,
  notFound: true,
  idempotencyKey: true
})

export const paymentMethodsRetrieve = endpoint({
  operation: "paymentMethods.retrieve",
  method: "GET",
  route: "/payment-methods/:id",
  response: PaymentMethod,
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const paymentMethodsListPage = endpoint({
  operation: "paymentMethods.listPage",
  method: "GET",
  route: "/payment-methods",
  params: PaymentMethodListParams,
  response: PaymentMethodPage,
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const paymentMethodsDetach = endpoint({
  operation: "paymentMethods.detach",
  method: "DELETE",
  route: "/payment-methods/:id",
  response: PaymentMethod,
  status: 200,
  notFound: true,
  idempotencyKey: false,
  // Xtopay answers the detached method; a bare 204 says only that it is gone.
  onEmpty: ([id], now): PaymentMethod => ({
    id: id!,
    customer_id: null,
    type: "unknown",
    card: null,
    mobile_money: null,
    created_at: now
  })
})

export const customerPortalCreateSession = endpoint({
  operation: "customerPortal.createSession",
  method: "POST",
  route: "/customer-portal/sessions",
  params: PortalSessionCreateParams,
  response: PortalSession,
  status: 201,
  notFound: true,
  idempotencyKey: true
})

export const webhookEndpointsCreate = endpoint({
  operation: "webhookEndpoints.create",
  method: "POST",
  route: "/webhook-endpoints",
  params: WebhookEndpointCreateParams,
  response: WebhookEndpoint,
  status: 201,
  notFound: false,
  idempotencyKey: true
})

export const webhookEndpointsRetrieve = endpoint({
  operation: "webhookEndpoints.retrieve",
  method: "GET",
  route: "/webhook-endpoints/:id",
  pathId: WebhookEndpointId,
  response: WebhookEndpoint,
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const webhookEndpointsUpdate = endpoint({
  operation: "webhookEndpoints.update",
  method: "PATCH",
  route: "/webhook-endpoints/:id",
  pathId: WebhookEndpointId,
  params: WebhookEndpointUpdateParams,
  response: WebhookEndpoint,
  status: 200,
  notFound: true,
  idempotencyKey: true
})

export const webhookEndpointsDelete = endpoint({
  operation: "webhookEndpoints.delete",
  method: "DELETE",
  route: "/webhook-endpoints/:id",
  pathId: WebhookEndpointId,
  response: DeletedWebhookEndpoint,
  status: 200,
  notFound: true,
  idempotencyKey: false,
  onEmpty: ([id]): DeletedWebhookEndpoint => ({ id: id!, deleted: true })
})

export const webhookEndpointsListPage = endpoint({
  operation: "webhookEndpoints.listPage",
  method: "GET",
  route: "/webhook-endpoints",
  params: WebhookEndpointListParams,
  response: WebhookEndpointPage,
  status: 200,
  notFound: false,
  idempotencyKey: false
})

export const eventsRetrieve = endpoint({
  operation: "events.retrieve",
  method: "GET",
  route: "/events/:id",
  pathId: EventId,
  response: XtopayEvent,
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const eventsListPage = endpoint({
  operation: "events.listPage",
  method: "GET",
  route: "/events",
  params: EventListParams,
  response: EventPage,
  status: 200,
  notFound: false,
  idempotencyKey: false
})

export const eventsDeliveryAttempts = endpoint({
  operation: "events.deliveryAttempts",
  method: "GET",
  route: "/events/:id/delivery-attempts",
  pathId: EventId,
  params: DeliveryAttemptListParams,
  response: DeliveryAttemptPage,
  status: 200,
  notFound: true,
  idempotencyKey: false
})

export const eventsReplay = endpoint({
  operation: "events.replay",
  method: "POST",
  route: "/events/:id/replay",
  pathId: EventId,
  response: XtopayEvent,
  status: 202,
  notFound: true,
  idempotencyKey: true
})

/** Every operation, in the order the docs list them. */
export const endpoints: ReadonlyArray<Endpoint> = [
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
]

/** The path parameters of a route template: `/events/:id/replay` → `["id"]`. */
export const pathParams = (route: string): ReadonlyArray<string> =>
  route.split("/").filter((segment) => segment.startsWith(":")).map((segment) => segment.slice(1))
