/**
 * The rate limit of the in-memory Xtopay, per account: one limit for every account, which an
 * account may replace with its own.
 */
import { Duration } from "effect"
import type { RateLimit } from "../Control.js"

interface Limit {
  readonly requests: number
  readonly windowMillis: number
}

const toLimit = (limit: RateLimit): Limit => ({
  requests: limit.requests,
  windowMillis: Math.max(1, Duration.toMillis(Duration.decode(limit.window)))
})

/** A fixed window per account: at most `requests` in each `window`. */
export class RateLimiter {
  private limit: Limit | undefined
  private readonly own = new Map<string, Limit>()
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(limit: RateLimit | undefined) {
    this.set(limit)
  }

  /** The limit of every account, replacing the ones accounts set for themselves. */
  set(limit: RateLimit | undefined): void {
    this.windows.clear()
    this.own.clear()
    this.limit = limit === undefined ? undefined : toLimit(limit)
  }

  /** One account's own limit; `undefined` removes it, so the limit of every account applies again. */
  setFor(account: string, limit: RateLimit | undefined): void {
    this.windows.delete(account)
    if (limit === undefined) this.own.delete(account)
    else this.own.set(account, toLimit(limit))
  }

  /** Counts the request; when over the limit, the whole seconds to wait (at least 1). */
  check(account: string, now: number): number | undefined {
    const limit = this.own.get(account) ?? this.limit
    if (limit === undefined) return undefined
    let window = this.windows.get(account)
    if (window === undefined || now >= window.start + limit.windowMillis) {
      window = { start: now, count: 0 }
      this.windows.set(account, window)
    }
    window.count += 1
    if (window.count <= limit.requests) return undefined
    return Math.max(1, Math.ceil((window.start + limit.windowMillis - now) / 1000))
  }
}
