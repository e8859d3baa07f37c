/**
 * Type-level tests: checked by `npm run typecheck` (tsc over test/). The runtime `it` blocks only
 * make vitest list them; a wrong type fails the typecheck, not the run. Every check walks core's
 * description (`operations`): an operation added there is checked here without a new line.
 */
import type * as Api from "#core/api.js"
import { describe, it } from "@effect/vitest"
import type { Config, Effect, Layer, Redacted, Schema, Stream } from "effect"
import type { HttpClientError } from "effect/http/HttpClientError"
import { expectTypeOf } from "vitest"
import type * as Xtopay from "../../src/index.js"
import type {
  CommonError,
  ConnectionError,
  Customers,
  Forbidden,
  IdempotencyConflict,
  InvalidRequest,
  NotFound,
  Page,
  RateLimited,
  ReadOptions,
  RequestOptions,
  ServerError,
  Unauthorized,
  UnexpectedResponse,
  XtopayClient,
  XtopayControl,
  XtopayLive,
  XtopayTest
} from "../../src/index.js"
import type { Shapes } from "../../src/internal/endpoints.js"

/** What no endpoint may let out: effect/http's and Schema's own errors. */
type PlatformError = HttpClientError | Schema.SchemaError

type Common =
  | InvalidRequest
  | Unauthorized
  | Forbidden
  | RateLimited
  | ServerError
  | ConnectionError
  | UnexpectedResponse

type Operation = (typeof Api.operations)[number]
type Modules = typeof Xtopay

/** The public function a name of the description stands for: `Customers.delete` → `Customers.delete`. */
type FunctionNamed<Name extends string> = Name extends `${infer M extends keyof Modules}.${infer N}`
  ? N extends keyof Modules[M] ? Modules[M][N] : never
  : never

/** Each public function of an operation: its own, and the stream over its pages. */
type Calls<O extends Operation> = FunctionNamed<O["fn"]> | (O extends { readonly paging: { readonly stream: infer S extends string } } ? FunctionNamed<S> : never)

type Result<F> = F extends (...args: ReadonlyArray<any>) => infer R ? R : never
// Distributed over each function's result: a union of an Effect and a Stream matches neither as a whole.
type ErrorOf<F> = Result<F> extends infer X ? X extends Effect.Effect<any, infer E, any> ? E : X extends Stream.Stream<any, infer E, any> ? E : never : never
type ContextOf<F> = Result<F> extends infer X ? X extends Effect.Effect<any, any, infer R> ? R : X extends Stream.Stream<any, any, infer R> ? R : never : never
type SuccessOf<F> = Result<F> extends infer X ? X extends Effect.Effect<infer A, any, any> ? A : X extends Stream.Stream<infer A, any, any> ? A : never : never
// `Required`: a trailing optional parameter is matched as what it takes when given.
type LastParameter<F> = F extends (...args: infer P) => any ? Required<P> extends readonly [...any[], infer L] ? L : never : never

type Equal<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/** What the description says an operation fails with. */
type ExpectedError<O extends Operation> =
  | Common
  | (O["notFound"] extends true ? NotFound : never)
  | (O["idempotencyKey"] extends true ? IdempotencyConflict : never)

type TypeOf<Name extends Api.ShapeName> = Shapes[Name]["Type"]

/** What a call succeeds with: the response's shape; a page of the item, or the item, for a list. */
type ExpectedSuccess<O extends Operation, F> = O extends { readonly paging: { readonly item: infer I extends Api.ShapeName } }
  ? Result<F> extends Effect.Effect<any, any, any> ? Page<TypeOf<I>> : TypeOf<I>
  : TypeOf<O["response"]>

/** The operations (by name) whose functions do not match the description in `Check`. */
type Failing<Check extends { [O in Operation as O["operation"]]: boolean }> = {
  [K in keyof Check]: Check[K] extends true ? never : K
}[keyof Check]

describe("types", () => {
  it("CommonError is the seven tags every endpoint can fail with", () => {
    expectTypeOf<CommonError>().toEqualTypeOf<Common>()
  })

  it("every operation of the description has its public functions", () => {
    expectTypeOf<Failing<{ [O in Operation as O["operation"]]: [Calls<O>] extends [never] ? false : true }>>().toBeNever()
  })

  it("each error channel lists exactly the tags the description gives", () => {
    expectTypeOf<Failing<{ [O in Operation as O["operation"]]: Equal<ErrorOf<Calls<O>>, ExpectedError<O>> }>>().toBeNever()
    // The two examples the design names, spelled out.
    expectTypeOf<Extract<ErrorOf<typeof Customers.create>, NotFound>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof Customers.retrieve>, IdempotencyConflict>>().toBeNever()
  })

  it("every endpoint requires XtopayClient and nothing else", () => {
    expectTypeOf<Failing<{ [O in Operation as O["operation"]]: Equal<ContextOf<Calls<O>>, XtopayClient> }>>().toBeNever()
  })

  it("each endpoint succeeds with its response's shape; a list's page with a Page, its walk with a Stream of items", () => {
    expectTypeOf<
      Failing<{
        [O in Operation as O["operation"]]: Calls<O> extends infer F ? F extends unknown ? Equal<SuccessOf<F>, ExpectedSuccess<O, F>> : never : never
      }>
    >().toBeNever()
  })

  it("the calls with an Idempotency-Key take RequestOptions, the others ReadOptions", () => {
    expectTypeOf<
      Failing<{
        [O in Operation as O["operation"]]: Equal<
          LastParameter<Calls<O>>,
          O["idempotencyKey"] extends true ? RequestOptions : ReadOptions
        >
      }>
    >().toBeNever()
  })

  it("no platform error (HttpClientError, SchemaError) leaks into any endpoint", () => {
    expectTypeOf<Extract<ErrorOf<Calls<Operation>>, PlatformError>>().toBeNever()
  })

  it("XtopayClient is a Context.Service key whose service holds the Redacted secret", () => {
    expectTypeOf<XtopayClient.Service["clientSecret"]>().toEqualTypeOf<Redacted.Redacted<string>>()
    expectTypeOf<typeof XtopayClient.Service>().not.toBeNever()
  })

  it("XtopayTest provides XtopayClient and XtopayControl, and needs nothing", () => {
    expectTypeOf<typeof XtopayTest>().toEqualTypeOf<Layer.Layer<XtopayClient | XtopayControl, never, never>>()
  })

  it("XtopayLive provides XtopayClient, fails only with ConfigError, and needs nothing", () => {
    expectTypeOf<typeof XtopayLive>().toEqualTypeOf<Layer.Layer<XtopayClient, Config.ConfigError, never>>()
  })
})
