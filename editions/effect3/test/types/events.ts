/**
 * Type-level tests of WebhookEndpoints and Events: checked by `npm run typecheck` (tsc over test/);
 * a wrong type fails the typecheck, not the run.
 */
import { describe, it } from "@effect/vitest"
import type { Effect, Stream } from "effect"
import { expectTypeOf } from "vitest"
import {
  type CommonError,
  type DeletedWebhookEndpoint,
  type DeliveryAttempt,
  Events,
  type IdempotencyConflict,
  type NotFound,
  type Page,
  type RequestOptions,
  type WebhookEndpoint,
  WebhookEndpoints,
  type XtopayClient,
  type XtopayEvent
} from "../../src/index.js"

type Fn = (...args: ReadonlyArray<never>) => Effect.Effect<any, any, any>
type ErrorOf<F extends Fn> = Effect.Effect.Error<ReturnType<F>>
type SuccessOf<F extends Fn> = Effect.Effect.Success<ReturnType<F>>
type ContextOf<F extends Fn> = Effect.Effect.Context<ReturnType<F>>

describe("types: webhook endpoints and events", () => {
  it("WebhookEndpoints: each error channel and success exactly", () => {
    expectTypeOf<ErrorOf<typeof WebhookEndpoints.create>>().toEqualTypeOf<CommonError | IdempotencyConflict>()
    expectTypeOf<ErrorOf<typeof WebhookEndpoints.retrieve>>().toEqualTypeOf<CommonError | NotFound>()
    expectTypeOf<ErrorOf<typeof WebhookEndpoints.update>>().toEqualTypeOf<CommonError | NotFound | IdempotencyConflict>()
    expectTypeOf<ErrorOf<typeof WebhookEndpoints.delete>>().toEqualTypeOf<CommonError | NotFound>()
    expectTypeOf<ErrorOf<typeof WebhookEndpoints.listPage>>().toEqualTypeOf<CommonError>()
    expectTypeOf<Stream.Stream.Error<ReturnType<typeof WebhookEndpoints.list>>>().toEqualTypeOf<CommonError>()
    expectTypeOf<SuccessOf<typeof WebhookEndpoints.create>>().toEqualTypeOf<WebhookEndpoint>()
    expectTypeOf<SuccessOf<typeof WebhookEndpoints.delete>>().toEqualTypeOf<DeletedWebhookEndpoint>()
    expectTypeOf<SuccessOf<typeof WebhookEndpoints.listPage>>().toEqualTypeOf<Page<WebhookEndpoint>>()
    expectTypeOf<ContextOf<typeof WebhookEndpoints.retrieve>>().toEqualTypeOf<XtopayClient>()
  })

  it("Events: each error channel and success exactly", () => {
    expectTypeOf<ErrorOf<typeof Events.retrieve>>().toEqualTypeOf<CommonError | NotFound>()
    expectTypeOf<ErrorOf<typeof Events.listPage>>().toEqualTypeOf<CommonError>()
    expectTypeOf<Stream.Stream.Error<ReturnType<typeof Events.list>>>().toEqualTypeOf<CommonError>()
    expectTypeOf<Stream.Stream.Error<ReturnType<typeof Events.deliveryAttempts>>>().toEqualTypeOf<CommonError | NotFound>()
    expectTypeOf<Stream.Stream.Success<ReturnType<typeof Events.deliveryAttempts>>>().toEqualTypeOf<DeliveryAttempt>()
    expectTypeOf<ErrorOf<typeof Events.replay>>().toEqualTypeOf<CommonError | NotFound | IdempotencyConflict>()
    expectTypeOf<SuccessOf<typeof Events.retrieve>>().toEqualTypeOf<XtopayEvent>()
    expectTypeOf<SuccessOf<typeof Events.replay>>().toEqualTypeOf<XtopayEvent>()
    // Replay carries an Idempotency-Key, so it takes the write options.
    expectTypeOf(Events.replay).parameter(1).toEqualTypeOf<RequestOptions | undefined>()
  })
})
