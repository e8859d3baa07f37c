/**
 * The API's rules for scalar values (ids, emails, phones, currencies, URLs, page sizes, idempotency
 * keys), each a check that answers `undefined` when the value passes and the message to show when
 * it does not. Each edition's schemas wrap these checks, so both editions refuse exactly the same
 * input with the same words. Messages quote the bad value through `quote`: never whole.
 */
import { quote } from "./text.js"
import { isLoopbackHost } from "./urls.js"

/** `undefined` when the value passes; otherwise what is wrong with it. */
export type Check<A> = (value: A) => string | undefined

/** An object id as it may appear in a path: non-empty, no `/`, `?`, `#` or whitespace, not `.` or `..`. */
export const objectId: Check<string> = (s) => {
  if (s.length === 0) return "must not be empty"
  if (s === "." || s === "..") return `must not be ${quote(s)}`
  if (/[/?#\s]/.test(s)) return `must not contain '/', '?', '#' or whitespace, got ${quote(s)}`
  return undefined
}

/** An id that starts with `prefix` (`we_`, `evt_`) and has something after it. */
export const prefixedId = (prefix: string): Check<string> => (s) =>
  s.startsWith(prefix) && s.length > prefix.length ? undefined : `Expected an id starting with "${prefix}", got ${quote(s)}`

/** Something `@` a domain with a dot, no whitespace, at most 254 characters. */
export const email: Check<string> = (s) =>
  s.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s) ? undefined : `Expected an email address, got ${quote(s)}`

/** E.164: `+`, a country code, up to 15 digits in all. */
export const e164Phone: Check<string> = (s) =>
  /^\+[1-9]\d{6,14}$/.test(s) ? undefined : `Expected an E.164 phone number such as "+233244000000", got ${quote(s)}`

/** ISO 4217: three upper-case letters. */
export const currencyCode: Check<string> = (s) =>
  /^[A-Z]{3}$/.test(s) ? undefined : `Expected an ISO 4217 currency code such as "GHS", got ${quote(s)}`

/** An absolute http(s) URL. */
export const httpUrl: Check<string> = (s) => {
  if (URL.canParse(s)) {
    const url = new URL(s)
    if ((url.protocol === "http:" || url.protocol === "https:") && url.host !== "") return undefined
  }
  return `Expected an absolute http(s) URL, got ${quote(s)}`
}

/** A webhook endpoint's URL: https, or plain http only to a loopback host (local development). */
export const webhookUrl: Check<string> = (s) => {
  if (URL.canParse(s)) {
    const url = new URL(s)
    if (url.protocol === "https:" && url.host !== "") return undefined
    if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined
  }
  return `Expected an absolute https URL (plain http only to localhost, 127.0.0.0/8 or [::1]), got ${quote(s)}`
}

/** A page size: an integer from 1 to 100. */
export const pageLimit: Check<number> = (n) =>
  Number.isInteger(n) && n >= 1 && n <= 100 ? undefined : `Expected an integer from 1 to 100, got ${quote(n)}`

/** An `Idempotency-Key`: 1 to 255 printable ASCII characters, no leading or trailing space. */
export const idempotencyKey: Check<string> = (s) => {
  if (s.length === 0 || s.length > 255) return `must be 1 to 255 characters long, got ${s.length}`
  if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(s)) {
    return "must hold printable ASCII characters only, with no leading or trailing space"
  }
  return undefined
}

/**
 * What a metadata key may be: any string but `__proto__`. A JavaScript object cannot hold that one
 * as a plain key (assigned, it sets the prototype; Effect 3's records drop it), so the client and
 * the fake refuse it rather than lose it.
 */
export const METADATA_KEY = `a key other than "__proto__"`

/** A metadata key; the words are those Effect 3 gives a record key its schema refuses, so both editions say the same. */
export const metadataKey: Check<string> = (key) => key === "__proto__" ? `is unexpected, expected: ${METADATA_KEY}` : undefined

/** The first own key of `metadata` that `metadataKey` refuses (`Object.keys` sees a `__proto__` made by `JSON.parse`). */
export const refusedMetadataKey = (metadata: object): string | undefined =>
  Object.keys(metadata).find((key) => metadataKey(key) !== undefined)
