/**
 * A call of every operation of core's description, for tests that walk the description instead of
 * a hand list: the objects its path names and valid parameters (the OpenAPI examples'), its wire
 * request and its public functions.
 */
import * as Api from "#core/api.js"
import { assert } from "@effect/vitest"
import { Effect, Stream } from "effect"
import { callsOf } from "../../scripts/docs-tables.js"
import { callOf, takesBody, type World } from "../../scripts/operation-examples.js"
import * as Xtopay from "../../src/index.js"

export { callOf, makeWorld, takesBody, type World } from "../../scripts/operation-examples.js"

export const operations = Api.operations as ReadonlyArray<Api.Operation>

/** Ids of the right form, for a client that talks to a scripted answer and not to a fake. */
export const someIds: World = { customer: "cus_a1b2c3", paymentMethod: "pm_a1b2c3", webhookEndpoint: "we_a1b2c3", event: "evt_a1b2c3" }

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
