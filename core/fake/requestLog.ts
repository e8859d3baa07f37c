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
  readonly size: number
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

/** Roughly what an entry holds, in characters of text: what bounds the log's memory. */
const sizeOf = (request: WireRequest, route: string): number => {
  let size = 64 + route.length + request.method.length + request.path.length + request.body.length + String(request.query).length
  for (const name in request.headers) size += name.length + request.headers[name]!.length
  return size
}

/** The most recent requests, at most `capacity` of them and `maxSize` characters in all (the oldest dropped first). */
export class RequestLog {
  private entries: Array<Entry> = []
  private head = 0
  private size = 0

  constructor(private readonly capacity: number, private readonly maxSize: number) {}

  add(request: WireRequest, route: string, account: string | undefined): void {
    if (this.capacity <= 0) return
    const size = sizeOf(request, route)
    this.entries.push({ request, route, account, size })
    this.size += size
    // The newest stays, however large: what a test just sent is what it looks for.
    while (this.entries.length - this.head > 1 && (this.entries.length - this.head > this.capacity || this.size > this.maxSize)) {
      this.size -= this.entries[this.head]!.size
      this.head++
    }
    // Drop the oldest in batches, so keeping the log is O(1) amortized.
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
    this.size = this.entries.reduce((total, entry) => total + entry.size, 0)
  }
}
