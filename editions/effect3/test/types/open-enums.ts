/**
 * Type-level tests of the open enums (checked by `npm run typecheck`): a payment method type, a
 * network or a status this version does not know is kept at run time, and the types say so, so a
 * `switch` over the known values is not taken for exhaustive.
 */
import { describe, it } from "@effect/vitest"
import { expectTypeOf } from "vitest"
import type { DeliveryAttempt, MobileMoney, PaymentMethod, Subscription, WebhookEndpoint } from "../../src/index.js"

describe("types: open enums", () => {
  it("each open enum is its known literals plus any other string", () => {
    expectTypeOf<PaymentMethod["type"]>().toEqualTypeOf<"card" | "mobile_money" | (string & {})>()
    expectTypeOf<MobileMoney["network"]>().toEqualTypeOf<"mtn" | "telecel" | "airteltigo" | (string & {})>()
    expectTypeOf<Subscription["status"]>().toEqualTypeOf<"trialing" | "active" | "past_due" | "paused" | "cancelled" | (string & {})>()
    expectTypeOf<WebhookEndpoint["status"]>().toEqualTypeOf<"active" | "disabled" | (string & {})>()
    expectTypeOf<DeliveryAttempt["status"]>().toEqualTypeOf<"succeeded" | "failed" | (string & {})>()
  })

  it("a switch over the known payment method types leaves the other strings to the default", () => {
    const describe = (type: PaymentMethod["type"]): string => {
      switch (type) {
        case "card":
          return "card"
        case "mobile_money":
          return "wallet"
        default: {
          // Not `never`: a type Xtopay adds later reaches this branch.
          expectTypeOf(type).toEqualTypeOf<string & {}>()
          return type
        }
      }
    }
    expectTypeOf(describe).returns.toEqualTypeOf<string>()
  })
})
