/**
 * An endpoint function from an operation of core's description, through its entry in the endpoint
 * table: its arguments (path ids, then the parameters when it takes any, then the per-request
 * options), its span, its input checks and its precise error type all follow from the entry.
 */
import type * as Api from "#core/api.js"
import { Effect, Result, Stream } from "effect"
import { paginate } from "../paginate.js"
import type { ReadOptions, RequestOptions } from "../RequestOptions.js"
import type { Page } from "../Schemas.js"
import { XtopayClient } from "../XtopayClient.js"
import type { InvalidRequest, UnexpectedResponse } from "../XtopayError.js"
import { type Endpoint, endpointOf, type EndpointOf, pathParams } from "./endpoints.js"
import { CLIENT_SPAN, type ErrorsOf } from "./request.js"
import { pathId, validateBody, validatePrefetch, validateQuery } from "./validate.js"

/** One string per `:name` segment of the route. */
type PathArgs<R extends string> = R extends `${string}:${string}/${infer Rest}` ? [id: string, ...PathArgs<`/${Rest}`>]
  : R extends `${string}:${string}` ? [id: string]
  : []

/** The parameters argument: absent without a schema, optional when every field is. */
type ParamsArg<E> = E extends { readonly params: { readonly Type: infer P } } ? {} extends P ? [params?: P] : [params: P]
  : []

type OptionsOf<E> = E extends { readonly idempotencyKey: true } ? RequestOptions : ReadOptions

/** The arguments of the function for `E`. */
export type ArgsOf<E extends Endpoint> = [...PathArgs<E["route"]>, ...ParamsArg<E>, options?: OptionsOf<E>]

/** What the function for `E` returns. */
export type CallOf<E extends Endpoint> = Effect.Effect<
  E["response"]["Type"],
  ErrorsOf<E["idempotencyKey"], E["notFound"]>,
  XtopayClient
>

/**
 * The endpoint function of core's operation `op`, its schemas attached (`endpointOf`): one span per
 * call (`Xtopay.customers.create`, kind `client`, from `Effect.withSpan`), its path ids and
 * parameters checked before anything is sent.
 */
export const invoke = <O extends Api.Operation>(op: O): (...args: ArgsOf<EndpointOf<O>>) => CallOf<EndpointOf<O>> => {
  const endpoint: Endpoint = endpointOf(op)
  const names = pathParams(endpoint.route)
  const ids = names.map((name) => pathId(name, endpoint.pathId))
  const inBody = endpoint.method === "POST" || endpoint.method === "PATCH"
  // A query goes on the wire encoded (a `DateTime` as its ISO text); a body as its wire JSON.
  const check = endpoint.params === undefined ? undefined : inBody ? validateBody(endpoint.params) : validateQuery(endpoint.params)
  const spanName = `Xtopay.${endpoint.operation}`
  const onEmpty = endpoint.onEmpty
  const call = (args: ReadonlyArray<unknown>) => {
    const path: Array<string> = []
    let route: string = endpoint.route
    for (let i = 0; i < ids.length; i++) {
      const encoded = ids[i]!(args[i])
      if (Result.isFailure(encoded)) return Effect.fail(encoded.failure)
      path.push(args[i] as string)
      route = route.replace(`:${names[i]}`, encoded.success)
    }
    let params: unknown = undefined
    if (check !== undefined) {
      const checked = check(args[ids.length] ?? {})
      if (Result.isFailure(checked)) return Effect.fail(checked.failure)
      params = checked.success
    }
    const options = args[ids.length + (check === undefined ? 0 : 1)] as RequestOptions | undefined
    return Effect.flatMap(XtopayClient, (client) =>
      client.execute({
        method: endpoint.method,
        route: endpoint.route,
        path: route,
        ...(params === undefined ? {} : inBody ? { body: params } : { urlParams: params as Record<string, unknown> }),
        response: endpoint.response,
        onEmpty: onEmpty === undefined ? undefined : (now) => onEmpty(path, now),
        idempotencyKey: endpoint.idempotencyKey,
        notFound: endpoint.notFound,
        options
      }))
  }
  return ((...args: ReadonlyArray<unknown>) =>
    Effect.withSpan(Effect.suspend(() => call(args)), spanName, CLIENT_SPAN)) as unknown as (
    ...args: ArgsOf<EndpointOf<O>>
  ) => CallOf<EndpointOf<O>>
}

/** What a `list` stream takes beyond one page's query. */
interface Walk {
  readonly after?: string | undefined
  readonly prefetch?: number | undefined
}

/**
 * Every item of a list, as a lazy `Stream` over `listPage` with `after = next_cursor`; `prefetch`
 * fetches up to that many pages ahead. `before` does not apply to a walk.
 */
export const walk = <P extends Walk, A, E, R>(
  listPage: (params: P & { readonly before?: undefined }) => Effect.Effect<Page<A>, E, R>,
  params: P
): Stream.Stream<A, E | InvalidRequest | UnexpectedResponse, R> =>
  Stream.unwrap(
    Effect.map(validatePrefetch(params.prefetch), (prefetch) =>
      paginate((after) => listPage({ ...params, prefetch: undefined, before: undefined, after }), {
        after: params.after,
        prefetch
      }))
  )
