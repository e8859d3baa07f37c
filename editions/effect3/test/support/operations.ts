/**
 * A call of every operation of core's description, for tests that walk the description instead of
 * a hand list: the objects its path names, valid parameters, and its public functions.
 */
import * as Api from "#core/api.js"
import { assert } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { callsOf } from "../../scripts/docs-tables.js"
import * as Xtopay from "../../src/index.js"
import { XtopayControl } from "../../src/testing/index.js"

export const operations = Api.operations as ReadonlyArray<Api.Operation>

/** The objects operations' paths and parameters name. */
export interface World {
  readonly customer: string
  readonly paymentMethod: string
  readonly webhookEndpoint: string
  readonly event: string
}

/** Ids of the right form, for a client that talks to a scripted answer and not to a fake. */
export const someIds: World = { customer: "cus_a1b2c3", paymentMethod: "pm_a1b2c3", webhookEndpoint: "we_a1b2c3", event: "evt_a1b2c3" }

/** Real objects in the fake in context (XtopayTest or the mock server), made fresh for each call. */
export const makeWorld = Effect.gen(function*() {
  const control = yield* XtopayControl
  const customer = yield* Xtopay.Customers.create({ email: "ama@example.com", phone: "+233244000000" })
  const intent = yield* Xtopay.SetupIntents.create({ customer_id: customer.id })
  const paymentMethod = yield* control.completeSetupIntent(intent.id, { type: "card" })
  // Port 9 (discard) refuses at once: deliveries fail fast and stay in the background.
  const hook = yield* Xtopay.WebhookEndpoints.create({ url: "http://127.0.0.1:9/hooks" })
  const events = yield* Xtopay.Events.listPage({ limit: 1 })
  return { customer: customer.id, paymentMethod: paymentMethod.id, webhookEndpoint: hook.id, event: events.data[0]!.id } satisfies World
})

/** The shapes operations take as parameters: a new one does not compile until it has a value below. */
type ParamsShape = Extract<(typeof Api.operations)[number], { readonly params: string }>["params"]

/** Valid parameters for each shape, in the world's terms (wire JSON, as the body or the query). */
const paramsFor: { readonly [S in ParamsShape]: (world: World) => Record<string, unknown> } = {
  CustomerCreateParams: () => ({ email: "kofi@example.com", name: "Kofi" }),
  CustomerUpdateParams: () => ({ name: "Ama O." }),
  CustomerListParams: () => ({ limit: 1 }),
  SetupIntentCreateParams: (world) => ({ customer_id: world.customer }),
  PaymentMethodListParams: (world) => ({ customer_id: world.customer, limit: 1 }),
  PortalSessionCreateParams: (world) => ({ customer_id: world.customer, return_url: "https://shop.example/account" }),
  WebhookEndpointCreateParams: () => ({ url: "http://127.0.0.1:9/other-hooks" }),
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
    assert.isDefined(id, `no object for the path ids of ${Api.routeKey(op)}: add its family to idFor`)
    return id!(world)
  })
  const params = op.params === undefined ? undefined : { ...paramsFor[op.params as ParamsShape](world), ...change }
  return { ids, params }
}

export const takesBody = (op: Api.Operation) => op.method === "POST" || op.method === "PATCH"

/** The wire request of a call: path with its ids and query, and JSON body. */
export const wireRequest = (op: Api.Operation, world: World, change: Record<string, unknown> = {}) => {
  const { ids, params } = callOf(op, world, change)
  let i = 0
  const path = op.route.replace(/:\w+/g, () => encodeURIComponent(ids[i++]!))
  const query = params !== undefined && !takesBody(op)
    ? `?${new URLSearchParams(Object.entries(params).map(([key, value]) => [key, String(value)]))}`
    : ""
  return { path: `${path}${query}`, body: params !== undefined && takesBody(op) ? JSON.stringify(params) : undefined }
}

/** The public functions of an operation: its own, then the `Stream` over its pages when that is another function. */
export const functionsOf = (op: Api.Operation): ReadonlyArray<string> => callsOf(op).map((call) => call.fn)

/**
 * `fn` (a public function of `op`; `Customers.delete` is exported as `delete`) called with the
 * world's ids and parameters; a `Stream` is run to its end.
 */
export const clientCall = (
  op: Api.Operation,
  world: World,
  fn: string = op.fn
): Effect.Effect<unknown, Xtopay.XtopayError, Xtopay.XtopayClient> => {
  const [module, name] = fn.split(".") as [string, string]
  const call = (Xtopay as unknown as Record<string, Record<string, (...args: ReadonlyArray<unknown>) => unknown>>)[module]?.[name]
  assert.isFunction(call, `${fn} is not exported`)
  const { ids, params } = callOf(op, world)
  const result = call!(...ids, ...(params === undefined ? [] : [params]))
  return Effect.isEffect(result)
    ? (result as Effect.Effect<unknown, Xtopay.XtopayError, Xtopay.XtopayClient>)
    : Stream.runDrain(result as Stream.Stream<unknown, Xtopay.XtopayError, Xtopay.XtopayClient>)
}
