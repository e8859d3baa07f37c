/**
 * The endpoint table of this edition: each operation of core's description (`core/api.ts`) with the
 * schemas its shape names stand for. The endpoint functions (`invoke.ts`) and the fake's decoding
 * (`testing/internal/schemaChecks.ts`) read it.
 */
import * as Api from "#core/api.js"
import { type DateTime, Schema } from "effect"
import * as Schemas from "../Schemas.js"

export type { Method } from "#core/api.js"
export { pathParams } from "#core/api.js"

/** One schema per shape name of the description. */
export const shapes = {
  Customer: Schemas.Customer,
  CustomerDetails: Schemas.CustomerDetails,
  CustomerCreateParams: Schemas.CustomerCreateParams,
  CustomerUpdateParams: Schemas.CustomerUpdateParams,
  CustomerListParams: Schemas.CustomerListParams,
  CustomerPage: Schemas.CustomerPage,
  DeletedCustomer: Schemas.DeletedCustomer,
  SetupIntent: Schemas.SetupIntent,
  SetupIntentCreateParams: Schemas.SetupIntentCreateParams,
  PaymentMethod: Schemas.PaymentMethod,
  PaymentMethodListParams: Schemas.PaymentMethodListParams,
  PaymentMethodPage: Schemas.PaymentMethodPage,
  PortalSession: Schemas.PortalSession,
  PortalSessionCreateParams: Schemas.PortalSessionCreateParams,
  WebhookEndpoint: Schemas.WebhookEndpoint,
  WebhookEndpointCreateParams: Schemas.WebhookEndpointCreateParams,
  WebhookEndpointUpdateParams: Schemas.WebhookEndpointUpdateParams,
  WebhookEndpointListParams: Schemas.WebhookEndpointListParams,
  WebhookEndpointPage: Schemas.WebhookEndpointPage,
  DeletedWebhookEndpoint: Schemas.DeletedWebhookEndpoint,
  XtopayEvent: Schemas.XtopayEvent,
  EventListParams: Schemas.EventListParams,
  EventPage: Schemas.EventPage,
  DeliveryAttempt: Schemas.DeliveryAttempt,
  DeliveryAttemptListParams: Schemas.DeliveryAttemptListParams,
  DeliveryAttemptPage: Schemas.DeliveryAttemptPage
} as const satisfies Record<Api.ShapeName, Schema.Codec<any, any>>

export type Shapes = typeof shapes

/** What a path id must be, by the description's name. */
export const pathIds = {
  ObjectId: Schemas.ObjectId,
  WebhookEndpointId: Schemas.WebhookEndpointId,
  EventId: Schemas.EventId
} as const satisfies Record<Api.PathIdName, Schema.Codec<string, string>>

/** One operation with its schemas. */
export interface Endpoint {
  readonly operation: string
  readonly fn: string
  readonly method: Api.Method
  readonly route: string
  readonly params?: Schema.Codec<any, any> | undefined
  readonly pathId?: Schema.Codec<string, string> | undefined
  readonly response: Schema.Codec<any, any>
  readonly status: 200 | 201 | 202
  readonly notFound: boolean
  readonly idempotencyKey: boolean
  /** What a 2xx with an empty body (a DELETE answered 204) decodes to, from the path parameters and the time. */
  readonly onEmpty?: ((path: ReadonlyArray<string>, now: DateTime.Utc) => unknown) | undefined
  /** The operation as core describes it. */
  readonly description: Api.Operation
}

/** The schemas of `O`, with the literal types its function's type is read from. */
export type EndpointOf<O extends Api.Operation> =
  & Endpoint
  & {
    readonly route: O["route"]
    readonly notFound: O["notFound"]
    readonly idempotencyKey: O["idempotencyKey"]
    readonly response: Shapes[O["response"]]
  }
  & (O extends { readonly params: infer P extends Api.ShapeName } ? { readonly params: Shapes[P] }
    : { readonly params?: undefined })

// One entry per operation, whether reached by name or through `endpoints`.
const made = new Map<Api.Operation, Endpoint>()

const withSchemas = <O extends Api.Operation>(op: O): EndpointOf<O> => {
  const known = made.get(op)
  if (known !== undefined) return known as EndpointOf<O>
  const response: Schema.Codec<any, any> = shapes[op.response]
  const decodeEmpty = Schema.decodeUnknownSync(response)
  const entry: Endpoint = {
    operation: op.operation,
    fn: op.fn,
    method: op.method,
    route: op.route,
    params: op.params === undefined ? undefined : shapes[op.params],
    pathId: op.pathId === undefined ? undefined : pathIds[op.pathId],
    response,
    status: op.status,
    notFound: op.notFound,
    idempotencyKey: op.idempotencyKey,
    onEmpty: op.onEmpty === undefined
      ? undefined
      : (path, now) => decodeEmpty(Api.emptyAnswer(op, path, new Date(now.epochMilliseconds).toISOString())),
    description: op
  }
  made.set(op, entry)
  return entry as EndpointOf<O>
}

export const customersCreate = withSchemas(Api.customersCreate)
export const customersRetrieve = withSchemas(Api.customersRetrieve)
export const customersUpdate = withSchemas(Api.customersUpdate)
export const customersDelete = withSchemas(Api.customersDelete)
export const customersListPage = withSchemas(Api.customersListPage)
export const setupIntentsCreate = withSchemas(Api.setupIntentsCreate)
export const paymentMethodsRetrieve = withSchemas(Api.paymentMethodsRetrieve)
export const paymentMethodsListPage = withSchemas(Api.paymentMethodsListPage)
export const paymentMethodsDetach = withSchemas(Api.paymentMethodsDetach)
export const customerPortalCreateSession = withSchemas(Api.customerPortalCreateSession)
export const webhookEndpointsCreate = withSchemas(Api.webhookEndpointsCreate)
export const webhookEndpointsRetrieve = withSchemas(Api.webhookEndpointsRetrieve)
export const webhookEndpointsUpdate = withSchemas(Api.webhookEndpointsUpdate)
export const webhookEndpointsDelete = withSchemas(Api.webhookEndpointsDelete)
export const webhookEndpointsListPage = withSchemas(Api.webhookEndpointsListPage)
export const eventsRetrieve = withSchemas(Api.eventsRetrieve)
export const eventsListPage = withSchemas(Api.eventsListPage)
export const eventsDeliveryAttempts = withSchemas(Api.eventsDeliveryAttempts)
export const eventsReplay = withSchemas(Api.eventsReplay)

/** Every operation, in the description's order. */
export const endpoints: ReadonlyArray<Endpoint> = Api.operations.map((op) => withSchemas(op as Api.Operation))
