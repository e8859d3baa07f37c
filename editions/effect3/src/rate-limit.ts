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
 * Optional peers: `@effect/experimental` (every layer) and `ioredis` 5 (`layerRedis`). They are
 * loaded when a layer is built, not when this module is imported; a missing one makes the build
 * die with a message that says what to install.
 *
 * @module effect-xtopay/rate-limit
 * @since 0.1.0
 */
import "./internal/edition.js" // first of all: a wrong major of effect is named before anything loads it
import type * as RateLimiter from "@effect/experimental/RateLimiter"
import { quote } from "#core/text.js"
import { Duration, Effect, Either, Layer } from "effect"
import {
  experimentalPeer,
  importOptionalPeer,
  ioredisPeer,
  missingPeerMessage,
  missingPeersMessage
} from "./internal/optionalPeer.js"
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

/**
 * What `effect-xtopay/rate-limit` says when `@effect/experimental` is not installed.
 *
 * @since 0.1.0
 */
export const missingExperimentalMessage: string = missingPeerMessage(
  experimentalPeer,
  "effect-xtopay/rate-limit (XtopayRateLimit.layer, layerMemory)"
)

/**
 * What `XtopayRateLimit.layerRedis` says when `ioredis` is not installed (when
 * `@effect/experimental` is missing too, its message names both).
 *
 * @since 0.1.0
 */
export const missingIoredisMessage: string = missingPeerMessage(ioredisPeer, "effect-xtopay/rate-limit (XtopayRateLimit.layerRedis)")

const missingRedisPeersMessage = missingPeersMessage(
  [experimentalPeer, ioredisPeer],
  "effect-xtopay/rate-limit (XtopayRateLimit.layerRedis)"
)

// Loaded when a layer is built, so that importing this module needs neither optional peer.
const loadRateLimiter = (message: string) =>
  importOptionalPeer(experimentalPeer, message, () => import("@effect/experimental/RateLimiter"))

// Imported after the RateLimiter (layerRedis does), so that a missing module here is ioredis.
const loadRedisStore = importOptionalPeer(
  ioredisPeer,
  missingIoredisMessage,
  () => import("@effect/experimental/RateLimiter/Redis")
)

/** `limit` and `window` as the bucket needs them: a whole number ≥ 1, a positive finite duration. */
const checkBudget = (options: RateLimitOptions): Either.Either<Duration.Duration, string> => {
  const { limit } = options
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
    return Either.left(`limit must be a whole number ≥ 1 (requests per window), got ${quote(limit)}`)
  }
  // Duration.decode reads a negative or NaN input as zero, and throws on text it cannot read.
  const window = Either.try(() => Duration.decode(options.window))
  if (Either.isLeft(window) || !Duration.isFinite(window.right) || Duration.toMillis(window.right) <= 0) {
    return Either.left(
      `window must be a positive, finite duration (e.g. "1 second"), got ${quote(options.window)}: ` +
        "a window of zero or less would turn the budget off"
    )
  }
  return Either.right(window.right)
}

/** Refuses a budget the bucket cannot honour, when the layer is built (a defect: the options are code). */
const validated = (options: RateLimitOptions): Effect.Effect<Duration.Duration> =>
  Either.match(checkBudget(options), {
    onLeft: (problem) => Effect.dieMessage(`XtopayRateLimit: ${problem}`),
    onRight: Effect.succeed
  })

const makeGate = (
  RL: typeof RateLimiter,
  options: RateLimitOptions,
  window: Duration.Duration,
  store: Store
): Effect.Effect<RateGate, never, RateLimiter.RateLimiter> =>
  Effect.gen(function*() {
    const limiter = yield* RL.RateLimiter
    const limit = options.limit
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
            new RL.RateLimitStoreError({ message: `no answer within ${Duration.format(store.timeout!)}` })
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
  Layer.effect(
    XtopayRateGate,
    Effect.flatMap(validated(options), (window) =>
      Effect.flatMap(loadRateLimiter(missingExperimentalMessage), (RL) =>
        makeGate(RL, options, window, { name: "RateLimiter in context", failOpen: false, timeout: undefined })))
  )

/**
 * `layer` with its own in-memory `RateLimiter`: one budget for the clients of this process.
 *
 * @since 0.1.0
 */
export const layerMemory = (options: RateLimitOptions): Layer.Layer<XtopayRateGate> =>
  Layer.unwrapEffect(
    Effect.zipRight(
      validated(options),
      Effect.map(loadRateLimiter(missingExperimentalMessage), (RL) =>
        layer(options).pipe(Layer.provide(RL.layer), Layer.provide(RL.layerStoreMemory)))
    )
  )

/**
 * How ioredis behaves while Redis is down, so that a take fails within a second of a refused
 * connection (docs/scaling.md): a take waiting in the offline queue fails at the first connection
 * attempt that fails after it was queued (`maxRetriesPerRequest: 0`), and attempts are at most
 * `REDIS_RETRY_CAP_MILLIS` apart (ioredis's default backs off to 2 s, which made a take wait ~2 s).
 * The offline queue stays on, so that a take made before the first connection waits for it
 * rather than failing; `connectTimeout` (the store timeout) bounds a host that never answers.
 */
const REDIS_RETRY_CAP_MILLIS = 500
const REDIS_DOWN_FAST = {
  maxRetriesPerRequest: 0,
  retryStrategy: (times: number) => Math.min(times * 50, REDIS_RETRY_CAP_MILLIS)
} as const

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
  return Layer.unwrapEffect(
    Effect.gen(function*() {
      const window = yield* validated(options)
      const RL = yield* loadRateLimiter(missingRedisPeersMessage)
      const RedisStore = yield* loadRedisStore
      return Layer.effect(XtopayRateGate, makeGate(RL, options, window, store)).pipe(
        Layer.provide(RL.layer),
        Layer.provide(
          RedisStore.layerStore({
            host,
            port,
            ...(prefix !== undefined ? { prefix } : {}),
            ...REDIS_DOWN_FAST,
            connectTimeout: Duration.toMillis(timeout)
          })
        )
      )
    })
  )
}

/**
 * The rate-limit layers: `XtopayRateLimit.layer` (over the `RateLimiter` in context),
 * `XtopayRateLimit.layerMemory` (one process) and `XtopayRateLimit.layerRedis` (many processes).
 *
 * @since 0.1.0
 */
export const XtopayRateLimit = { layer, layerMemory, layerRedis } as const
