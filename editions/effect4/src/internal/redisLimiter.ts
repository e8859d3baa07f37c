/**
 * `XtopayRateLimit.layerRedis`'s `RateLimiter`: Effect's Redis store over `@effect/platform-node`'s
 * `NodeRedis` (node-redis), connected on first use and again once a lost connection is given up,
 * so that a Redis down when the layer is built, or later, fails each take at once (the caller
 * says so in a `ConnectionError`) rather than failing the layer or making calls wait for it.
 */
import type * as NodeRedis from "@effect/platform-node/NodeRedis"
import { Clock, Context, Duration, Effect, Exit, Layer, Scope, Semaphore } from "effect"
import * as RateLimiter from "effect/persistence/RateLimiter"

/** `@effect/platform-node/NodeRedis`, loaded with the optional peers. */
export type NodeRedisModule = typeof NodeRedis

export interface RedisLimiterOptions {
  readonly host: string
  readonly port: number
  /** Prefix of the Redis keys (Effect's store has `"ratelimiter:"`). */
  readonly prefix?: string | undefined
  /** The longest a connection attempt or one take waits for Redis. */
  readonly timeout: Duration.Duration
}

/** After a failed connection attempt, takes fail with its cause for this long before the next attempt. */
const RECONNECT_AFTER_MILLIS = 500

interface Connection {
  readonly limiter: RateLimiter.RateLimiter
  readonly scope: Scope.Closeable
  /** False once node-redis has given up reconnecting (it then never sends again). */
  readonly usable: () => boolean
}

/** One consume of `RateLimiter` that may also fail because Redis cannot be reached (the cause is what node-redis said). */
export type Consume = (options: Parameters<RateLimiter.RateLimiter["consume"]>[0]) => Effect.Effect<RateLimiter.ConsumeResult, unknown>

/** The consume of a `RateLimiter` over Redis; its connections end with `Scope`. */
export const makeRedisLimiter = (
  platform: NodeRedisModule,
  options: RedisLimiterOptions
): Effect.Effect<Consume, never, Scope.Scope> =>
  Effect.gen(function*() {
    const layerScope = yield* Effect.scope
    const lock = yield* Semaphore.make(1)
    const timeoutMillis = Duration.toMillis(options.timeout)
    let current: Connection | undefined
    let lastFailure: { readonly at: number; readonly cause: unknown } | undefined

    const redis = platform.layer({
      socket: { host: options.host, port: options.port, connectTimeout: timeoutMillis },
      // While the connection is down a command fails at once, rather than waiting in a queue for it.
      disableOfflineQueue: true
    })
    const limiterLayer = RateLimiter.layer.pipe(
      Layer.provide(RateLimiter.layerStoreRedis(options.prefix !== undefined ? { prefix: options.prefix } : undefined)),
      Layer.provideMerge(redis)
    )

    const connect = Effect.gen(function*() {
      const scope = yield* Scope.fork(layerScope)
      const built = yield* Layer.buildWithScope(limiterLayer, scope).pipe(
        Effect.timeoutOrElse({
          duration: options.timeout,
          orElse: () => Effect.fail(new Error(`no connection within ${Duration.format(options.timeout)}`))
        }),
        Effect.onError(() => Scope.close(scope, Exit.void))
      )
      const client = Context.get(built, platform.NodeRedis).client
      return { limiter: Context.get(built, RateLimiter.RateLimiter), scope, usable: () => client.isOpen }
    })

    const connection: Effect.Effect<Connection, unknown> = Effect.suspend(() =>
      current !== undefined ? Effect.succeed(current) : lock.withPermit(Effect.gen(function*() {
        if (current !== undefined) return current
        const now = yield* Clock.currentTimeMillis
        if (lastFailure !== undefined && now - lastFailure.at < RECONNECT_AFTER_MILLIS) return yield* Effect.fail(lastFailure.cause)
        return yield* connect.pipe(
          Effect.tap((made) => Effect.sync(() => (current = made))),
          Effect.tapError((cause) => Effect.sync(() => (lastFailure = { at: now, cause })))
        )
      }))
    )

    /** A connection node-redis gave up on is closed; the next take opens a new one. */
    const dropIfGivenUp = (made: Connection) =>
      Effect.suspend(() => {
        if (made.usable() || current !== made) return Effect.void
        current = undefined
        return Scope.close(made.scope, Exit.void)
      })

    return (consume) =>
      Effect.flatMap(connection, (made) =>
        made.limiter.consume(consume).pipe(
          Effect.timeoutOrElse({
            duration: options.timeout,
            orElse: () => Effect.fail(new Error(`no answer within ${Duration.format(options.timeout)}`))
          }),
          Effect.tapError(() => dropIfGivenUp(made))
        ))
  })
