/**
 * `XtopayTest`: the real `XtopayClient` over an in-memory Xtopay, with no network, plus the
 * `XtopayControl` service to seed data, complete setup intents, read requests and inject faults.
 *
 * @since 1.0.0
 */
import { Context, Effect, Layer, Redacted } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import { DEFAULT_BASE_URL, make, XtopayClient, type XtopayClientOptions } from "../XtopayClient.js"
import { type BackendOptions, makeBackend } from "./Backend.js"
import { DEFAULT_ACCOUNT, XtopayControl } from "./Control.js"
import { makeMemoryHttpClient } from "./internal/memoryHttpClient.js"

/**
 * What `XtopayTestWith` takes: the in-memory Xtopay's options (seed data, faults, rate limit, id
 * seed) and the client's (credentials default to `cid_test_default` / `csk_test_default`).
 *
 * @since 1.0.0
 */
export interface XtopayTestOptions extends BackendOptions, Partial<Omit<XtopayClientOptions, "baseUrl">> {}

/**
 * The client and control service over a fresh in-memory Xtopay. Client options that make no
 * client (a negative `maxRetries`, say) are a defect here, not a `ConfigError`: this is a test layer.
 *
 * @since 1.0.0
 */
export const XtopayTestWith = (options: XtopayTestOptions = {}): Layer.Layer<XtopayClient | XtopayControl> =>
  Layer.effectContext(
    Effect.gen(function*() {
      const backend = yield* makeBackend(options)
      const httpClient = makeMemoryHttpClient(backend.handle, new URL(DEFAULT_BASE_URL).pathname)
      const client = yield* make({
        ...options,
        clientId: options.clientId ?? DEFAULT_ACCOUNT,
        clientSecret: options.clientSecret ?? Redacted.make("csk_test_default"),
        baseUrl: DEFAULT_BASE_URL
      }).pipe(Effect.provideService(HttpClient.HttpClient, httpClient), Effect.orDie)
      return Context.make(XtopayClient, client).pipe(Context.add(XtopayControl, backend.control))
    })
  )

/**
 * The client over a fresh, empty in-memory Xtopay (state is new each time the layer is built),
 * with `XtopayControl` beside it.
 *
 * @example
 * const program = Effect.gen(function*() {
 *   const ama = yield* Customers.create({ email: "ama@example.com" })
 *   return yield* Customers.retrieve(ama.id)
 * })
 * program.pipe(Effect.provide(XtopayTest))
 *
 * @since 1.0.0
 */
export const XtopayTest: Layer.Layer<XtopayClient | XtopayControl> = XtopayTestWith()
