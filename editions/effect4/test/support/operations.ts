/**
 * A call of every operation of core's description, for tests that walk the description instead of
 * a hand list: real objects in the fake its path names, valid parameters (the Effect 3 edition's
 * OpenAPI examples), and its public functions.
 */
import * as Api from "#core/api.js"
import { assert } from "@effect/vitest"
import { Effect, Stream } from "effect"
import * as Xtopay from "../../src/index.js"

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

/** Real objects in the fake in context (XtopayTest), made fresh for each call. */
export const makeWorld = Effect.gen(function*() {
  const control = yield* Xtopay.XtopayControl
  const customer = yield* Xtopay.Customers.create({ email: "ama@example.com", name: "Ama Owusu", phone: "+233244000000" })
  const intent = yield* Xtopay.SetupIntents.create({ customer_id: customer.id })
  const paymentMethod = yield* control.completeSetupIntent(intent.id, { type: "card" })
  const hook = yield* Xtopay.WebhookEndpoints.create({ url: "http://127.0.0.1:9/hooks" })
  const events = yield* Xtopay.Events.listPage({ limit: 1 })
  return { customer: customer.id, paymentMethod: paymentMethod.id, webhookEndpoint: hook.id, event: events.data[0]!.id } satisfies World
})

/** The shapes operations take as parameters: a new one does not compile until it has a value below. */
type ParamsShape = Extract<(typeof Api.operations)[number], { readonly params: string }>["params"]

/** Valid parameters for each shape, in the world's terms. */
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

/** A call of `op` in `world`: its path ids and its parameters. */
export const callOf = (op: Api.Operation, world: World) => {
  const segment = op.route.split("/")[1]!
  const ids = Api.pathParams(op.route).map(() => {
    const id = idFor[segment]
    if (id === undefined) throw new Error(`No object for the path ids of ${Api.routeKey(op)}: add its family to idFor`)
    return id(world)
  })
  const params = op.params === undefined ? undefined : exampleParams[op.params as ParamsShape](world)
  return { ids, params }
}

/** The public functions of an operation: its own, then the `Stream` over its pages when that is another function. */
export const functionsOf = (op: Api.Operation): ReadonlyArray<string> => [
  op.fn,
  ...(op.paging !== undefined && op.paging.stream !== op.fn ? [op.paging.stream] : [])
]

/**
 * `fn` (a public function of `op`; `Customers.delete` is exported as `delete`) called with the
 * world's ids and parameters and `options`; a `Stream` is run to its end.
 */
export const clientCall = (
  op: Api.Operation,
  world: World,
  fn: string = op.fn,
  options?: Record<string, unknown>
): Effect.Effect<unknown, Xtopay.XtopayError, Xtopay.XtopayClient> => {
  const [module, name] = fn.split(".") as [string, string]
  const call = (Xtopay as unknown as Record<string, Record<string, (...args: ReadonlyArray<unknown>) => unknown>>)[module]?.[name]
  assert.isFunction(call, `${fn} is not exported`)
  const { ids, params } = callOf(op, world)
  const args = [...ids, ...(params === undefined && op.paging === undefined ? [] : [params]), ...(options === undefined ? [] : [options])]
  const result = call!(...args)
  return Effect.isEffect(result)
    ? (result as Effect.Effect<unknown, Xtopay.XtopayError, Xtopay.XtopayClient>)
    : Stream.runDrain(result as Stream.Stream<unknown, Xtopay.XtopayError, Xtopay.XtopayClient>)
}
