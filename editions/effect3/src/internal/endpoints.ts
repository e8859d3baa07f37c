/**
 * The endpoint table of this edition: each operation of core's description (`core/api.ts`) with the
 * schemas its shape names stand for. The endpoint functions (`invoke.ts`), the fake's router
 * (`testing/internal/routes.ts`) and `docs/openapi.yaml` (`scripts/openapi.ts`) read it.
 */
import * as Api from "#core/api.js"
import { type DateTime, Schema } from "effect"
import * as Schemas from "../Schemas.js"

export type { Method } from "#core/api.js"
export { pathParams } from "#core/api.js"

/** One schema per shape name of the description: the `Schemas` export of that name (a name without one does not compile). */
export const shapes = Api.byName(Api.shapeNames, Schemas) satisfies Record<Api.ShapeName, Schema.Schema<any, any>>

export type Shapes = typeof shapes

/** What a path id must be, by the description's name. */
export const pathIds = Api.byName(Api.pathIdNames, Schemas) satisfies Record<Api.PathIdName, Schema.Schema<string>>

/** One operation with its schemas. */
export interface Endpoint {
  readonly operation: string
  readonly fn: string
  readonly method: Api.Method
  readonly route: string
  readonly params?: Schema.Schema<any, any> | undefined
  readonly pathId?: Schema.Schema<string> | undefined
  readonly response: Schema.Schema<any, any>
  readonly status: 200 | 201 | 202
  readonly notFound: boolean
  readonly idempotencyKey: boolean
  /** What a 2xx with an empty body (a DELETE answered 204) decodes to, from the path parameters and the time. */
  readonly onEmpty?: ((path: ReadonlyArray<string>, now: DateTime.Utc) => unknown) | undefined
  /** The operation as core describes it. */
  readonly description: Api.Operation
}

/** The schemas of `O`, with the literal types its function's type is read from. */
export type EndpointOf<O extends Api.Operation> = Endpoint & {
  readonly route: O["route"]
  readonly notFound: O["notFound"]
  readonly idempotencyKey: O["idempotencyKey"]
  readonly response: Shapes[O["response"]]
} & (O extends { readonly params: infer P extends Api.ShapeName } ? { readonly params: Shapes[P] } : { readonly params?: undefined })

// One entry per operation, made when `invoke` or `endpoints` first asks for it.
const made = new Map<Api.Operation, Endpoint>()

/** The entry of `op`: its description with the schemas its shape names stand for. */
export const endpointOf = <O extends Api.Operation>(op: O): EndpointOf<O> => {
  const known = made.get(op)
  if (known !== undefined) return known as EndpointOf<O>
  const response: Schema.Schema<any, any> = shapes[op.response]
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
      : (path, now) => decodeEmpty(Api.emptyAnswer(op, path, new Date(now.epochMillis).toISOString())),
    description: op
  }
  made.set(op, entry)
  return entry as EndpointOf<O>
}

/** Every operation, in the description's order. */
export const endpoints: ReadonlyArray<Endpoint> = Api.operations.map((op) => endpointOf(op as Api.Operation))
