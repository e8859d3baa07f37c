/**
 * Type-level tests: checked by tsc over test/. `switch (event.type)` gives each known case its
 * typed `data`; the default case is the unknown event, its `data` unknown.
 */
import { describe, it } from "@effect/vitest"
import { Context, Effect, type Layer, Redacted } from "effect"
import * as HttpRouter from "effect/http/HttpRouter"
import type * as HttpServerRequest from "effect/http/HttpServerRequest"
import type * as HttpServerResponse from "effect/http/HttpServerResponse"
import { expectTypeOf } from "vitest"
import {
  type Customer,
  type CustomerDeletedEvent,
  type PaymentMethod,
  type UnknownEvent,
  Webhooks,
  type WebhookVerificationError,
  type XtopayClient,
  type XtopayEvent,
  XtopayTestWith
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

  it("Webhooks.router: each handler gets its type's event, orElse the rest; a typo is an error; R gathers what they need", () => {
    class Mailer extends Context.Service<Mailer, { readonly send: (to: string) => Effect.Effect<void> }>()("Mailer") {}
    class Store extends Context.Service<Store, { readonly seen: (id: string) => Effect.Effect<boolean> }>()("Store") {}
    const app = Webhooks.router({
      "customer.created": (event) => {
        expectTypeOf(event.data).toEqualTypeOf<Customer>()
        return Effect.gen(function*() {
          const mailer = yield* Mailer
          yield* mailer.send(event.data.email)
        })
      },
      "customer.payment_method_removed": (event) => {
        expectTypeOf(event.data).toEqualTypeOf<PaymentMethod>()
        return Effect.void
      }
    }, {
      before: (event) => {
        expectTypeOf(event).toEqualTypeOf<XtopayEvent>()
        return Effect.gen(function*() {
          const store = yield* Store
          return yield* store.seen(event.id)
        })
      },
      orElse: (event, { known }) => {
        expectTypeOf(known).toBeBoolean()
        // The handled types are not among orElse's events.
        expectTypeOf<Extract<typeof event, { readonly type: "customer.created" }>>().toBeNever()
        expectTypeOf<Extract<typeof event, CustomerDeletedEvent>>().toEqualTypeOf<CustomerDeletedEvent>()
        expectTypeOf<Extract<typeof event, UnknownEvent>>().toEqualTypeOf<UnknownEvent>()
        return Effect.void
      }
    })
    expectTypeOf(app).toEqualTypeOf<
      Effect.Effect<
        HttpServerResponse.HttpServerResponse,
        never,
        HttpServerRequest.HttpServerRequest | Mailer | Store | XtopayClient
      >
    >()
    // With the secrets given, no XtopayClient is needed.
    const withSecrets = Webhooks.router({ "customer.deleted": () => Effect.void }, { secrets: [Redacted.make("csk_test_x")] })
    expectTypeOf(withSecrets).toEqualTypeOf<
      Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    >()
    expectTypeOf(Webhooks.router({})).toEqualTypeOf<
      Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest | XtopayClient>
    >()
    const handler = Webhooks.handler(() => Effect.void, { secrets: [Redacted.make("csk_test_x")] })
    expectTypeOf(handler).toEqualTypeOf<
      Effect.Effect<HttpServerResponse.HttpServerResponse, never, HttpServerRequest.HttpServerRequest>
    >()
    const typo = () =>
      Webhooks.router({
        // @ts-expect-error "customer.craeted" is not an event type
        "customer.craeted": () => Effect.void
      })
    expectTypeOf(typo).toBeFunction()
  })

  it("a router or handler is a route of effect/http's HttpRouter: what it needs becomes the route's requirements", () => {
    const route = HttpRouter.add("POST", "/webhooks/xtopay", Webhooks.handler(() => Effect.void))
    expectTypeOf(route).toEqualTypeOf<
      Layer.Layer<never, never, HttpRouter.HttpRouter | HttpRouter.Request<"Requires", XtopayClient>>
    >()
    const withSecrets = HttpRouter.add(
      "POST",
      "/webhooks/xtopay",
      Webhooks.router({}, { secrets: [Redacted.make("csk_test_x")] })
    )
    expectTypeOf(withSecrets).toEqualTypeOf<Layer.Layer<never, never, HttpRouter.HttpRouter>>()
  })

  it("XtopayTestWith's webhookApp takes a router layer or a handler effect needing at most the XtopayClient", () => {
    class Mailer extends Context.Service<Mailer, { readonly send: (to: string) => Effect.Effect<void> }>()("Mailer") {}
    const needsMailer = Webhooks.handler(() =>
      Effect.gen(function*() {
        const mailer = yield* Mailer
        yield* mailer.send("ama@example.com")
      })
    )
    XtopayTestWith({ webhookApp: HttpRouter.add("POST", "/webhooks/xtopay", Webhooks.handler(() => Effect.void)) })
    XtopayTestWith({ webhookApp: Webhooks.router({}) })
    // @ts-expect-error the app needs a Mailer, which the test cannot provide
    XtopayTestWith({ webhookApp: needsMailer })
    // @ts-expect-error the route needs a Mailer, which the test cannot provide
    XtopayTestWith({ webhookApp: HttpRouter.add("POST", "/webhooks/xtopay", needsMailer) })
    XtopayTestWith({ webhookApp: needsMailer.pipe(Effect.provideService(Mailer, { send: () => Effect.void })) })
  })
})
