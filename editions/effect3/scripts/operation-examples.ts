/**
 * One valid call of every operation of core's description, and what the in-memory Xtopay answers
 * it: the examples of docs/openapi.yaml (scripts/openapi.ts), and the calls the tests make of every
 * operation (test/support/operations.ts).
 */
import * as Api from "#core/api.js"
import { Effect, Schema, TestClock, TestContext } from "effect"
import * as Customers from "../src/Customers.js"
import * as Events from "../src/Events.js"
import { endpoints } from "../src/internal/endpoints.js"
import { invoke } from "../src/internal/invoke.js"
import * as SetupIntents from "../src/SetupIntents.js"
import { XtopayControl } from "../src/testing/Control.js"
import { XtopayTestWith } from "../src/testing/XtopayTest.js"
import * as WebhookEndpoints from "../src/WebhookEndpoints.js"

/** The objects operations' paths and parameters name. */
export interface World {
  readonly customer: string
  readonly paymentMethod: string
  readonly webhookEndpoint: string
  readonly event: string
}

/** Real objects in the fake in context (XtopayTest or the mock server), made fresh for each call. */
export const makeWorld = Effect.gen(function*() {
  const control = yield* XtopayControl
  const customer = yield* Customers.create({ email: "ama@example.com", name: "Ama Owusu", phone: "+233244000000" })
  const intent = yield* SetupIntents.create({ customer_id: customer.id })
  const paymentMethod = yield* control.completeSetupIntent(intent.id, { type: "card" })
  // Port 9 (discard) refuses at once, where deliveries go over the network (the mock server).
  const hook = yield* WebhookEndpoints.create({ url: "http://127.0.0.1:9/hooks" })
  const events = yield* Events.listPage({ limit: 1 })
  return { customer: customer.id, paymentMethod: paymentMethod.id, webhookEndpoint: hook.id, event: events.data[0]!.id } satisfies World
})

/** The shapes operations take as parameters: a new one does not compile until it has a value below. */
type ParamsShape = Extract<(typeof Api.operations)[number], { readonly params: string }>["params"]

/** Valid parameters for each shape, in the world's terms (wire JSON, as the body or the query). */
const exampleParams: { readonly [S in ParamsShape]: (world: World) => Record<string, unknown> } = {
  CustomerCreateParams: () => ({ email: "kofi@example.com", name: "Kofi Mensah", metadata: { plan: "pro" } }),
  CustomerUpdateParams: () => ({ phone: "+233244000001", metadata: { plan: null } }),
  CustomerListParams: () => ({ limit: 1 }),
  SetupIntentCreateParams: (world) => ({ customer_id: world.customer }),
  PaymentMethodListParams: (world) => ({ customer_id: world.customer, limit: 1 }),
  PortalSessionCreateParams: (world) => ({ customer_id: world.customer, return_url: "https://shop.example/account" }),
  WebhookEndpointCreateParams: () => ({ url: "https://shop.example/hooks", events: ["customer.created"] }),
  WebhookEndpointUpdateParams: () => ({ description: "orders" }),
  WebhookEndpointListParams: () => ({ limit: 1 }),
  EventListParams: () => ({ limit: 1 }),
  DeliveryAttemptListParams: () => ({ limit: 1 })
}

/** The object a route's path id names, by the route's first segment. */
const idFor: Record<string, (world: World) => string> = {
  customers: (world) => world.customer,
  "payment-methods": (world) => world.paymentMethod,
  "webhook-endpoints": (world) => world.webhookEndpoint,
  events: (world) => world.event
}

/** A call of `op` in `world`: its path ids and its parameters (`change` merged into them). */
export const callOf = (op: Api.Operation, world: World, change: Record<string, unknown> = {}) => {
  const segment = op.route.split("/")[1]!
  const ids = Api.pathParams(op.route).map(() => {
    const id = idFor[segment]
    if (id === undefined) throw new Error(`No object for the path ids of ${Api.routeKey(op)}: add its family to idFor`)
    return id(world)
  })
  const params = op.params === undefined ? undefined : { ...exampleParams[op.params as ParamsShape](world), ...change }
  return { ids, params }
}

export const takesBody = (op: Pick<Api.Operation, "method">) => op.method === "POST" || op.method === "PATCH"

/** The time the examples are made at, so that they are the same on every run. */
const EXAMPLE_TIME = Date.parse("2026-05-24T10:00:00Z")

/** Link tokens are random by design (core/fake/links.ts: the pages trust them alone); an example shows a fixed one. */
const fixedTokens = (answer: unknown): unknown =>
  JSON.parse(JSON.stringify(answer).replace(/\b(tok|sess)_[a-z0-9]{24}\b/g, (_, prefix: string) => `${prefix}_${"x".repeat(24)}`))

/** An operation's example: the body it sends (when it sends one) and the fake's answer, as wire JSON. */
export interface Example {
  readonly body?: unknown
  readonly answer: unknown
}

/**
 * Each operation called once in a fresh in-memory Xtopay with seeded ids, on a test clock at a
 * fixed time: the same examples on every run.
 */
export const makeExamples: Effect.Effect<ReadonlyMap<Api.Operation, Example>> = Effect.gen(function*() {
  const examples = new Map<Api.Operation, Example>()
  for (const endpoint of endpoints) {
    const op = endpoint.description
    const example = yield* Effect.gen(function*() {
      yield* TestClock.setTime(EXAMPLE_TIME)
      const world = yield* makeWorld
      yield* (yield* XtopayControl).settleDeliveries
      const { ids, params } = callOf(op, world)
      // The page function of every operation, a walked list's too: its answer is one page.
      const call = invoke(op) as unknown as (...args: ReadonlyArray<unknown>) => Effect.Effect<unknown, unknown>
      const value = yield* call(...ids, ...(params === undefined ? [] : [params]))
      const answer = fixedTokens(Schema.encodeSync(endpoint.response as Schema.Schema<unknown, unknown>)(value))
      return takesBody(op) && params !== undefined ? { body: params, answer } : { answer }
    }).pipe(
      // A valid call the fake refuses is a bug in the fake or in these examples, not an answer to document.
      Effect.orDie,
      Effect.provide(XtopayTestWith({ idSeed: 1 })),
      Effect.provide(TestContext.TestContext)
    )
    examples.set(op, example)
  }
  return examples
})
