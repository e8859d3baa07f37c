/**
 * Idempotency keys of the in-memory Xtopay: per account, kept 24 hours (on the time the fake is given),
 * replaying the first answer to a repeat with the same body, refusing another body, and saying
 * "in use" while the first request still runs.
 */
import type { WireAnswer } from "./wire.js"

/** How long a key is remembered, from its first request. */
export const KEY_LIFETIME_MILLIS = 24 * 60 * 60 * 1000

/** What a request is, for "same key, same request?": method, path and body. */
export interface Fingerprint {
  readonly method: string
  readonly path: string
  readonly body: string
}

type Entry =
  | { readonly _tag: "Running"; readonly fingerprint: Fingerprint; readonly expiresAt: number }
  | { readonly _tag: "Done"; readonly fingerprint: Fingerprint; readonly expiresAt: number; readonly answer: WireAnswer }

export type Begin =
  | { readonly _tag: "Fresh" }
  | { readonly _tag: "Replay"; readonly answer: WireAnswer }
  | { readonly _tag: "Mismatch" }
  | { readonly _tag: "InUse" }

/** Key order and spacing do not make two JSON bodies different. */
const canonical = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) out[key] = canonical((value as Record<string, unknown>)[key])
    return out
  }
  return value
}

const sameBody = (a: string, b: string): boolean => {
  if (a === b) return true
  try {
    return JSON.stringify(canonical(JSON.parse(a))) === JSON.stringify(canonical(JSON.parse(b)))
  } catch {
    return false
  }
}

const sameRequest = (a: Fingerprint, b: Fingerprint): boolean =>
  a.method === b.method && a.path === b.path && sameBody(a.body, b.body)

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>()
  /** Keys in the order they were first used, to forget expired ones in O(1) amortized. */
  private readonly expiryQueue: Array<{ readonly slot: string; readonly expiresAt: number }> = []
  private expiryHead = 0

  private forgetExpired(now: number): void {
    const queue = this.expiryQueue
    while (this.expiryHead < queue.length && queue[this.expiryHead]!.expiresAt <= now) {
      const { slot, expiresAt } = queue[this.expiryHead++]!
      const entry = this.entries.get(slot)
      if (entry !== undefined && entry._tag === "Done" && entry.expiresAt === expiresAt) this.entries.delete(slot)
    }
    if (this.expiryHead > 1024 && this.expiryHead * 2 > queue.length) {
      queue.splice(0, this.expiryHead)
      this.expiryHead = 0
    }
  }

  /** Looks the key up; when it is fresh, marks it running. */
  begin(account: string, key: string, fingerprint: Fingerprint, now: number): Begin {
    this.forgetExpired(now)
    const slot = `${account}\u0000${key}`
    const entry = this.entries.get(slot)
    if (entry === undefined || (entry._tag === "Done" && entry.expiresAt <= now)) {
      const expiresAt = now + KEY_LIFETIME_MILLIS
      this.entries.set(slot, { _tag: "Running", fingerprint, expiresAt })
      this.expiryQueue.push({ slot, expiresAt })
      return { _tag: "Fresh" }
    }
    if (!sameRequest(entry.fingerprint, fingerprint)) return { _tag: "Mismatch" }
    return entry._tag === "Running" ? { _tag: "InUse" } : { _tag: "Replay", answer: entry.answer }
  }

  /** Forgets every key of one account (expiry-queue items left behind find no entry and are skipped). */
  forgetAccount(account: string): void {
    const prefix = `${account}\u0000`
    for (const slot of this.entries.keys()) if (slot.startsWith(prefix)) this.entries.delete(slot)
  }

  /** Keeps the answer for replay, or (`undefined`: nothing was done) frees the key. */
  finish(account: string, key: string, answer: WireAnswer | undefined): void {
    const slot = `${account}\u0000${key}`
    const entry = this.entries.get(slot)
    if (entry === undefined || entry._tag !== "Running") return
    if (answer === undefined) this.entries.delete(slot)
    else this.entries.set(slot, { _tag: "Done", fingerprint: entry.fingerprint, expiresAt: entry.expiresAt, answer })
  }
}
