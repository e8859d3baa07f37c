/**
 * The rate limit of the in-memory Xtopay, per account.
 */
import { Duration } from "effect"
import type { RateLimit } from "../Control.js"

/** A fixed window per account: at most `requests` in each `window`. */
export class RateLimiter {
  private limit: { readonly requests: number; readonly windowMillis: number } | undefined
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(limit: RateLimit | undefined) {
    this.set(limit)
  }

  set(limit: RateLimit | undefined): void {
    this.windows.clear()
    this.limit = limit === undefined
      ? undefined
      : { requests: limit.requests, windowMillis: Math.max(1, Duration.toMillis(Duration.decode(limit.window))) }
  }

  /** Counts the request; when over the limit, the whole seconds to wait (at least 1). */
  check(account: string, now: number): number | undefined {
    const limit = this.limit
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
