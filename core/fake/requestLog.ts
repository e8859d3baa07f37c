/**
 * The requests the in-memory Xtopay received (the oldest dropped first when full), with the
 * `authorization` header redacted when read.
 */
import type { WireRequest } from "./wire.js"

/** A request the fake received, its `authorization` header redacted. */
export interface RecordedRequest extends WireRequest {
  /** The route template it matched, e.g. `"GET /customers/:id"` (the concrete path when none). */
  readonly route: string
  /** The account the credentials named, when they could be read. */
  readonly account: string | undefined
}

export const REDACTED = "<redacted>"

interface Entry {
  readonly request: WireRequest
  readonly route: string
  readonly account: string | undefined
}

const redact = ({ account, request, route }: Entry): RecordedRequest => ({
  method: request.method,
  path: request.path,
  query: new URLSearchParams(request.query),
  headers: request.headers["authorization"] === undefined
    ? { ...request.headers }
    : { ...request.headers, authorization: REDACTED },
  body: request.body,
  route,
  account
})

export class RequestLog {
  private entries: Array<Entry> = []
  private head = 0

  constructor(private readonly capacity: number) {}

  add(request: WireRequest, route: string, account: string | undefined): void {
    if (this.capacity <= 0) return
    this.entries.push({ request, route, account })
    // Drop the oldest in batches, so keeping the log is O(1) amortized.
    if (this.entries.length - this.head > this.capacity) this.head++
    if (this.head > 1024 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head)
      this.head = 0
    }
  }

  /** Every kept request, or (given an account) those whose credentials named it. */
  snapshot(account?: string): ReadonlyArray<RecordedRequest> {
    const kept = this.entries.slice(this.head)
    return (account === undefined ? kept : kept.filter((entry) => entry.account === account)).map(redact)
  }

  /** Forgets every request, or (given an account) that account's. */
  clear(account?: string): void {
    this.entries = account === undefined ? [] : this.entries.slice(this.head).filter((entry) => entry.account !== account)
    this.head = 0
  }
}
