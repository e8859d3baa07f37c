/**
 * `effect-xtopay/rate-limit`: one request budget for every client that shares it, in one process
 * (`XtopayRateLimit.layerMemory`) or across many (`XtopayRateLimit.layerRedis`), over Effect's
 * `RateLimiter` (`effect/persistence/RateLimiter`): a token bucket in delay mode, keyed by client id.
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
 * `layer` and `layerMemory` need nothing beyond `effect`. `layerRedis` needs the optional peers
 * `@effect/platform-node` (its `NodeRedis`) and `redis` (node-redis 5), loaded when the layer is
 * built, not when this module is imported; a missing one makes the build die with a message that
 * says what to install.
 *
 * @module effect-xtopay/rate-limit
 * @since 1.0.0
 */
import "./internal/edition.js" // first of all: a wrong major of effect is named before anything loads it
import { quote } from "#core/text.js"
import { Duration, Effect, Layer, Option, Result } from "effect"
import * as RateLimiter from "effect/persistence/RateLimiter"
import { importOptionalPeers, missingPeersMessage, platformNodePeer, redisPeer } from "./internal/optionalPeer.js"
import { type RateGate, XtopayRateGate } from "./internal/rateGate.js"
import { type Consume, makeRedisLimiter } from "./internal/redisLimiter.js"
import { ConnectionError } from "./XtopayError.js"

export { type RateGate, XtopayRateGate } from "./internal/rateGate.js"

/**
 * The budget: at most `limit` requests per `window` on average, per client id. A full bucket
 * lets `limit` requests go at once, so in the first `window` up to twice `limit` may go out.
 *
 * @since 1.0.0
 */
export interface RateLimitOptions {
  readonly limit: number
  readonly window: Duration.Input
  /** Prefix of the limiter keys (default `"xtopay:"`); the key is the prefix and the client id. */
  readonly keyPrefix?: string | undefined
}

/**
 * `RateLimitOptions` and where the shared Redis is.
 *
 * @since 1.0.0
 */
export interface RedisRateLimitOptions extends RateLimitOptions {
  readonly redis: {
    readonly host: string
    readonly port: number
    /** Prefix of the Redis keys (default `"ratelimiter:"`, Effect's). */
    readonly prefix?: string | undefined
  }
  /**
   * When Redis cannot be reached (or does not answer within `storeTimeout`), send anyway, without
   * a budget. Default `false`: the call fails with `ConnectionError` (`reason: "RateLimitStore"`)
   * and nothing is sent.
   */
  readonly failOpen?: boolean | undefined
  /** How long to wait for Redis to connect or to answer one take (default 2 seconds). */
  readonly storeTimeout?: Duration.Input | undefined
}

/** Where the budget lives, for messages, and what to do when it cannot be reached. */
interface Store {
  readonly name: string
  readonly failOpen: boolean
}

/** The innermost reason a store gave (node-redis's words, or the error code when it has none), without a final dot. */
const causeText = (error: unknown): string => {
  let inner: unknown = error
  for (let depth = 0; depth < 8; depth++) {
    const next = (inner as { cause?: unknown } | null)?.cause
    if (next === undefined || next === null || next === inner) break
    inner = next
  }
  const { code, message } = (inner ?? {}) as { code?: unknown; message?: unknown }
  const text = typeof message === "string" && message !== "" ? message : typeof code === "string" ? code : String(inner)
  return text.replace(/\.+$/, "")
}

const redisNeededBy = "effect-xtopay/rate-limit (XtopayRateLimit.layerRedis)"

/**
 * What `XtopayRateLimit.layerRedis` says when `redis` (node-redis) or `@effect/platform-node` is
 * not installed: one command that installs both.
 *
 * @since 1.0.0
 */
export const missingRedisMessage: string = missingPeersMessage([platformNodePeer, redisPeer], redisNeededBy)

// Loaded when layerRedis is built, so that importing this module needs neither optional peer.
const loadNodeRedis = importOptionalPeers(
  [[redisPeer, missingRedisMessage], [platformNodePeer, missingRedisMessage]],
  () => import("@effect/platform-node/NodeRedis")
)

/** `limit` and `window` as the bucket needs them: a whole number ≥ 1, a positive finite duration. */
const checkBudget = (options: RateLimitOptions): Result.Result<Duration.Duration, string> => {
  const { limit } = options
  if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
    return Result.fail(`limit must be a whole number ≥ 1 (requests per window), got ${quote(limit)}`)
  }
  // Effect's Duration reads NaN as zero, keeps a negative input negative, and has no reading of unknown text.
  const window = Duration.fromInput(options.window)
  if (Option.isNone(window) || !Duration.isFinite(window.value) || Duration.toMillis(window.value) <= 0) {
    return Result.fail(
      `window must be a positive, finite duration (e.g. "1 second"), got ${quote(options.window)}: ` +
        "a window of zero or less would turn the budget off"
    )
  }
  return Result.succeed(window.value)
}

/** Refuses a budget the bucket cannot honour, when the layer is built (a defect: the options are code). */
const validated = (options: RateLimitOptions): Effect.Effect<Duration.Duration> =>
  Result.match(checkBudget(options), {
    onFailure: (problem) => Effect.die(new Error(`XtopayRateLimit: ${problem}`)),
    onSuccess: Effect.succeed
  })

const makeGate = (consume: Consume, options: RateLimitOptions, window: Duration.Duration, store: Store): RateGate => {
  const limit = options.limit
  const refillMillis = Duration.toMillis(window) / limit
  const prefix = options.keyPrefix ?? "xtopay:"
  const take = (clientId: string, tokens: number) =>
    consume({ algorithm: "token-bucket", onExceeded: "delay", limit, window, key: `${prefix}${clientId}`, tokens })

  const unreachable = (error: unknown) =>
    new ConnectionError({
      reason: "RateLimitStore",
      message: `The rate limit store (${store.name}) could not be reached: ${causeText(error)}. Nothing was sent.`
    })

  return {
    take: (clientId) =>
      take(clientId, 1).pipe(
        Effect.matchEffect({
          onSuccess: ({ delay }) => Duration.isZero(delay) ? Effect.void : Effect.sleep(delay),
          onFailure: (error) =>
            store.failOpen
              ? Effect.logWarning(
                `The rate limit store (${store.name}) could not be reached: ${causeText(error)}. Sending anyway (failOpen).`
              )
              : Effect.fail(unreachable(error))
        })
      ),
    // The wait is taken from the shared bucket: the tokens it covers, and whatever the bucket still
    // holds, so that the next take of every process sharing it waits at least `wait`.
    backOff: (clientId, wait) =>
      Effect.gen(function*() {
        // The client never waits longer than a minute for a 429 either.
        const wanted = Math.ceil(Math.min(Duration.toMillis(wait), 60_000) / refillMillis)
        if (wanted <= 0) return
        const { remaining } = yield* take(clientId, Math.min(limit, wanted))
        // Leave the bucket at -wanted: the next take anywhere waits `wait`, then the pace resumes.
        const owed = Math.max(0, remaining + wanted)
        if (owed > 0) yield* take(clientId, owed)
      }).pipe(
        Effect.catch((error) =>
          Effect.logWarning(`Could not pass a 429's wait on to the rate limit store (${store.name}): ${causeText(error)}`)
        )
      )
  }
}

/**
 * The gate over the `RateLimiter` in context (`effect/persistence/RateLimiter`; give it the store
 * you like: `RateLimiter.layerStoreMemory` for one process). A store failure fails the call with
 * `ConnectionError` (`reason: "RateLimitStore"`), and nothing is sent.
 *
 * @since 1.0.0
 */
export const layer = (options: RateLimitOptions): Layer.Layer<XtopayRateGate, never, RateLimiter.RateLimiter> =>
  Layer.effect(
    XtopayRateGate,
    Effect.gen(function*() {
      const window = yield* validated(options)
      const limiter = yield* RateLimiter.RateLimiter
      return makeGate(limiter.consume, options, window, { name: "RateLimiter in context", failOpen: false })
    })
  )

/**
 * `layer` with its own in-memory `RateLimiter`: one budget for the clients of this process.
 *
 * @since 1.0.0
 */
export const layerMemory = (options: RateLimitOptions): Layer.Layer<XtopayRateGate> =>
  layer(options).pipe(Layer.provide(RateLimiter.layer), Layer.provide(RateLimiter.layerStoreMemory))

/**
 * `layer` over a `RateLimiter` whose store is Redis (`@effect/platform-node`'s `NodeRedis`, over
 * node-redis 5): every process that names the same Redis and client id shares one budget, and a
 * 429 one of them receives holds them all back. The connection opens at the first call (not when
 * the layer is built, which never fails for Redis), opens again after it is lost, and closes when
 * the layer is released. While Redis cannot be reached each call fails at once with
 * `ConnectionError` (`reason: "RateLimitStore"`) and nothing is sent, unless `failOpen`.
 *
 * Dies with `missingRedisMessage` when `redis` or `@effect/platform-node` is not installed.
 *
 * @since 1.0.0
 */
export const layerRedis = (options: RedisRateLimitOptions): Layer.Layer<XtopayRateGate> =>
  Layer.effect(
    XtopayRateGate,
    Effect.gen(function*() {
      const window = yield* validated(options)
      const { host, port, prefix } = options.redis
      const timeout = Duration.fromInputUnsafe(options.storeTimeout ?? Duration.seconds(2))
      const platform = yield* loadNodeRedis
      const consume = yield* makeRedisLimiter(platform, { host, port, prefix, timeout })
      return makeGate(consume, options, window, { name: `redis ${host}:${port}`, failOpen: options.failOpen === true })
    })
  )

/**
 * The rate-limit layers: `XtopayRateLimit.layer` (over the `RateLimiter` in context),
 * `XtopayRateLimit.layerMemory` (one process) and `XtopayRateLimit.layerRedis` (many processes).
 *
 * @since 1.0.0
 */
export const XtopayRateLimit = { layer, layerMemory, layerRedis } as const
