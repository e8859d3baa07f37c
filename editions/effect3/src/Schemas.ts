/**
 * The shapes of the Xtopay API, as Schemas. One schema per shape, shared by the client (to
 * validate what it sends and decode what it gets) and by the in-memory Xtopay (to validate what it
 * receives and encode what it answers). Field names stay snake_case, as on the wire.
 *
 * @since 0.1.0
 */
import { DateTime, ParseResult, Schema } from "effect"
import * as Enums from "#core/enums.js"
import * as Rules from "#core/rules.js"
import { parseTimestampMillis, printTimestampMillis } from "#core/timestamp.js"


// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** A filter from one of core's rules (`core/rules.ts`): the same checks and words in every edition. */
const ruled = <S extends Schema.Schema<any, any, never>>(
  self: S,
  check: Rules.Check<Schema.Schema.Type<S>>,
  identifier: string
): Schema.filter<S> => Schema.filter<S>((value) => check(value) ?? true, { identifier })(self)

/**
 * An ISO 8601 UTC timestamp on the wire (`2026-05-24T10:00:00Z`), a `DateTime.Utc` in code.
 * Encodes without milliseconds when they are zero, as Xtopay prints them.
 *
 * @since 0.1.0
 */
export const Timestamp: Schema.Schema<DateTime.Utc, string> = Schema.transformOrFail(
  Schema.String,
  Schema.DateTimeUtcFromSelf,
  {
    strict: true,
    decode: (input, _, ast) => {
      const millis = parseTimestampMillis(input)
      return millis === undefined
        ? ParseResult.fail(new ParseResult.Type(ast, input, `Expected an ISO 8601 timestamp, got ${JSON.stringify(input)}`))
        : ParseResult.succeed(DateTime.unsafeMake(millis))
    },
    encode: (dateTime) => ParseResult.succeed(printTimestampMillis(dateTime.epochMillis))
  }
).annotations({ identifier: "Timestamp" })

/**
 * An object id as it may appear in a path: non-empty, no `/`, `?`, `#` or whitespace, and not
 * `.` or `..` (which a URL resolver would fold away).
 *
 * @since 0.1.0
 */
export const ObjectId = ruled(Schema.String, Rules.objectId, "ObjectId")

/** An `ObjectId` that starts with `prefix`: a path id the client can refuse before sending. */
const prefixedId = (prefix: string, identifier: string) => ruled(ObjectId, Rules.prefixedId(prefix), identifier)

/**
 * A webhook endpoint id: `we_…`.
 *
 * @since 0.1.0
 */
export const WebhookEndpointId = prefixedId("we_", "WebhookEndpointId")

/**
 * An event id: `evt_…`.
 *
 * @since 0.1.0
 */
export const EventId = prefixedId("evt_", "EventId")

/**
 * An email address: something `@` a domain with a dot, no whitespace.
 *
 * @since 0.1.0
 */
export const Email = ruled(Schema.String, Rules.email, "Email")

/**
 * A phone number in E.164 form: `+`, a country code, up to 15 digits in all.
 *
 * @since 0.1.0
 */
export const E164Phone = ruled(Schema.String, Rules.e164Phone, "E164Phone")

/**
 * An ISO 4217 currency code: three upper-case letters.
 *
 * @since 0.1.0
 */
export const CurrencyCode = ruled(Schema.String, Rules.currencyCode, "CurrencyCode")

/**
 * An absolute http(s) URL.
 *
 * @since 0.1.0
 */
export const HttpUrl = ruled(Schema.String, Rules.httpUrl, "HttpUrl")

/**
 * A page size: an integer from 1 to 100.
 *
 * @since 0.1.0
 */
export const PageLimit = ruled(Schema.Number, Rules.pageLimit, "PageLimit")

/**
 * An `Idempotency-Key`: 1 to 255 printable ASCII characters, no leading or trailing space.
 *
 * @since 0.1.0
 */
export const IdempotencyKey = ruled(Schema.String, Rules.idempotencyKey, "IdempotencyKey")

/** A metadata key: any string but `__proto__` (core's rule). */
const MetadataKey = Schema.String.pipe(
  Schema.filter((key) => Rules.metadataKey(key) === undefined),
  Schema.annotations({ description: Rules.METADATA_KEY, jsonSchema: { not: { const: "__proto__" } } })
)

/** A record with `MetadataKey` keys: Effect 3 skips a key its key schema refuses, unless told that such a key is an error. */
const metadataRecord = <V extends Schema.Schema.Any>(value: V) =>
  Schema.Record({ key: MetadataKey, value }).annotations({ parseOptions: { onExcessProperty: "error" } })

/**
 * `metadata`: string keys to string values. A `__proto__` key is refused, at its path, never
 * dropped: a request with one fails with `InvalidRequest`, an answer with one with `UnexpectedResponse`.
 *
 * @since 0.1.0
 */
export const Metadata = metadataRecord(Schema.String)

/**
 * `metadata` on an update: a `null` value removes that key. A `__proto__` key is refused, as in `Metadata`.
 *
 * @since 0.1.0
 */
export const MetadataPatch = metadataRecord(Schema.NullOr(Schema.String))

const nullByDefault = <S extends Schema.Schema.Any>(schema: S) =>
  Schema.optionalWith(Schema.NullOr(schema), { default: () => null })

/**
 * One of the `known` values, or any other string Xtopay adds later: kept as it came, and typed as
 * `Open<…>` (the known literals plus `string & {}`), so a `switch` over the known values is not
 * exhaustive in the types either.
 */
const openEnum = <const Known extends ReadonlyArray<string>>(
  known: Known
): Schema.Schema<Enums.Open<Known[number]>, string> =>
  Schema.Union(Schema.Literal(...known), Schema.String) as unknown as Schema.Schema<Enums.Open<Known[number]>, string>

// ---------------------------------------------------------------------------------------------
// Objects
// ---------------------------------------------------------------------------------------------

/**
 * A subscription, as embedded in a customer. `status` keeps values this SDK does not know yet.
 *
 * @since 0.1.0
 */
export const Subscription = Schema.Struct({
  id: Schema.String,
  status: openEnum(Enums.SUBSCRIPTION_STATUSES),
  plan_id: Schema.String,
  current_period_end: nullByDefault(Timestamp),
  cancel_at_period_end: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  created_at: Timestamp
}).annotations({ identifier: "Subscription" })
/**
 * A subscription embedded in a customer, as the `Subscription` schema decodes it.
 *
 * @since 0.1.0
 */
export interface Subscription extends Schema.Schema.Type<typeof Subscription> {}

/**
 * A card saved as a payment method: brand, last four digits and expiry. Never the full number.
 *
 * @since 0.1.0
 */
export const Card = Schema.Struct({
  brand: Schema.String,
  last4: Schema.String,
  exp_month: Schema.Number,
  exp_year: Schema.Number
}).annotations({ identifier: "Card" })
/**
 * A card's brand, last four digits and expiry, as the `Card` schema decodes it.
 *
 * @since 0.1.0
 */
export interface Card extends Schema.Schema.Type<typeof Card> {}

/**
 * A mobile-money wallet saved as a payment method. `network` keeps values this SDK does not know yet.
 *
 * @since 0.1.0
 */
export const MobileMoney = Schema.Struct({
  network: openEnum(Enums.MOBILE_MONEY_NETWORKS),
  phone: Schema.String
}).annotations({ identifier: "MobileMoney" })
/**
 * A mobile-money wallet's network and phone number, as the `MobileMoney` schema decodes it.
 *
 * @since 0.1.0
 */
export interface MobileMoney extends Schema.Schema.Type<typeof MobileMoney> {}

/**
 * A saved payment method. `type` keeps values this SDK does not know yet; `customer_id` is
 * `null` once detached.
 *
 * @since 0.1.0
 */
export const PaymentMethod = Schema.Struct({
  id: Schema.String,
  customer_id: Schema.NullOr(Schema.String),
  type: openEnum(Enums.PAYMENT_METHOD_TYPES),
  card: nullByDefault(Card),
  mobile_money: nullByDefault(MobileMoney),
  created_at: Timestamp
}).annotations({ identifier: "PaymentMethod" })
/**
 * A saved payment method, as the `PaymentMethod` schema decodes it.
 *
 * @since 0.1.0
 */
export interface PaymentMethod extends Schema.Schema.Type<typeof PaymentMethod> {}

const customerFields = {
  id: Schema.String,
  email: Schema.String,
  name: nullByDefault(Schema.String),
  phone: nullByDefault(Schema.String),
  currency: Schema.optionalWith(Schema.String, { default: () => "GHS" }),
  metadata: Schema.optionalWith(Metadata, { default: () => ({}) }),
  created_at: Timestamp
}

/**
 * A customer, as create, update and list answer it.
 *
 * @since 0.1.0
 */
export const Customer = Schema.Struct(customerFields).annotations({ identifier: "Customer" })
/**
 * A customer, as the `Customer` schema decodes it.
 *
 * @since 0.1.0
 */
export interface Customer extends Schema.Schema.Type<typeof Customer> {}

/**
 * A customer with its subscriptions and saved payment methods, as `GET /customers/:id` answers.
 *
 * @since 0.1.0
 */
export const CustomerDetails = Schema.Struct({
  ...customerFields,
  subscriptions: Schema.optionalWith(Schema.Array(Subscription), { default: () => [] }),
  payment_methods: Schema.optionalWith(Schema.Array(PaymentMethod), { default: () => [] })
}).annotations({ identifier: "CustomerDetails" })
/**
 * A customer with its subscriptions and payment methods, as the `CustomerDetails` schema decodes it.
 *
 * @since 0.1.0
 */
export interface CustomerDetails extends Schema.Schema.Type<typeof CustomerDetails> {}

/**
 * What `DELETE /customers/:id` answers.
 *
 * @since 0.1.0
 */
export const DeletedCustomer = Schema.Struct({
  id: Schema.String,
  deleted: Schema.Literal(true)
}).annotations({ identifier: "DeletedCustomer" })
/**
 * What `Customers.delete` answers, as the `DeletedCustomer` schema decodes it.
 *
 * @since 0.1.0
 */
export interface DeletedCustomer extends Schema.Schema.Type<typeof DeletedCustomer> {}

/**
 * A setup intent: send the customer to `setup_url` to save a payment method.
 *
 * @since 0.1.0
 */
export const SetupIntent = Schema.Struct({
  id: Schema.String,
  customer_id: Schema.String,
  setup_url: Schema.String,
  expires_at: Timestamp
}).annotations({ identifier: "SetupIntent" })
/**
 * A setup intent, as the `SetupIntent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface SetupIntent extends Schema.Schema.Type<typeof SetupIntent> {}

/**
 * A customer-portal session: send the customer to `url`.
 *
 * @since 0.1.0
 */
export const PortalSession = Schema.Struct({
  id: Schema.String,
  url: Schema.String,
  expires_at: Timestamp
}).annotations({ identifier: "PortalSession" })
/**
 * A customer-portal session, as the `PortalSession` schema decodes it.
 *
 * @since 0.1.0
 */
export interface PortalSession extends Schema.Schema.Type<typeof PortalSession> {}

/**
 * The `pagination` part of a list answer. `previous_cursor` and `total_count` may be missing.
 *
 * @since 0.1.0
 */
export const Pagination = Schema.Struct({
  has_more: Schema.Boolean,
  next_cursor: nullByDefault(Schema.String),
  previous_cursor: nullByDefault(Schema.String),
  total_count: nullByDefault(Schema.Number)
}).annotations({ identifier: "Pagination" })
/**
 * The `pagination` part of a list answer, as the `Pagination` schema decodes it.
 *
 * @since 0.1.0
 */
export interface Pagination extends Schema.Schema.Type<typeof Pagination> {}

/**
 * One page of a list.
 *
 * @since 0.1.0
 */
export interface Page<A> {
  /** The items of this page, in list order. */
  readonly data: ReadonlyArray<A>
  /** Whether more pages follow, and the cursor to fetch the next one. */
  readonly pagination: Pagination
}

/**
 * The schema of a page of `item`.
 *
 * @since 0.1.0
 */
export const Page = <A, I>(item: Schema.Schema<A, I>) =>
  Schema.Struct({ data: Schema.Array(item), pagination: Pagination })

/**
 * The schema of a page of customers, as `GET /customers` answers.
 *
 * @since 0.1.0
 */
export const CustomerPage = Page(Customer).annotations({ identifier: "CustomerPage" })
/**
 * The schema of a page of payment methods, as `GET /payment-methods` answers.
 *
 * @since 0.1.0
 */
export const PaymentMethodPage = Page(PaymentMethod).annotations({ identifier: "PaymentMethodPage" })

/**
 * The error envelope every failed request answers with.
 *
 * @since 0.1.0
 */
export const ErrorEnvelope = Schema.Struct({
  error: Schema.Struct({
    code: Schema.String,
    message: Schema.String,
    param: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
    doc_url: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null })
  })
}).annotations({ identifier: "ErrorEnvelope" })
/**
 * The error envelope of a failed request, as the `ErrorEnvelope` schema decodes it.
 *
 * @since 0.1.0
 */
export interface ErrorEnvelope extends Schema.Schema.Type<typeof ErrorEnvelope> {}

// ---------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------

/**
 * `Customers.create` parameters, the body of `POST /customers`.
 *
 * @since 0.1.0
 */
export const CustomerCreateParams = Schema.Struct({
  email: Email,
  name: Schema.optional(Schema.String),
  phone: Schema.optional(E164Phone),
  currency: Schema.optional(CurrencyCode),
  metadata: Schema.optional(Metadata)
}).annotations({ identifier: "CustomerCreateParams" })
/**
 * What `Customers.create` takes.
 *
 * @since 0.1.0
 */
export interface CustomerCreateParams extends Schema.Schema.Type<typeof CustomerCreateParams> {}

/**
 * `Customers.update` parameters, the body of `PATCH /customers/:id`. Only the fields sent change;
 * `null` clears `name` or `phone`; a `metadata` key set to `null` is removed.
 *
 * @since 0.1.0
 */
export const CustomerUpdateParams = Schema.Struct({
  email: Schema.optional(Email),
  name: Schema.optional(Schema.NullOr(Schema.String)),
  phone: Schema.optional(Schema.NullOr(E164Phone)),
  currency: Schema.optional(CurrencyCode),
  metadata: Schema.optional(MetadataPatch)
}).annotations({ identifier: "CustomerUpdateParams" })
/**
 * What `Customers.update` takes.
 *
 * @since 0.1.0
 */
export interface CustomerUpdateParams extends Schema.Schema.Type<typeof CustomerUpdateParams> {}

const pageQueryFields = {
  limit: Schema.optional(PageLimit),
  after: Schema.optional(Schema.String),
  before: Schema.optional(Schema.String)
}

/**
 * `Customers.listPage` parameters, the query of `GET /customers`.
 *
 * @since 0.1.0
 */
export const CustomerListParams = Schema.Struct({
  email: Schema.optional(Schema.String),
  ...pageQueryFields
}).annotations({ identifier: "CustomerListParams" })
/**
 * What `Customers.listPage` and `Customers.list` take.
 *
 * @since 0.1.0
 */
export interface CustomerListParams extends Schema.Schema.Type<typeof CustomerListParams> {}

/**
 * `PaymentMethods.listPage` parameters, the query of `GET /payment-methods`.
 *
 * @since 0.1.0
 */
export const PaymentMethodListParams = Schema.Struct({
  customer_id: ObjectId,
  ...pageQueryFields
}).annotations({ identifier: "PaymentMethodListParams" })
/**
 * What `PaymentMethods.listPage` and `PaymentMethods.list` take.
 *
 * @since 0.1.0
 */
export interface PaymentMethodListParams extends Schema.Schema.Type<typeof PaymentMethodListParams> {}

/**
 * What a `list` stream takes beyond one page's parameters.
 *
 * @since 0.1.0
 */
export interface StreamOptions {
  /** How many pages to fetch ahead of the consumer, in order. 0 (the default) is fully lazy. */
  readonly prefetch?: number
}

/**
 * `SetupIntents.create` parameters, the body of `POST /setup-intents`.
 *
 * @since 0.1.0
 */
export const SetupIntentCreateParams = Schema.Struct({
  customer_id: ObjectId
}).annotations({ identifier: "SetupIntentCreateParams" })
/**
 * What `SetupIntents.create` takes.
 *
 * @since 0.1.0
 */
export interface SetupIntentCreateParams extends Schema.Schema.Type<typeof SetupIntentCreateParams> {}

/**
 * `CustomerPortal.createSession` parameters, the body of `POST /customer-portal/sessions`.
 *
 * @since 0.1.0
 */
export const PortalSessionCreateParams = Schema.Struct({
  customer_id: ObjectId,
  return_url: HttpUrl
}).annotations({ identifier: "PortalSessionCreateParams" })
/**
 * What `CustomerPortal.createSession` takes.
 *
 * @since 0.1.0
 */
export interface PortalSessionCreateParams extends Schema.Schema.Type<typeof PortalSessionCreateParams> {}

// ---------------------------------------------------------------------------------------------
// Webhooks and events
// ---------------------------------------------------------------------------------------------

/**
 * Where a webhook endpoint receives events: an absolute https URL, or plain http only to a
 * loopback host (`localhost`, 127.0.0.0/8, `[::1]`), for local development.
 *
 * @since 0.1.0
 */
export const WebhookUrl = ruled(Schema.String, Rules.webhookUrl, "WebhookUrl")

/**
 * A webhook endpoint: where Xtopay POSTs the events whose type `events` holds (`[]`: every
 * event). `status` keeps values this SDK does not know yet.
 *
 * @since 0.1.0
 */
export const WebhookEndpoint = Schema.Struct({
  id: Schema.String,
  url: Schema.String,
  events: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  status: openEnum(Enums.WEBHOOK_ENDPOINT_STATUSES),
  description: nullByDefault(Schema.String),
  created_at: Timestamp
}).annotations({ identifier: "WebhookEndpoint" })
/**
 * A webhook endpoint, as the `WebhookEndpoint` schema decodes it.
 *
 * @since 0.1.0
 */
export interface WebhookEndpoint extends Schema.Schema.Type<typeof WebhookEndpoint> {}

/**
 * What `DELETE /webhook-endpoints/:id` answers.
 *
 * @since 0.1.0
 */
export const DeletedWebhookEndpoint = Schema.Struct({
  id: Schema.String,
  deleted: Schema.Literal(true)
}).annotations({ identifier: "DeletedWebhookEndpoint" })
/**
 * What `WebhookEndpoints.delete` answers, as the `DeletedWebhookEndpoint` schema decodes it.
 *
 * @since 0.1.0
 */
export interface DeletedWebhookEndpoint extends Schema.Schema.Type<typeof DeletedWebhookEndpoint> {}

/**
 * One attempt to deliver an event to an endpoint. `response_body` holds at most the first 1 KB
 * of the answer; `next_retry_at` is `null` once no retry is due. `status` keeps values this SDK
 * does not know yet.
 *
 * @since 0.1.0
 */
export const DeliveryAttempt = Schema.Struct({
  id: Schema.String,
  event_id: Schema.String,
  endpoint_id: Schema.String,
  status: openEnum(Enums.DELIVERY_ATTEMPT_STATUSES),
  response_status: nullByDefault(Schema.Number),
  response_body: nullByDefault(Schema.String),
  attempted_at: Timestamp,
  next_retry_at: nullByDefault(Timestamp)
}).annotations({ identifier: "DeliveryAttempt" })
/**
 * One delivery attempt, as the `DeliveryAttempt` schema decodes it.
 *
 * @since 0.1.0
 */
export interface DeliveryAttempt extends Schema.Schema.Type<typeof DeliveryAttempt> {}

/**
 * The event types this version of the SDK knows, each with a typed `data`.
 *
 * @since 0.1.0
 */
export const KnownEventType = Schema.Literal(
  "customer.created",
  "customer.updated",
  "customer.deleted",
  "customer.payment_method_added",
  "customer.payment_method_updated",
  "customer.payment_method_removed"
).annotations({ identifier: "KnownEventType" })
/**
 * An event type this version of the SDK knows.
 *
 * @since 0.1.0
 */
export type KnownEventType = Schema.Schema.Type<typeof KnownEventType>

const knownEventTypes: ReadonlySet<string> = new Set(KnownEventType.literals)

const eventOf = <T extends KnownEventType, A, I>(type: T, data: Schema.Schema<A, I>) =>
  Schema.Struct({ id: Schema.String, type: Schema.Literal(type), created_at: Timestamp, data })

/**
 * A `customer.created` event: `data` is the new customer.
 *
 * @since 0.1.0
 */
export const CustomerCreatedEvent = eventOf("customer.created", Customer).annotations({
  identifier: "CustomerCreatedEvent"
})
/**
 * A `customer.created` event, as the `CustomerCreatedEvent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface CustomerCreatedEvent extends Schema.Schema.Type<typeof CustomerCreatedEvent> {}

/**
 * A `customer.updated` event: `data` is the customer after the update.
 *
 * @since 0.1.0
 */
export const CustomerUpdatedEvent = eventOf("customer.updated", Customer).annotations({
  identifier: "CustomerUpdatedEvent"
})
/**
 * A `customer.updated` event, as the `CustomerUpdatedEvent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface CustomerUpdatedEvent extends Schema.Schema.Type<typeof CustomerUpdatedEvent> {}

/**
 * A `customer.deleted` event: `data` is the customer as it was last.
 *
 * @since 0.1.0
 */
export const CustomerDeletedEvent = eventOf("customer.deleted", Customer).annotations({
  identifier: "CustomerDeletedEvent"
})
/**
 * A `customer.deleted` event, as the `CustomerDeletedEvent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface CustomerDeletedEvent extends Schema.Schema.Type<typeof CustomerDeletedEvent> {}

/**
 * A `customer.payment_method_added` event: `data` is the payment method just saved.
 *
 * @since 0.1.0
 */
export const PaymentMethodAddedEvent = eventOf("customer.payment_method_added", PaymentMethod).annotations({
  identifier: "PaymentMethodAddedEvent"
})
/**
 * A `customer.payment_method_added` event, as the `PaymentMethodAddedEvent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface PaymentMethodAddedEvent extends Schema.Schema.Type<typeof PaymentMethodAddedEvent> {}

/**
 * A `customer.payment_method_updated` event: `data` is the payment method after the change.
 *
 * @since 0.1.0
 */
export const PaymentMethodUpdatedEvent = eventOf("customer.payment_method_updated", PaymentMethod).annotations({
  identifier: "PaymentMethodUpdatedEvent"
})
/**
 * A `customer.payment_method_updated` event, as the `PaymentMethodUpdatedEvent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface PaymentMethodUpdatedEvent extends Schema.Schema.Type<typeof PaymentMethodUpdatedEvent> {}

/**
 * A `customer.payment_method_removed` event: `data` is the payment method, detached
 * (`customer_id: null`).
 *
 * @since 0.1.0
 */
export const PaymentMethodRemovedEvent = eventOf("customer.payment_method_removed", PaymentMethod).annotations({
  identifier: "PaymentMethodRemovedEvent"
})
/**
 * A `customer.payment_method_removed` event, as the `PaymentMethodRemovedEvent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface PaymentMethodRemovedEvent extends Schema.Schema.Type<typeof PaymentMethodRemovedEvent> {}

declare const UnknownEventTypeId: unique symbol

/**
 * The `type` of an event this version of the SDK does not know (`subscription.created`, …). At
 * run time it is the string Xtopay sent: string methods, `String(type)` and template literals
 * work. Its type is not `string` so that `switch (event.type)` narrows each known case to its
 * member (a `string` member would stay in every case and make `data` unknown there too).
 *
 * @since 0.1.0
 */
export interface UnknownEventType extends String {
  readonly [UnknownEventTypeId]: typeof UnknownEventTypeId
}

// A string that is not a known type; typed as `UnknownEventType` (see above), the value is unchanged.
const UnknownEventTypeSchema = Schema.String.pipe(
  Schema.filter((type) => !knownEventTypes.has(type), { identifier: "UnknownEventType" })
) as unknown as Schema.Schema<UnknownEventType, string>

/**
 * An event of a type this version of the SDK does not know: kept as an event, with `data` as
 * the JSON Xtopay sent.
 *
 * @since 0.1.0
 */
export const UnknownEvent = Schema.Struct({
  id: Schema.String,
  type: UnknownEventTypeSchema,
  created_at: Timestamp,
  data: Schema.Unknown
}).annotations({ identifier: "UnknownEvent" })
/**
 * An event of a type this version does not know, as the `UnknownEvent` schema decodes it.
 *
 * @since 0.1.0
 */
export interface UnknownEvent extends Schema.Schema.Type<typeof UnknownEvent> {}

/**
 * An event, as deliveries, `GET /events` and `GET /events/:id` carry it. `switch (event.type)`
 * gives each known type its typed `data`; any other type is an `UnknownEvent`. A known type
 * whose `data` does not decode is a decode failure, never an `UnknownEvent`.
 *
 * @since 0.1.0
 */
export type XtopayEvent =
  | CustomerCreatedEvent
  | CustomerUpdatedEvent
  | CustomerDeletedEvent
  | PaymentMethodAddedEvent
  | PaymentMethodUpdatedEvent
  | PaymentMethodRemovedEvent
  | UnknownEvent

const XtopayEventUnion = Schema.Union(
  CustomerCreatedEvent,
  CustomerUpdatedEvent,
  CustomerDeletedEvent,
  PaymentMethodAddedEvent,
  PaymentMethodUpdatedEvent,
  PaymentMethodRemovedEvent,
  UnknownEvent
)

/**
 * The schema of an event: a union discriminated by `type`.
 *
 * @since 0.1.0
 */
export const XtopayEvent: Schema.Schema<XtopayEvent, Schema.Schema.Encoded<typeof XtopayEventUnion>> =
  XtopayEventUnion.annotations({ identifier: "XtopayEvent" })

/**
 * The schema of a page of webhook endpoints, as `GET /webhook-endpoints` answers.
 *
 * @since 0.1.0
 */
export const WebhookEndpointPage = Page(WebhookEndpoint).annotations({ identifier: "WebhookEndpointPage" })
/**
 * The schema of a page of events, as `GET /events` answers.
 *
 * @since 0.1.0
 */
export const EventPage = Page(XtopayEvent).annotations({ identifier: "EventPage" })
/**
 * The schema of a page of delivery attempts, as `GET /events/:id/delivery-attempts` answers.
 *
 * @since 0.1.0
 */
export const DeliveryAttemptPage = Page(DeliveryAttempt).annotations({ identifier: "DeliveryAttemptPage" })

/**
 * `WebhookEndpoints.create` parameters, the body of `POST /webhook-endpoints`. `events` omitted
 * or `[]` subscribes to every event.
 *
 * @since 0.1.0
 */
export const WebhookEndpointCreateParams = Schema.Struct({
  url: WebhookUrl,
  events: Schema.optional(Schema.Array(Schema.String)),
  description: Schema.optional(Schema.String)
}).annotations({ identifier: "WebhookEndpointCreateParams" })
/**
 * What `WebhookEndpoints.create` takes.
 *
 * @since 0.1.0
 */
export interface WebhookEndpointCreateParams extends Schema.Schema.Type<typeof WebhookEndpointCreateParams> {}

/**
 * `WebhookEndpoints.update` parameters, the body of `PATCH /webhook-endpoints/:id`. Only the
 * fields sent change; `null` clears `description`.
 *
 * @since 0.1.0
 */
export const WebhookEndpointUpdateParams = Schema.Struct({
  url: Schema.optional(WebhookUrl),
  events: Schema.optional(Schema.Array(Schema.String)),
  description: Schema.optional(Schema.NullOr(Schema.String)),
  status: Schema.optional(Schema.Literal("active", "disabled"))
}).annotations({ identifier: "WebhookEndpointUpdateParams" })
/**
 * What `WebhookEndpoints.update` takes.
 *
 * @since 0.1.0
 */
export interface WebhookEndpointUpdateParams extends Schema.Schema.Type<typeof WebhookEndpointUpdateParams> {}

/**
 * `WebhookEndpoints.listPage` parameters, the query of `GET /webhook-endpoints`.
 *
 * @since 0.1.0
 */
export const WebhookEndpointListParams = Schema.Struct(pageQueryFields).annotations({
  identifier: "WebhookEndpointListParams"
})
/**
 * What `WebhookEndpoints.listPage` and `WebhookEndpoints.list` take.
 *
 * @since 0.1.0
 */
export interface WebhookEndpointListParams extends Schema.Schema.Type<typeof WebhookEndpointListParams> {}

/**
 * `Events.listPage` parameters, the query of `GET /events`: one `type`, and a time window
 * (`created_after`, `created_before`, ISO timestamps on the wire).
 *
 * @since 0.1.0
 */
export const EventListParams = Schema.Struct({
  type: Schema.optional(Schema.String),
  created_after: Schema.optional(Timestamp),
  created_before: Schema.optional(Timestamp),
  limit: Schema.optional(PageLimit),
  after: Schema.optional(Schema.String)
}).annotations({ identifier: "EventListParams" })
/**
 * What `Events.listPage` and `Events.list` take.
 *
 * @since 0.1.0
 */
export interface EventListParams extends Schema.Schema.Type<typeof EventListParams> {}

/**
 * `Events.deliveryAttempts` parameters, the query of `GET /events/:id/delivery-attempts`.
 *
 * @since 0.1.0
 */
export const DeliveryAttemptListParams = Schema.Struct({
  limit: Schema.optional(PageLimit),
  after: Schema.optional(Schema.String)
}).annotations({ identifier: "DeliveryAttemptListParams" })
/**
 * What `Events.deliveryAttempts` takes.
 *
 * @since 0.1.0
 */
export interface DeliveryAttemptListParams extends Schema.Schema.Type<typeof DeliveryAttemptListParams> {}
