/**
 * The Effect 4 schemas against the wire examples the Effect 3 edition's tests use: the same JSON
 * decodes to the same values, what is decoded encodes back as Xtopay prints it, fields the real
 * API may leave out get the same defaults, and bad input is refused with core's words.
 */
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Result, Schema } from "effect"
import * as Rules from "#core/rules.js"
import * as S from "../src/Schemas.js"
import {
  activeSubscription,
  cardPaymentMethod,
  customerCreatedEvent,
  customerDetails,
  deliveryAttempt,
  futurePaymentMethod,
  futureSubscription,
  listedCustomer,
  momoPaymentMethod,
  page,
  referenceCustomer,
  referencePortalSession,
  referenceSetupIntent,
  utc,
  webhookEndpoint
} from "./fixtures.js"
import { refusals } from "./support/cases.js"
import { firstIssue } from "./support/issues.js"

type Codec = Schema.Codec<any, any>

const decode = <C extends Codec>(schema: C, input: unknown): C["Type"] => Schema.decodeUnknownSync(schema)(input)
/** Decoded, then encoded and printed: what the edition would send or store. */
const wireOf = (schema: Codec, input: unknown): unknown => JSON.parse(JSON.stringify(Schema.encodeSync(schema)(decode(schema, input))))
const millis = (dateTime: DateTime.Utc) => DateTime.toEpochMillis(dateTime)

describe("wire examples decode to the same values as in the Effect 3 edition", () => {
  it("the reference's customer, with the defaults for what it leaves out", () => {
    const customer = decode(S.Customer, JSON.parse(referenceCustomer))
    assert.deepStrictEqual({ ...customer, created_at: millis(customer.created_at) }, {
      id: "cus_a1b2c3",
      email: "ama@example.com",
      name: "Ama Owusu",
      phone: null,
      currency: "GHS",
      metadata: {},
      created_at: Date.UTC(2026, 4, 24, 10)
    })
    assert.isTrue(DateTime.isUtc(customer.created_at))
    assert.deepStrictEqual(wireOf(S.Customer, JSON.parse(referenceCustomer)), { ...JSON.parse(referenceCustomer), metadata: {} })
  })

  it("the reference's setup intent and portal session", () => {
    const intent = decode(S.SetupIntent, JSON.parse(referenceSetupIntent))
    assert.strictEqual(intent.setup_url, "https://checkout.xtopay.co/setup/tok_xyz")
    assert.strictEqual(millis(intent.expires_at), Date.UTC(2026, 4, 24, 10, 30))
    assert.deepStrictEqual(wireOf(S.SetupIntent, JSON.parse(referenceSetupIntent)), JSON.parse(referenceSetupIntent))
    const session = decode(S.PortalSession, JSON.parse(referencePortalSession))
    assert.strictEqual(session.url, "https://billing.xtopay.co/portal/sess_xyz")
    assert.deepStrictEqual(wireOf(S.PortalSession, JSON.parse(referencePortalSession)), JSON.parse(referencePortalSession))
  })

  it("a customer's details: subscriptions and payment methods, values this version does not know kept", () => {
    const details = decode(S.CustomerDetails, customerDetails)
    assert.deepStrictEqual(details.metadata, { plan: "basic" })
    assert.deepStrictEqual(details.subscriptions.map((s) => s.status), ["active", "incomplete_expired"])
    assert.strictEqual(details.subscriptions[1]!.current_period_end, null)
    assert.strictEqual(millis(details.subscriptions[0]!.current_period_end!), Date.UTC(2026, 5, 24, 10))
    assert.deepStrictEqual(details.payment_methods.map((m) => m.type), ["card", "mobile_money", "bank_account"])
    assert.deepStrictEqual(details.payment_methods[0]!.card, cardPaymentMethod.card)
    assert.deepStrictEqual(details.payment_methods[1]!.mobile_money, momoPaymentMethod.mobile_money)
    // A key the shape does not name is dropped, as the Effect 3 schema drops it.
    assert.notProperty(details.payment_methods[2]!, "bank_account")
    const { bank_account: _, ...futureKnown } = futurePaymentMethod
    assert.deepStrictEqual(wireOf(S.CustomerDetails, customerDetails), {
      ...customerDetails,
      subscriptions: [activeSubscription, futureSubscription],
      payment_methods: [cardPaymentMethod, momoPaymentMethod, futureKnown]
    })
  })

  it("a list page, and a pagination that leaves out previous_cursor and total_count", () => {
    const wire = page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_2" })
    const decoded = decode(S.CustomerPage, wire)
    assert.deepStrictEqual(decoded.data.map((c) => c.id), ["cus_1", "cus_2"])
    assert.deepStrictEqual(decoded.pagination, { has_more: true, next_cursor: "cur_2", previous_cursor: null, total_count: 247 })
    assert.deepStrictEqual(wireOf(S.CustomerPage, wire), wire)
    assert.deepStrictEqual(decode(S.Pagination, { has_more: false }), {
      has_more: false,
      next_cursor: null,
      previous_cursor: null,
      total_count: null
    })
  })

  it("a webhook endpoint, an event and delivery attempts", () => {
    assert.deepStrictEqual(wireOf(S.WebhookEndpoint, webhookEndpoint), webhookEndpoint)
    assert.deepStrictEqual(decode(S.WebhookEndpoint, { ...webhookEndpoint, events: undefined, description: undefined }).events, [])
    const event = decode(S.XtopayEvent, customerCreatedEvent)
    assert.strictEqual(event.type, "customer.created")
    assert.deepStrictEqual(wireOf(S.XtopayEvent, customerCreatedEvent), customerCreatedEvent)
    const attempts = [deliveryAttempt("da_1", "failed", "2026-05-24T10:01:01Z"), deliveryAttempt("da_2", "succeeded", null)]
    const decoded = decode(S.DeliveryAttemptPage, { data: attempts, pagination: { has_more: false } })
    assert.deepStrictEqual(decoded.data.map((a) => [a.status, a.response_status]), [["failed", 500], ["succeeded", 200]])
    assert.strictEqual(millis(decoded.data[0]!.next_retry_at!), Date.UTC(2026, 4, 24, 10, 1, 1))
    assert.deepStrictEqual(wireOf(S.DeliveryAttempt, attempts[0]), attempts[0])
    assert.deepStrictEqual(wireOf(S.DeletedCustomer, { id: "cus_1", deleted: true }), { id: "cus_1", deleted: true })
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(S.DeletedCustomer)({ id: "cus_1", deleted: false })))
  })

  it("fields the real API may leave out get the Effect 3 edition's defaults", () => {
    const decoded = decode(S.CustomerDetails, { id: "cus_1", email: "a@b.co", created_at: "2026-05-24T10:00:00Z" })
    assert.strictEqual(decoded.name, null)
    assert.strictEqual(decoded.phone, null)
    assert.strictEqual(decoded.currency, "GHS")
    assert.deepStrictEqual(decoded.metadata, {})
    assert.deepStrictEqual(decoded.subscriptions, [])
    assert.deepStrictEqual(decoded.payment_methods, [])
    const subscription = decode(S.Subscription, { id: "sub_1", status: "active", plan_id: "p", created_at: "2026-05-24T10:00:00Z" })
    assert.strictEqual(subscription.cancel_at_period_end, false)
    assert.strictEqual(subscription.current_period_end, null)
    assert.deepStrictEqual(decode(S.ErrorEnvelope, { error: { code: "c", message: "m" } }), {
      error: { code: "c", message: "m", param: null, doc_url: null }
    })
  })

  it("a missing required field, a wrong type or a bad timestamp is refused", () => {
    const customer = JSON.parse(referenceCustomer)
    const { email: _, ...withoutEmail } = customer
    for (const body of [withoutEmail, { ...customer, email: 42 }, { ...customer, created_at: "yesterday" }, [customer], null]) {
      assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(S.Customer)(body)), JSON.stringify(body))
    }
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(S.CustomerPage)({ data: [customer], pagination: { next_cursor: null } })))
  })
})

describe("what is encoded decodes to a value that encodes to the same JSON", () => {
  const shapes = {
    Customer: S.Customer,
    CustomerDetails: S.CustomerDetails,
    CustomerPage: S.CustomerPage,
    PaymentMethod: S.PaymentMethod,
    PaymentMethodPage: S.PaymentMethodPage,
    WebhookEndpoint: S.WebhookEndpoint,
    DeliveryAttempt: S.DeliveryAttempt,
    XtopayEvent: S.XtopayEvent
  }
  for (const [name, schema] of Object.entries(shapes) as Array<[string, Codec]>) {
    it.prop(name, { value: schema }, ({ value }) => {
      const wire = JSON.stringify(Schema.encodeSync(schema)(value))
      const decoded = Schema.decodeUnknownResult(schema)(JSON.parse(wire))
      // (A year past 9999 encodes to a string the schema refuses, as in the Effect 3 edition; JSON has no -0, hence the comparison as JSON.)
      if (Result.isSuccess(decoded)) assert.strictEqual(JSON.stringify(Schema.encodeSync(schema)(decoded.success)), wire)
    }, { arbitrary: { runs: 100 } })
  }
})

describe("reading timestamps, as the Effect 3 edition reads them", () => {
  const read = Schema.decodeUnknownResult(S.Timestamp)
  const millisOf = (input: string) => Result.getOrUndefined(Result.map(read(input), DateTime.toEpochMillis))

  it("reads Xtopay's form, with or without milliseconds, and any ISO 8601 offset", () => {
    assert.strictEqual(millisOf("2026-05-24T10:00:00Z"), Date.UTC(2026, 4, 24, 10))
    assert.strictEqual(millisOf("2026-05-24T10:00:00.123Z"), Date.UTC(2026, 4, 24, 10, 0, 0, 123))
    assert.strictEqual(millisOf("2026-05-24T12:00:00+02:00"), Date.UTC(2026, 4, 24, 10))
    assert.strictEqual(millisOf("2024-02-29T12:00:00Z"), Date.UTC(2024, 1, 29, 12))
    assert.strictEqual(millisOf("2026-05-24"), Date.UTC(2026, 4, 24))
  })

  it("a time without an offset is UTC, never this machine's local time", () => {
    assert.strictEqual(millisOf("2026-05-24T10:00:00"), Date.UTC(2026, 4, 24, 10))
  })

  it("refuses what is not an ISO 8601 timestamp, saying so", () => {
    for (const input of ["2026-13-01T00:00:00Z", "24 May 2026", "1779616800", "", "2026-05-24T10:00:00Zjunk", "2026-05-24T10:00:00,123Z"]) {
      assert.deepStrictEqual(firstIssue(S.Timestamp, input), { path: [], message: `Expected an ISO 8601 timestamp, got ${JSON.stringify(input)}` })
    }
    assert.isTrue(Result.isFailure(read(1779616800)))
  })

  it("encodes without milliseconds when they are zero, as Xtopay prints them", () => {
    assert.strictEqual(Schema.encodeSync(S.Timestamp)(utc("2026-05-24T10:00:00Z")), "2026-05-24T10:00:00Z")
    assert.strictEqual(Schema.encodeSync(S.Timestamp)(DateTime.makeUnsafe(Date.UTC(2026, 4, 24, 10, 0, 0, 5))), "2026-05-24T10:00:00.005Z")
  })
})

describe("scalars refuse what core's rules refuse, with core's words", () => {
  for (const { bad, good, name, rule, schema } of refusals) {
    it(name, () => {
      for (const value of bad) {
        const words = rule(value)
        assert.isString(words, `core's rule refuses ${JSON.stringify(value)}`)
        assert.deepStrictEqual(firstIssue(schema, value), { path: [], message: words! }, JSON.stringify(value))
      }
      for (const value of good) assert.isUndefined(firstIssue(schema, value), JSON.stringify(value))
      assert.strictEqual(Schema.resolveAnnotations(schema)?.identifier, name)
    })
  }

  it("a value that breaks two rules is told only the first, as an Effect 3 filter stops at the first", () => {
    const result = Schema.decodeUnknownResult(S.WebhookEndpointId)("evt 1", { errors: "all" })
    assert.isTrue(Result.isFailure(result))
    if (Result.isFailure(result)) assert.strictEqual(result.failure.message, Rules.objectId("evt 1"))
  })

  it("inside a request's parameters, the path names the field", () => {
    assert.deepStrictEqual(firstIssue(S.CustomerCreateParams, { email: "ama@" }), { path: ["email"], message: Rules.email("ama@")! })
    assert.deepStrictEqual(firstIssue(S.CustomerUpdateParams, { phone: "0244000000" }), { path: ["phone"], message: Rules.e164Phone("0244000000")! })
    assert.deepStrictEqual(firstIssue(S.PortalSessionCreateParams, { customer_id: "cus_1", return_url: "/back" }), {
      path: ["return_url"],
      message: Rules.httpUrl("/back")!
    })
    assert.deepStrictEqual(firstIssue(S.CustomerListParams, { limit: 0 }), { path: ["limit"], message: Rules.pageLimit(0)! })
    assert.deepStrictEqual(firstIssue(S.WebhookEndpointCreateParams, { url: "http://shop.example/h" })?.path, ["url"])
    assert.deepStrictEqual(firstIssue(S.SetupIntentCreateParams, {})?.path, ["customer_id"])
  })

  it("metadata values are strings; on an update a null removes the key", () => {
    for (const metadata of [{ n: 1 }, { n: null }, { n: {} }, ["x"]]) {
      assert.deepStrictEqual(firstIssue(S.CustomerCreateParams, { email: "a@example.com", metadata })?.path[0], "metadata")
    }
    assert.isUndefined(firstIssue(S.CustomerUpdateParams, { metadata: { plan: null, tier: "gold" } }))
    assert.deepStrictEqual(firstIssue(S.CustomerUpdateParams, { metadata: { n: true } })?.path[0], "metadata")
    // What is left out stays out: an update sends only the fields it names.
    assert.deepStrictEqual(decode(S.CustomerUpdateParams, { name: null }), { name: null })
  })

  it("a __proto__ metadata key is refused at its path in core's words, whether decoded or encoded (issue 25.8)", () => {
    const words = Rules.metadataKey("__proto__")!
    const customer = (metadata: string) =>
      JSON.parse(`{"id":"cus_1","email":"a@b.co","metadata":${metadata},"created_at":"2026-05-24T10:00:00Z"}`)
    assert.deepStrictEqual(firstIssue(S.Customer, customer(`{"a":"b","__proto__":"x"}`)), { path: ["metadata", "__proto__"], message: words })
    // An object value is refused there too, as a value that is not a string.
    assert.deepStrictEqual(firstIssue(S.Customer, customer(`{"__proto__":{"polluted":"yes"}}`))?.path, ["metadata", "__proto__"])
    assert.deepStrictEqual(firstIssue(S.CustomerUpdateParams, JSON.parse('{"metadata":{"__proto__":null,"a":null}}')), {
      path: ["metadata", "__proto__"],
      message: words
    })
    assert.isTrue(Result.isFailure(Schema.encodeUnknownResult(S.Metadata)(JSON.parse('{"__proto__":"x","a":"b"}'))))
    assert.isUndefined(firstIssue(S.Metadata, { a: "b", proto: "x", constructor: "y" }))
  })

  it("a webhook endpoint's status on update is one of the two the API takes", () => {
    assert.isUndefined(firstIssue(S.WebhookEndpointUpdateParams, { status: "disabled" }))
    assert.deepStrictEqual(firstIssue(S.WebhookEndpointUpdateParams, { status: "paused" })?.path, ["status"])
  })

  it("an event list's time window goes on the wire as ISO timestamps", () => {
    const query = Schema.encodeSync(S.EventListParams)({ created_after: utc("2026-05-24T10:00:00Z"), limit: 10 })
    assert.deepStrictEqual(query, { created_after: "2026-05-24T10:00:00Z", limit: 10 })
  })
})

describe("events: a union discriminated by type", () => {
  const customer = listedCustomer(1)
  const at = "2026-05-24T10:00:01Z"

  it("each known type decodes to its member, with its typed data", () => {
    const known = [
      ["customer.created", customer],
      ["customer.updated", customer],
      ["customer.deleted", customer],
      ["customer.payment_method_added", cardPaymentMethod],
      ["customer.payment_method_updated", momoPaymentMethod],
      ["customer.payment_method_removed", { ...cardPaymentMethod, customer_id: null }]
    ] as const
    for (const [type, data] of known) {
      const event = decode(S.XtopayEvent, { id: "evt_1", type, created_at: at, data })
      assert.strictEqual(event.type, type)
      // Typed data is decoded data: a timestamp becomes a DateTime.
      assert.isTrue(DateTime.isDateTime((event.data as { created_at: unknown }).created_at), type)
    }
    assert.deepStrictEqual<ReadonlyArray<string>>(S.KnownEventType.literals, known.map(([type]) => type))
  })

  it("a type this version does not know is kept, with its data as the JSON that came", () => {
    const wire = { id: "evt_2", type: "subscription.created", created_at: at, data: { id: "sub_1", nested: [1, { a: null }] } }
    const event = decode(S.XtopayEvent, wire)
    assert.strictEqual(String(event.type), "subscription.created")
    assert.deepStrictEqual(event.data, wire.data)
    assert.deepStrictEqual(wireOf(S.XtopayEvent, wire), wire)
  })

  it("a known type whose data does not decode is a failure, never an UnknownEvent", () => {
    const bad = { id: "evt_3", type: "customer.deleted", created_at: at, data: { id: "cus_1" } }
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(S.XtopayEvent)(bad)))
    assert.isTrue(Result.isFailure(Schema.decodeUnknownResult(S.UnknownEvent)(customerCreatedEvent)))
  })
})
