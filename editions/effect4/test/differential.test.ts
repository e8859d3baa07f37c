/**
 * Both editions' schemas against the same JSON: the Effect 3 edition's, from its source on its own
 * Effect 3 in a separate process, and this edition's. For every case both take it and encode it
 * to the same JSON, or both refuse it; a value a core rule refuses is refused at the same path
 * with the same words. The cases: the wire examples, requests good and bad, values generated from
 * each response schema, and those values with one field broken.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { assert, describe, it } from "@effect/vitest"
import { Arbitrary, Effect, Result, Schema } from "effect"
import * as Rules from "#core/rules.js"
import {
  customerCreatedEvent,
  customerDetails,
  deliveryAttempt,
  futurePaymentMethod,
  listedCustomer,
  page,
  referenceCustomer,
  referencePortalSession,
  referenceSetupIntent,
  webhookEndpoint
} from "./fixtures.js"
import { refusals } from "./support/cases.js"
import { type Case, effect3Folder as effect3, effect3Verdicts, effect4Verdict, schemas } from "./support/verdicts.js"

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** A small deterministic generator, so a difference found is found again on the next run. */
const prng = (seed: number) => () => {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}

/** `wire` with one entry of one object or array inside it removed or replaced. */
const breakOne = (wire: unknown, random: () => number): unknown => {
  const copy: unknown = structuredClone(wire)
  const containers: Array<Record<string, unknown>> = []
  const collect = (u: unknown) => {
    if (typeof u === "object" && u !== null) {
      containers.push(u as Record<string, unknown>)
      for (const child of Object.values(u)) collect(child)
    }
  }
  collect(copy)
  const target = containers[Math.floor(random() * containers.length)]
  const keys = target === undefined ? [] : Object.keys(target)
  if (target === undefined || keys.length === 0) return copy
  const key = keys[Math.floor(random() * keys.length)]!
  const replacements: ReadonlyArray<unknown> = [undefined, null, 1, "x", true, [], {}, "2026-13-45T99:99:99Z", "ama@", -0.5]
  const replacement = replacements[Math.floor(random() * replacements.length)]
  if (replacement === undefined) delete target[key]
  else target[key] = replacement
  return copy
}

const responseShapes = [
  "Customer",
  "CustomerDetails",
  "CustomerPage",
  "PaymentMethod",
  "PaymentMethodPage",
  "SetupIntent",
  "PortalSession",
  "WebhookEndpoint",
  "WebhookEndpointPage",
  "DeliveryAttempt",
  "DeliveryAttemptPage",
  "XtopayEvent",
  "EventPage",
  "ErrorEnvelope",
  "DeletedCustomer"
] as const

/** Values generated from each response schema, as the wire would carry them, then each with one field broken. */
const generated = (): ReadonlyArray<Case> => {
  const random = prng(24)
  return responseShapes.flatMap((shape) => {
    const schema = schemas[shape]!
    const values = Effect.runSync(Arbitrary.sampleEffect(Arbitrary.schema(schema), { count: 25, seed: shape }))
    const wires = values.flatMap((value) => {
      const encoded = Schema.encodeResult(schema)(value)
      return Result.isSuccess(encoded) ? [JSON.parse(JSON.stringify(encoded.success)) as unknown] : []
    })
    return wires.flatMap((wire) => [{ shape, input: wire }, { shape, input: breakOne(wire, random) }])
  })
}

const examples: ReadonlyArray<Case> = [
  { shape: "Customer", input: JSON.parse(referenceCustomer) },
  { shape: "Customer", input: { id: "cus_1", email: "a@b.co", created_at: "2026-05-24T10:00:00.5+01:00" } },
  { shape: "Customer", input: { ...listedCustomer(1), loyalty_tier: "gold" } },
  { shape: "Customer", input: JSON.parse('{"id":"cus_1","email":"a@b.co","metadata":{"__proto__":"x","a":"b"},"created_at":"2026-05-24T10:00:00Z"}') },
  { shape: "CustomerUpdateParams", input: JSON.parse('{"metadata":{"__proto__":null,"a":null}}') },
  { shape: "CustomerDetails", input: customerDetails },
  { shape: "CustomerDetails", input: { id: "cus_1", email: "a@b.co", created_at: "2026-05-24T10:00:00Z" } },
  // Every field with a default left out, in each object that has one.
  {
    shape: "CustomerDetails",
    input: {
      id: "cus_1",
      email: "a@b.co",
      created_at: "2026-05-24T10:00:00Z",
      subscriptions: [{ id: "sub_1", status: "active", plan_id: "p", created_at: "2026-05-24T10:00:00Z" }],
      payment_methods: [{ id: "pm_1", customer_id: null, type: "card", created_at: "2026-05-24T10:00:00Z" }]
    }
  },
  { shape: "WebhookEndpoint", input: { id: "we_1", url: "https://shop.example/h", status: "active", created_at: "2026-05-24T10:00:00Z" } },
  {
    shape: "DeliveryAttempt",
    input: { id: "da_1", event_id: "evt_1", endpoint_id: "we_1", status: "failed", attempted_at: "2026-05-24T10:00:00Z" }
  },
  { shape: "PaymentMethod", input: futurePaymentMethod },
  { shape: "CustomerPage", input: page([listedCustomer(1), listedCustomer(2)], { has_more: true, next_cursor: "cur_2" }) },
  { shape: "CustomerPage", input: { data: [listedCustomer(1)], pagination: { has_more: false } } },
  { shape: "SetupIntent", input: JSON.parse(referenceSetupIntent) },
  { shape: "PortalSession", input: JSON.parse(referencePortalSession) },
  { shape: "WebhookEndpoint", input: webhookEndpoint },
  { shape: "WebhookEndpoint", input: { ...webhookEndpoint, events: undefined, description: undefined, status: "paused" } },
  { shape: "XtopayEvent", input: customerCreatedEvent },
  { shape: "XtopayEvent", input: { ...customerCreatedEvent, type: "invoice.paid", data: { nested: [1, { a: null }] } } },
  { shape: "XtopayEvent", input: { ...customerCreatedEvent, type: "customer.deleted", data: { id: "cus_1" } } },
  { shape: "DeliveryAttempt", input: deliveryAttempt("da_1", "failed", "2026-05-24T10:01:01Z") },
  { shape: "DeliveryAttempt", input: deliveryAttempt("da_2", "bounced", null) },
  { shape: "ErrorEnvelope", input: { error: { code: "customer_not_found", message: "No such customer" } } },
  { shape: "DeletedCustomer", input: { id: "cus_1", deleted: false } },
  { shape: "Timestamp", input: "2026-05-24T10:00:00" },
  { shape: "Timestamp", input: "2026-02-30T10:00:00Z" },
  { shape: "Timestamp", input: "24 May 2026" },
  { shape: "CustomerCreateParams", input: { email: "ama@example.com", name: "Ama", phone: "+233244000000", currency: "GHS", metadata: { a: "b" } } },
  { shape: "CustomerCreateParams", input: { email: "ama@" } },
  { shape: "CustomerCreateParams", input: { email: "ama@example.com", metadata: { n: 1 } } },
  { shape: "CustomerCreateParams", input: { name: "Ama" } },
  { shape: "CustomerUpdateParams", input: { name: null, phone: null, metadata: { plan: null } } },
  { shape: "CustomerUpdateParams", input: { phone: "0244000000" } },
  { shape: "CustomerListParams", input: { email: "a@b.co", limit: 10, after: "cur_1" } },
  { shape: "CustomerListParams", input: { limit: 101 } },
  { shape: "PaymentMethodListParams", input: { customer_id: "cus 1" } },
  { shape: "SetupIntentCreateParams", input: { customer_id: "cus_1" } },
  { shape: "PortalSessionCreateParams", input: { customer_id: "cus_1", return_url: "javascript:alert(1)" } },
  { shape: "WebhookEndpointCreateParams", input: { url: "http://localhost:3000/hooks", events: ["customer.created"] } },
  { shape: "WebhookEndpointCreateParams", input: { url: "http://shop.example/hooks" } },
  { shape: "WebhookEndpointUpdateParams", input: { status: "paused" } },
  { shape: "EventListParams", input: { type: "customer.created", created_after: "2026-05-24T10:00:00Z", limit: 5 } },
  { shape: "DeliveryAttemptListParams", input: { limit: 0 } },
  ...refusals.flatMap(({ bad, good, name }) => [...bad, ...good].map((input) => ({ shape: name, input })))
]

/** The names a Schemas module exports (values, interfaces and types), read from its source. */
const exportedNames = (path: string): ReadonlyArray<string> =>
  [...readFileSync(path, "utf8").matchAll(/^export (?:const|interface|type) (\w+)/gm)].map((m) => m[1]!).sort()

describe("the two editions' schemas", () => {
  it("export the same names", () => {
    assert.deepStrictEqual(exportedNames(here("../src/Schemas.ts")), exportedNames(`${effect3}src/Schemas.ts`))
  })

  it("take and refuse the same JSON, encode what they take to the same JSON, and refuse by core's rules in the same words", () => {
    // As JSON, as the Effect 3 process reads them: NaN becomes null there, and so here.
    const cases = JSON.parse(JSON.stringify([...examples, ...generated()])) as ReadonlyArray<Case>
    const theirs = effect3Verdicts(cases)
    assert.strictEqual(theirs.length, cases.length)
    const rules = new Map(refusals.map((r) => [r.name, r]))
    // Core's words where a core rule judged the value; a value of the wrong type is refused in each Effect's own words.
    // A `__proto__` metadata key is judged by core's metadataKey, at its path (issue 25.8).
    const protoKey = ({ input }: Case) => {
      const metadata = typeof input === "object" && input !== null ? (input as { readonly metadata?: unknown }).metadata : undefined
      return typeof metadata === "object" && metadata !== null && Object.hasOwn(metadata, "__proto__")
    }
    const ruleJudges = (c: Case) => {
      const refusal = rules.get(c.shape)
      return (refusal !== undefined && typeof c.input === typeof refusal.good[0]) || protoKey(c)
    }
    const takenShapes = new Set<string>()
    cases.forEach((c, i) => {
      const ours = effect4Verdict(c)
      const label = `${c.shape} ${JSON.stringify(c.input)?.slice(0, 300)}`
      assert.strictEqual(ours.ok, theirs[i]!.ok, `${label}\nEffect 3: ${JSON.stringify(theirs[i])}\nEffect 4: ${JSON.stringify(ours)}`)
      if (ours.ok && theirs[i]!.ok) {
        takenShapes.add(c.shape)
        assert.deepStrictEqual(ours.wire, theirs[i]!.wire, label)
      } else if (ruleJudges(c)) {
        assert.deepStrictEqual(ours, theirs[i], label)
      }
      if (protoKey(c)) assert.deepStrictEqual(theirs[i], { ok: false, path: ["metadata", "__proto__"], message: Rules.metadataKey("__proto__")! }, label)
    })
    // Every response shape had values both took, so its encodings were compared, not only refusals.
    for (const shape of responseShapes) assert.isTrue(takenShapes.has(shape), shape)
  }, 120_000)
})
