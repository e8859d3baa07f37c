/**
 * Type-level tests: checked by `npm run typecheck` (tsc over test/). The runtime `it` blocks only
 * make vitest list them; a wrong type fails the typecheck, not the run.
 */
import type { HttpBodyError } from "@effect/platform/HttpBody"
import type { RequestError, ResponseError } from "@effect/platform/HttpClientError"
import { describe, it } from "@effect/vitest"
import type { ConfigError, Effect, Layer, ParseResult, Stream } from "effect"
import { expectTypeOf } from "vitest"
import {
  type CommonError,
  type ConnectionError,
  type Customer,
  type CustomerDetails,
  CustomerPortal,
  Customers,
  type DeletedCustomer,
  type Forbidden,
  type IdempotencyConflict,
  type InvalidRequest,
  type NotFound,
  type Page,
  type PaymentMethod,
  PaymentMethods,
  type PortalSession,
  type RateLimited,
  type ServerError,
  type SetupIntent,
  SetupIntents,
  type Unauthorized,
  type UnexpectedResponse,
  type XtopayClient,
  type XtopayLive
} from "../../src/index.js"

type ErrorOf<F extends (...args: ReadonlyArray<never>) => Effect.Effect<any, any, any>> = Effect.Effect.Error<
  ReturnType<F>
>
type ContextOf<F extends (...args: ReadonlyArray<never>) => Effect.Effect<any, any, any>> = Effect.Effect.Context<
  ReturnType<F>
>
type SuccessOf<F extends (...args: ReadonlyArray<never>) => Effect.Effect<any, any, any>> = Effect.Effect.Success<
  ReturnType<F>
>

/** What no endpoint may let out: the platform's own errors. */
type PlatformError = RequestError | ResponseError | ParseResult.ParseError | HttpBodyError

type Common =
  | InvalidRequest
  | Unauthorized
  | Forbidden
  | RateLimited
  | ServerError
  | ConnectionError
  | UnexpectedResponse

describe("types", () => {
  it("CommonError is the seven tags every endpoint can fail with", () => {
    expectTypeOf<CommonError>().toEqualTypeOf<Common>()
  })

  it("Customers: each error channel lists exactly the tags it can fail with", () => {
    expectTypeOf<ErrorOf<typeof Customers.create>>().toEqualTypeOf<Common | IdempotencyConflict>()
    expectTypeOf<ErrorOf<typeof Customers.retrieve>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorOf<typeof Customers.update>>().toEqualTypeOf<Common | NotFound | IdempotencyConflict>()
    expectTypeOf<ErrorOf<typeof Customers.delete>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorOf<typeof Customers.listPage>>().toEqualTypeOf<Common>()
    expectTypeOf<Stream.Stream.Error<ReturnType<typeof Customers.list>>>().toEqualTypeOf<Common>()

    // The two examples the design names, spelled out.
    expectTypeOf<Extract<ErrorOf<typeof Customers.create>, NotFound>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof Customers.create>, IdempotencyConflict>>().toEqualTypeOf<IdempotencyConflict>()
    expectTypeOf<Extract<ErrorOf<typeof Customers.retrieve>, IdempotencyConflict>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof Customers.retrieve>, NotFound>>().toEqualTypeOf<NotFound>()
  })

  it("SetupIntents, PaymentMethods, CustomerPortal: each error channel exactly", () => {
    expectTypeOf<ErrorOf<typeof SetupIntents.create>>().toEqualTypeOf<Common | NotFound | IdempotencyConflict>()
    expectTypeOf<ErrorOf<typeof PaymentMethods.retrieve>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorOf<typeof PaymentMethods.listPage>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<Stream.Stream.Error<ReturnType<typeof PaymentMethods.list>>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorOf<typeof PaymentMethods.detach>>().toEqualTypeOf<Common | NotFound>()
    expectTypeOf<ErrorOf<typeof CustomerPortal.createSession>>().toEqualTypeOf<
      Common | NotFound | IdempotencyConflict
    >()
  })

  it("every endpoint requires XtopayClient and nothing else", () => {
    expectTypeOf<ContextOf<typeof Customers.create>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof Customers.retrieve>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof Customers.update>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof Customers.delete>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof Customers.listPage>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<Stream.Stream.Context<ReturnType<typeof Customers.list>>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof SetupIntents.create>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof PaymentMethods.retrieve>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof PaymentMethods.listPage>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<Stream.Stream.Context<ReturnType<typeof PaymentMethods.list>>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof PaymentMethods.detach>>().toEqualTypeOf<XtopayClient>()
    expectTypeOf<ContextOf<typeof CustomerPortal.createSession>>().toEqualTypeOf<XtopayClient>()
  })

  it("each endpoint succeeds with its object; the lists are Streams", () => {
    expectTypeOf<SuccessOf<typeof Customers.create>>().toEqualTypeOf<Customer>()
    expectTypeOf<SuccessOf<typeof Customers.retrieve>>().toEqualTypeOf<CustomerDetails>()
    expectTypeOf<SuccessOf<typeof Customers.update>>().toEqualTypeOf<Customer>()
    expectTypeOf<SuccessOf<typeof Customers.delete>>().toEqualTypeOf<DeletedCustomer>()
    expectTypeOf<SuccessOf<typeof Customers.listPage>>().toEqualTypeOf<Page<Customer>>()
    expectTypeOf(Customers.list).returns.toEqualTypeOf<Stream.Stream<Customer, Common, XtopayClient>>()
    expectTypeOf<SuccessOf<typeof SetupIntents.create>>().toEqualTypeOf<SetupIntent>()
    expectTypeOf<SuccessOf<typeof PaymentMethods.retrieve>>().toEqualTypeOf<PaymentMethod>()
    expectTypeOf<SuccessOf<typeof PaymentMethods.listPage>>().toEqualTypeOf<Page<PaymentMethod>>()
    expectTypeOf(PaymentMethods.list).returns.toEqualTypeOf<
      Stream.Stream<PaymentMethod, Common | NotFound, XtopayClient>
    >()
    expectTypeOf<SuccessOf<typeof PaymentMethods.detach>>().toEqualTypeOf<PaymentMethod>()
    expectTypeOf<SuccessOf<typeof CustomerPortal.createSession>>().toEqualTypeOf<PortalSession>()
  })

  it("no platform error (RequestError, ResponseError, ParseError, HttpBodyError) leaks into any endpoint", () => {
    expectTypeOf<Extract<ErrorOf<typeof Customers.create>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof Customers.retrieve>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof Customers.update>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof Customers.delete>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof Customers.listPage>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<Stream.Stream.Error<ReturnType<typeof Customers.list>>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof SetupIntents.create>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof PaymentMethods.retrieve>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof PaymentMethods.listPage>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<Stream.Stream.Error<ReturnType<typeof PaymentMethods.list>>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof PaymentMethods.detach>, PlatformError>>().toBeNever()
    expectTypeOf<Extract<ErrorOf<typeof CustomerPortal.createSession>, PlatformError>>().toBeNever()
  })

  it("XtopayLive provides XtopayClient, fails only with ConfigError, and needs nothing", () => {
    expectTypeOf<typeof XtopayLive>().toEqualTypeOf<Layer.Layer<XtopayClient, ConfigError.ConfigError, never>>()
  })
})
