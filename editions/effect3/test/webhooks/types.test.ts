/**
 * Type-level tests: checked by tsc over test/. `switch (event.type)` gives each known case its
 * typed `data`; the default case is the unknown event, its `data` unknown.
 */
import { describe, it } from "@effect/vitest"
import type { Effect } from "effect"
import { expectTypeOf } from "vitest"
import {
  type Customer,
  type PaymentMethod,
  type UnknownEvent,
  Webhooks,
  type WebhookVerificationError,
  type XtopayClient,
  type XtopayEvent
} from "../../src/index.js"

describe("XtopayEvent and Webhooks types", () => {
  it("narrows data by type", () => {
    const use = (event: XtopayEvent) => {
      switch (event.type) {
        case "customer.created":
        case "customer.updated":
        case "customer.deleted":
          expectTypeOf(event.data).toEqualTypeOf<Customer>()
          break
        case "customer.payment_method_added":
        case "customer.payment_method_updated":
        case "customer.payment_method_removed":
          expectTypeOf(event.data).toEqualTypeOf<PaymentMethod>()
          break
        default:
          expectTypeOf(event).toEqualTypeOf<UnknownEvent>()
          expectTypeOf(event.data).toBeUnknown()
          expectTypeOf(event.type.startsWith("subscription.")).toBeBoolean()
      }
      if (event.type === "customer.payment_method_added") expectTypeOf(event.data).toEqualTypeOf<PaymentMethod>()
    }
    expectTypeOf(use).toBeFunction()
  })

  it("constructEvent needs XtopayClient, constructEventWith nothing; both fail with WebhookVerificationError only", () => {
    expectTypeOf(Webhooks.constructEvent).returns.toEqualTypeOf<
      Effect.Effect<XtopayEvent, WebhookVerificationError, XtopayClient>
    >()
    expectTypeOf(Webhooks.constructEventWith).returns.toEqualTypeOf<Effect.Effect<XtopayEvent, WebhookVerificationError>>()
    expectTypeOf<Webhooks.SignedHeaders>().toMatchTypeOf<Webhooks.WebhookHeaders>()
  })
})
