/**
 * Type-level tests of the exported schemas (checked by `npm run typecheck`, tsc over test/): the
 * same types as the Effect 3 edition's, so code written against one edition's shapes compiles
 * against the other's.
 */
import type { DateTime } from "effect"
import { expectTypeOf } from "vitest"
import type {
  Customer,
  CustomerCreateParams,
  DeliveryAttempt,
  MobileMoney,
  PaymentMethod,
  Subscription,
  UnknownEventType,
  WebhookEndpoint,
  XtopayEvent
} from "../../src/Schemas.js"
import type * as Schemas from "../../src/Schemas.js"

// Each open enum is its known literals plus any other string, so a switch over the known values is not exhaustive.
expectTypeOf<PaymentMethod["type"]>().toEqualTypeOf<"card" | "mobile_money" | (string & {})>()
expectTypeOf<MobileMoney["network"]>().toEqualTypeOf<"mtn" | "telecel" | "airteltigo" | (string & {})>()
expectTypeOf<Subscription["status"]>().toEqualTypeOf<"trialing" | "active" | "past_due" | "paused" | "cancelled" | (string & {})>()
expectTypeOf<WebhookEndpoint["status"]>().toEqualTypeOf<"active" | "disabled" | (string & {})>()
expectTypeOf<DeliveryAttempt["status"]>().toEqualTypeOf<"succeeded" | "failed" | (string & {})>()

// Decoded shapes: defaults make the field present, timestamps are DateTime.Utc, wire names stay snake_case.
expectTypeOf<Customer>().toEqualTypeOf<{
  readonly id: string
  readonly email: string
  readonly name: string | null
  readonly phone: string | null
  readonly currency: string
  readonly metadata: { readonly [x: string]: string }
  readonly created_at: DateTime.Utc
}>()
expectTypeOf<CustomerCreateParams>().toEqualTypeOf<{
  readonly email: string
  readonly name?: string | undefined
  readonly phone?: string | undefined
  readonly currency?: string | undefined
  readonly metadata?: { readonly [x: string]: string } | undefined
}>()
// The wire side of a response: what may be left out is optional there.
expectTypeOf<(typeof Schemas.Customer)["Encoded"]["currency"]>().toEqualTypeOf<string | undefined>()
expectTypeOf<(typeof Schemas.Customer)["Encoded"]["created_at"]>().toEqualTypeOf<string>()

// `switch (event.type)` narrows each known type to its member; any other type reaches the default.
export const describeEvent = (event: XtopayEvent): string => {
  switch (event.type) {
    case "customer.created":
    case "customer.deleted":
      expectTypeOf(event.data).toEqualTypeOf<Customer>()
      return event.data.email
    case "customer.payment_method_added":
      expectTypeOf(event.data).toEqualTypeOf<PaymentMethod>()
      return event.data.type
    case "customer.updated":
    case "customer.payment_method_updated":
    case "customer.payment_method_removed":
      return event.id
    default:
      expectTypeOf(event.type).toEqualTypeOf<UnknownEventType>()
      expectTypeOf(event.data).toEqualTypeOf<unknown>()
      return String(event.type)
  }
}
