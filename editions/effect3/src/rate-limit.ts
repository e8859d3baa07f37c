/**
 * `effect-xtopay/rate-limit`: one request budget for every client that shares it, in one process
 * (`XtopayRateLimit.layer`) or across many (`XtopayRateLimit.layerRedis`), over
 * `@effect/experimental`'s `RateLimiter`: a token bucket in delay mode, keyed by client id.
 *
 * The client reads the gate when its layer is built, so provide this layer to the client's:
 *
 * ```ts
 * import { Effect, Layer } from "effect"
 * import { Customers, XtopayLive } from "effect-xtopay"
 * import { XtopayRateLimit } from "effect-xtopay/rate-limit"
 *
 * const Live = XtopayLive.pipe(
 *   Layer.provide(XtopayRateLimit.layerRedis({ limit: 20, window: "1 second", redis: { host: "127.0.0.1", port: 6379 } }))
 * )
 * Effect.runPromise(Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(Live)))
 * ```
 *
 * Optional peers: `@effect/experimental` (both layers) and `ioredis` 5 (`layerRedis`).
 *
 * @module effect-xtopay/rate-limit
 * @since 0.1.0
 */
import * as RateLimiter from "@effect/experimental/RateLimiter"
import * as RedisStore from "@effect/experimental/RateLimiter/Redis"
import { Duration, Effect, Layer } from "effect"
import { type RateGate, XtopayRateGate } from "./internal/rateGate.js"
import { ConnectionError } from "./XtopayError.js"

export { type RateGate, XtopayRateGate } from "./internal/rateGate.js"

/**
 * The budget: at most `limit` requests per `window` on average, per client id. A full bucket
 * lets `limit` requests go at once, so in the first `window` up to twice `limit` may go out.
 *
 * @since 0.1.0
 */
export interface RateLimitOptions {
  readonly limit: number
  readonly window: Duration.DurationInput
  /** Prefix of the limiter keys (default `"xtopay:"`); the key is the prefix and the client id. */
  readonly keyPrefix?: string
}

/**
 * `RateLimitOptions` and where the shared Redis is.
 *
 * @since 0.1.0
 */
export interface RedisRateLimitOptions extends RateLimitOptions {
  readonly redis: {
    readonly host: string
    readonly port: number
    /** Prefix of the Redis keys (default `"ratelimiter:"`, @effect/experimental's). */
    readonly prefix?: string
  }
  /**
   * When Redis cannot be reached (or does not answer within `storeTimeout`), send anyway, without
   * a budget. Default `false`: the call fails with `ConnectionError` (`reason: "RateLimitStore"`)
   * and nothing is sent.
   */
  readonly failOpen?: boolean
  /** How long to wait for Redis to answer one take (default 2 seconds). */
  readonly storeTimeout?: Duration.DurationInput
}

/** What a store failure looks like in an error message, e.g. `redis 127.0.0.1:6379`. */
interface Store {
  readonly name: string
  readonly failOpen: boolean
  readonly timeout: Duration.Duration | undefined
}

const causeText = (error: unknown): string => {
  const cause = (error as { cause?: unknown } | null)?.cause
  // ioredis gives up on a command after `maxRetriesPerRequest` failed reconnections.
  if (cause instanceof Error && cause.name === "MaxRetriesPerRequestError") return "no connection"
  const text = cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error)
  return text.replace(/\.+$/, "")
}

const makeGate = (options: RateLimitOptions, store: Store): Effect.Effect<RateGate, never, RateLimiter.RateLimiter> =>
  Effect.gen(function*() {
    const limiter = yield* RateLimiter.RateLimiter
    const limit = options.limit
    if (!Number.isSafeInteger(limit) || limit < 1) {
      return yield* Effect.dieMessage(`XtopayRateLimit: limit must be a whole number ≥ 1, got ${limit}`)
    }
    const window = Duration.decode(options.window)
    const refillMillis = Duration.toMillis(window) / limit
    const prefix = options.keyPrefix ?? "xtopay:"

    const consume = (clientId: string, tokens: number) => {
      const taken = limiter.consume({
        algorithm: "token-bucket",
        onExceeded: "delay",
        limit,
        window,
        key: `${prefix}${clientId}`,
        tokens
      })
      return store.timeout === undefined
        ? taken
        : Effect.timeoutFail(taken, {
          duration: store.timeout,
          onTimeout: () =>
            new RateLimiter.RateLimitStoreError({ message: `no answer within ${Duration.format(store.timeout!)}` })
        })
    }

    const unreachable = (error: unknown) =>
      new ConnectionError({
        reason: "RateLimitStore",
        message: `The rate limit store (${store.name}) could not be reached: ${causeText(error)}. Nothing was sent.`
      })

    const take: RateGate["take"] = (clientId) =>
      consume(clientId, 1).pipe(
        Effect.matchEffect({
          onSuccess: ({ delay }) => Duration.isZero(delay) ? Effect.void : Effect.sleep(delay),
          onFailure: (error) =>
            store.failOpen
              ? Effect.logWarning(`${unreachable(error).message.replace(" Nothing was sent.", "")} Sending anyway (failOpen).`)
              : Effect.fail(unreachable(error))
        })
      )

    // The wait is taken from the shared bucket: the tokens it covers, and whatever the bucket
    // still holds, so the next take of every process sharing it waits at least `wait`.
    const backOff: RateGate["backOff"] = (clientId, wait) =>
      Effect.gen(function*() {
        // The client never waits longer than a minute for a 429 either.
        const wanted = Math.ceil(Math.min(Duration.toMillis(wait), 60_000) / refillMillis)
        const first = Math.min(limit, wanted)
        const { remaining } = yield* consume(clientId, first)
        // Leave the bucket at -wanted: the next take anywhere waits `wait`, then the pace resumes.
        let owed = Math.max(0, remaining + wanted)
        for (let round = 0; owed > 0 && round < 1_000; round++) {
          const chunk = Math.min(limit, owed)
          yield* consume(clientId, chunk)
          owed -= chunk
        }
      }).pipe(
        Effect.catchAll((error) =>
          Effect.logWarning(`Could not pass a 429's wait on to the rate limit store (${store.name}): ${causeText(error)}`)
        )
      )

    return { take, backOff }
  })

/**
 * The gate over the `RateLimiter` in context (`@effect/experimental/RateLimiter`; give it the
 * store you like: `RateLimiter.layerStoreMemory` for one process).
 *
 * @since 0.1.0
 */
export const layer = (options: RateLimitOptions): Layer.Layer<XtopayRateGate, never, RateLimiter.RateLimiter> =>
  Layer.effect(XtopayRateGate, makeGate(options, { name: "RateLimiter in context", failOpen: false, timeout: undefined }))

/**
 * `layer` with its own in-memory `RateLimiter`: one budget for the clients of this process.
 *
 * @since 0.1.0
 */
export const layerMemory = (options: RateLimitOptions): Layer.Layer<XtopayRateGate> =>
  layer(options).pipe(Layer.provide(RateLimiter.layer), Layer.provide(RateLimiter.layerStoreMemory))

/**
 * `layer` over a `RateLimiter` whose store is Redis (ioredis 5): every process that names the
 * same Redis and client id shares one budget, and a 429 one of them receives holds them all back.
 * The connection opens when the layer is built and closes when it is released.
 *
 * @since 0.1.0
 */
export const layerRedis = (options: RedisRateLimitOptions): Layer.Layer<XtopayRateGate> => {
  const { host, port, prefix } = options.redis
  const timeout = Duration.decode(options.storeTimeout ?? Duration.seconds(2))
  const store: Store = { name: `redis ${host}:${port}`, failOpen: options.failOpen === true, timeout }
  return Layer.effect(XtopayRateGate, makeGate(options, store)).pipe(
    Layer.provide(RateLimiter.layer),
    Layer.provide(
      RedisStore.layerStore({
        host,
        port,
        ...(prefix !== undefined ? { prefix } : {}),
        // Fail a take soon when Redis is down, rather than queue it until Redis is back.
        maxRetriesPerRequest: 1,
        connectTimeout: Duration.toMillis(timeout)
      })
    )
  )
}

/**
 * The rate-limit layers: `XtopayRateLimit.layer` (over the `RateLimiter` in context),
 * `XtopayRateLimit.layerMemory` (one process) and `XtopayRateLimit.layerRedis` (many processes).
 *
 * @since 0.1.0
 */
export const XtopayRateLimit = { layer, layerMemory, layerRedis } as const
