/**
 * Deterministic ids for the in-memory Xtopay: the same seed and the same sequence of creations
 * give the same ids. An id is its prefix, a fixed-width creation counter (so ids made later sort
 * later, which keeps "newest first" equal to creation order within a millisecond) and random
 * characters from a seeded generator.
 */

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
const COUNTER_WIDTH = 8

export interface IdGenerator {
  /** A fresh id, e.g. `next("cus_")` → `cus_0000001kx3v9qa`. */
  readonly next: (prefix: string) => string
  /** `length` random characters (for tokens inside URLs). */
  readonly token: (length: number) => string
}

/** mulberry32: a small, fast, seedable 32-bit generator. */
const seededRandom = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}

export const makeIdGenerator = (seed: number): IdGenerator => {
  const random = seededRandom(seed)
  let counter = 0
  const token = (length: number): string => {
    let out = ""
    for (let i = 0; i < length; i++) out += ALPHABET[random() % 36]
    return out
  }
  return {
    next: (prefix) => {
      counter++
      return `${prefix}${counter.toString(36).padStart(COUNTER_WIDTH, "0")}${token(6)}`
    },
    token
  }
}
