/**
 * The rate limit of the in-memory Xtopay: per account, whichever connection or client the
 * requests come by, over a sliding window, so it judges many processes sharing one account. One
 * limit applies to every account; an account may replace it with its own.
 */

/** At most `requests` requests in any `windowMillis`. */
export interface Limit {
  readonly requests: number
  readonly windowMillis: number
}

/** The largest limit the fake honours: each account keeps one timestamp per request of its window. */
export const MAX_RATE_LIMIT_REQUESTS = 1_000_000

/** The longest window the fake honours: a day. */
export const MAX_RATE_LIMIT_WINDOW_MILLIS = 24 * 60 * 60 * 1000

/** What is wrong with a limit, by field, or `undefined` when the fake can honour it. */
export const rateLimitProblem = (limit: Limit): { readonly field: "requests" | "window"; readonly message: string } | undefined => {
  if (!Number.isInteger(limit.requests) || limit.requests < 1 || limit.requests > MAX_RATE_LIMIT_REQUESTS) {
    return { field: "requests", message: `Expected an integer from 1 to ${MAX_RATE_LIMIT_REQUESTS}, got ${limit.requests}` }
  }
  if (!(limit.windowMillis > 0 && limit.windowMillis <= MAX_RATE_LIMIT_WINDOW_MILLIS)) {
    return { field: "window", message: `Expected a window above zero and at most 24 hours, got ${limit.windowMillis} ms` }
  }
  return undefined
}

const toLimit = (limit: Limit): Limit => ({ requests: limit.requests, windowMillis: Math.max(1, limit.windowMillis) })

/** The times of the requests one account was let through, oldest first: a ring of `requests` slots. */
interface Log {
  readonly times: Array<number>
  /** Index of the oldest time. */
  start: number
  size: number
}

/** A sliding window per account: at most `requests` accepted in any `window`; refused ones do not count. */
export class RateLimiter {
  private limit: Limit | undefined
  private readonly own = new Map<string, Limit>()
  private readonly logs = new Map<string, Log>()

  constructor(limit: Limit | undefined) {
    this.set(limit)
  }

  /** The limit of every account, replacing the ones accounts set for themselves. */
  set(limit: Limit | undefined): void {
    this.logs.clear()
    this.own.clear()
    this.limit = limit === undefined ? undefined : toLimit(limit)
  }

  /** One account's own limit; `undefined` removes it, so the limit of every account applies again. */
  setFor(account: string, limit: Limit | undefined): void {
    this.logs.delete(account)
    if (limit === undefined) this.own.delete(account)
    else this.own.set(account, toLimit(limit))
  }

  /** Counts the request; when over the limit, the whole seconds until the oldest leaves the window (at least 1). */
  check(account: string, now: number): number | undefined {
    const limit = this.own.get(account) ?? this.limit
    if (limit === undefined) return undefined
    const capacity = limit.requests
    if (capacity < 1) return Math.max(1, Math.ceil(limit.windowMillis / 1000))
    let log = this.logs.get(account)
    if (log === undefined || log.times.length !== capacity) {
      log = { times: new Array<number>(capacity), start: 0, size: 0 }
      this.logs.set(account, log)
    }
    while (log.size > 0 && log.times[log.start]! <= now - limit.windowMillis) {
      log.start = (log.start + 1) % capacity
      log.size -= 1
    }
    if (log.size < capacity) {
      log.times[(log.start + log.size) % capacity] = now
      log.size += 1
      return undefined
    }
    return Math.max(1, Math.ceil((log.times[log.start]! + limit.windowMillis - now) / 1000))
  }
}
