/**
 * The two ways to reach the in-memory Xtopay must agree: the same generated command sequence run
 * through `XtopayTest` (in-memory HttpClient) and through the mock server (fetch over loopback)
 * gives the same results and the same recorded requests, ids and timestamps masked.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { DateTime, Effect, Exit, FastCheck as fc, Layer } from "effect"
import { CustomerPortal, Customers, PaymentMethods, SetupIntents, type XtopayClient } from "../../src/index.js"
import { XtopayControl } from "../../src/testing/Control.js"
import { MockServer } from "../../src/testing/server.js"
import { XtopayTest } from "../../src/testing/XtopayTest.js"

type Command =
  | {
    readonly _tag: "Create"
    readonly email: string
    readonly name?: string
    readonly phone?: string
    readonly metadata?: Record<string, string>
    readonly key?: string
  }
  | { readonly _tag: "Retrieve"; readonly customer: number }
  | {
    readonly _tag: "Update"
    readonly customer: number
    readonly name?: string | null
    readonly metadata?: Record<string, string | null>
  }
  | { readonly _tag: "Delete"; readonly customer: number }
  | { readonly _tag: "ListPage"; readonly limit: number; readonly email?: string; readonly next: boolean }
  | { readonly _tag: "SetupIntent"; readonly customer: number }
  | { readonly _tag: "Complete"; readonly intent: number; readonly type: "card" | "mobile_money" }
  | { readonly _tag: "ListPaymentMethods"; readonly customer: number; readonly limit: number }
  | { readonly _tag: "RetrievePaymentMethod"; readonly paymentMethod: number }
  | { readonly _tag: "Detach"; readonly paymentMethod: number }
  | { readonly _tag: "Portal"; readonly customer: number }

const email = fc.constantFrom("ama@example.com", "kofi@example.com", "esi@example.com")
const ref = fc.nat({ max: 6 }) // an index into what this run made so far; past the end is an unknown id
const metaKey = fc.constantFrom("tier", "source")

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    _tag: fc.constant("Create" as const),
    email,
    name: fc.constantFrom("Ama Owusu", "Kofi"),
    phone: fc.constantFrom("+233244000000", "not-a-phone"),
    metadata: fc.dictionary(metaKey, fc.constantFrom("gold", "web")),
    key: fc.constantFrom("key-1", "key-2")
  }, { requiredKeys: ["_tag", "email"] }),
  fc.record({ _tag: fc.constant("Retrieve" as const), customer: ref }),
  fc.record({
    _tag: fc.constant("Update" as const),
    customer: ref,
    name: fc.constantFrom("Renamed", null),
    metadata: fc.dictionary(metaKey, fc.constantFrom("silver", null))
  }, { requiredKeys: ["_tag", "customer"] }),
  fc.record({ _tag: fc.constant("Delete" as const), customer: ref }),
  fc.record({ _tag: fc.constant("ListPage" as const), limit: fc.integer({ min: 1, max: 3 }), email, next: fc.boolean() }, {
    requiredKeys: ["_tag", "limit", "next"]
  }),
  fc.record({ _tag: fc.constant("SetupIntent" as const), customer: ref }),
  fc.record({ _tag: fc.constant("Complete" as const), intent: ref, type: fc.constantFrom("card" as const, "mobile_money" as const) }),
  fc.record({ _tag: fc.constant("ListPaymentMethods" as const), customer: ref, limit: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ _tag: fc.constant("RetrievePaymentMethod" as const), paymentMethod: ref }),
  fc.record({ _tag: fc.constant("Detach" as const), paymentMethod: ref }),
  fc.record({ _tag: fc.constant("Portal" as const), customer: ref })
)

/** What one command gave: a value, a typed failure (tag, status, code, param, message), or a control error. */
const outcome = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E, XtopayClient | XtopayControl>) =>
  Effect.map(Effect.exit(effect), (exit) =>
    Exit.match(exit, {
      onSuccess: (value): unknown => ({ ok: value }),
      onFailure: (cause): unknown => {
        const failure = cause._tag === "Fail" ? cause.error as unknown as Record<string, unknown> : { _tag: "Defect" }
        const { _tag, code, message, param, status } = failure
        return { failed: { _tag, status, code, param, message } }
      }
    }))

/** Runs the commands against whichever Xtopay is in context, keeping the ids it hands out. */
const run = (commands: ReadonlyArray<Command>) =>
  Effect.gen(function*() {
    const control = yield* XtopayControl
    const customers: Array<string> = []
    const intents: Array<string> = []
    const paymentMethods: Array<string> = []
    let cursor: string | undefined
    const pick = (ids: ReadonlyArray<string>, index: number, prefix: string) => ids[index] ?? `${prefix}unknown${index}`
    const results: Array<unknown> = []
    for (const c of commands) {
      switch (c._tag) {
        case "Create": {
          const { _tag, key, ...params } = c
          results.push(yield* outcome(Effect.tap(
            Customers.create(params, key === undefined ? {} : { idempotencyKey: key }),
            (customer) => Effect.sync(() => void (customers.includes(customer.id) || customers.push(customer.id)))
          )))
          break
        }
        case "Retrieve":
          results.push(yield* outcome(Customers.retrieve(pick(customers, c.customer, "cus_"))))
          break
        case "Update": {
          const { _tag, customer, ...patch } = c
          results.push(yield* outcome(Customers.update(pick(customers, customer, "cus_"), patch)))
          break
        }
        case "Delete":
          results.push(yield* outcome(Customers.delete(pick(customers, c.customer, "cus_"))))
          break
        case "ListPage":
          results.push(yield* outcome(Effect.tap(
            Customers.listPage({
              limit: c.limit,
              ...(c.email === undefined ? {} : { email: c.email }),
              ...(c.next && cursor !== undefined ? { after: cursor } : {})
            }),
            (page) => Effect.sync(() => void (cursor = page.pagination.next_cursor ?? undefined))
          )))
          break
        case "SetupIntent":
          results.push(yield* outcome(Effect.tap(
            SetupIntents.create({ customer_id: pick(customers, c.customer, "cus_") }),
            (intent) => Effect.sync(() => void intents.push(intent.id))
          )))
          break
        case "Complete":
          results.push(yield* outcome(Effect.tap(
            control.completeSetupIntent(pick(intents, c.intent, "si_"), { type: c.type }),
            (method) => Effect.sync(() => void paymentMethods.push(method.id))
          )))
          break
        case "ListPaymentMethods":
          results.push(yield* outcome(PaymentMethods.listPage({ customer_id: pick(customers, c.customer, "cus_"), limit: c.limit })))
          break
        case "RetrievePaymentMethod":
          results.push(yield* outcome(PaymentMethods.retrieve(pick(paymentMethods, c.paymentMethod, "pm_"))))
          break
        case "Detach":
          results.push(yield* outcome(PaymentMethods.detach(pick(paymentMethods, c.paymentMethod, "pm_"))))
          break
        case "Portal":
          results.push(yield* outcome(CustomerPortal.createSession({
            customer_id: pick(customers, c.customer, "cus_"),
            return_url: "https://shop.example/account"
          })))
          break
      }
    }
    // What the Xtopay received, as it matters to it: not the transport's own headers.
    const requests = (yield* control.requests).map((r) => ({
      route: r.route,
      query: [...r.query],
      body: r.body,
      idempotencyKey: r.headers["idempotency-key"] === undefined ? "none" : r.headers["idempotency-key"].startsWith("key-") ? r.headers["idempotency-key"] : "generated"
    }))
    return mask({ results, requests })
  })

const ID = /\b(cus|pm|si|cps|sub|cur|tok|sess|req)_[A-Za-z0-9_-]+/g

/** Ids become `<cus 1>`, `<cus 2>`… in order of appearance (so which-is-which still counts); times become `<time>`. */
const mask = (value: unknown): unknown => {
  const labels = new Map<string, string>()
  const counts = new Map<string, number>()
  const label = (id: string, prefix: string) => {
    let found = labels.get(id)
    if (found === undefined) {
      const n = (counts.get(prefix) ?? 0) + 1
      counts.set(prefix, n)
      found = `<${prefix} ${n}>`
      labels.set(id, found)
    }
    return found
  }
  const walk = (v: unknown): unknown => {
    if (DateTime.isDateTime(v)) return "<time>"
    if (typeof v === "string") {
      // The one intended difference: the mock server's links open its own pages, on its own origin.
      return v.replace(/^(https:\/\/(checkout|billing)\.xtopay\.co|http:\/\/127\.0\.0\.1:\d+)(?=\/(setup|portal)\/)/, "<pages>")
        .replace(ID, (id, prefix: string) => label(id, prefix))
        .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g, "<time>")
    }
    if (Array.isArray(v)) return v.map(walk)
    if (v !== null && typeof v === "object") {
      return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, walk(x)]))
    }
    return v
  }
  return walk(value)
}

const overHttp = MockServer.layerClient().pipe(
  Layer.provideMerge(MockServer.layer()),
  Layer.provide(FetchHttpClient.layer)
)

describe("XtopayTest and the mock server agree", () => {
  it.live.prop(
    "the same commands give the same results and the same recorded requests",
    { commands: fc.array(command, { minLength: 1, maxLength: 14 }) },
    ({ commands }) =>
      Effect.gen(function*() {
        const inMemory = yield* run(commands).pipe(Effect.provide(XtopayTest))
        const served = yield* run(commands).pipe(Effect.provide(overHttp))
        assert.deepStrictEqual(served, inMemory)
      }),
    { timeout: 120_000, fastCheck: { numRuns: 25 } }
  )
})
