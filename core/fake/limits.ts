/**
 * The limits of the in-memory Xtopay, one set for every way it is reached (an edition's in-memory
 * client and its mock server): shared/reference/xtopay-api.md, "Limits".
 */
import { metadataKey, refusedMetadataKey } from "../rules.js"
import { errorAnswer } from "./answers.js"
import type { WireAnswer } from "./wire.js"

/** The largest request body read: 1 MiB (413 `invalid_request` past it). */
export const MAX_BODY_BYTES = 1024 * 1024

/** The longest query string read, in characters (400 `invalid_request` past it): no list takes more than a few hundred. */
export const MAX_QUERY_LENGTH = 4096

/** `metadata`: at most 50 keys, keys at most 40 characters, values at most 500. */
export const METADATA_LIMITS = { keys: 50, keyLength: 40, valueLength: 500 } as const

/** What is wrong with a metadata object (after any merge), or `undefined`. */
export const metadataProblem = (metadata: Readonly<Record<string, unknown>>): string | undefined => {
  // Core's key rule, for metadata that reaches the fake without an edition's schema (a seed).
  const refused = refusedMetadataKey(metadata)
  if (refused !== undefined) return `key ${JSON.stringify(refused)} ${metadataKey(refused)}`
  const keys = Object.keys(metadata)
  if (keys.length > METADATA_LIMITS.keys) return `at most ${METADATA_LIMITS.keys} keys, got ${keys.length}`
  for (const key of keys) {
    if (key.length > METADATA_LIMITS.keyLength) return `keys are at most ${METADATA_LIMITS.keyLength} characters, got one of ${key.length}`
    const value = metadata[key]
    if (typeof value === "string" && value.length > METADATA_LIMITS.valueLength) {
      return `values are at most ${METADATA_LIMITS.valueLength} characters, got one of ${value.length} (key ${JSON.stringify(key)})`
    }
  }
  return undefined
}

/** The body's size in UTF-8 bytes, counted only when its length could pass the limit. */
export const bodyTooLarge = (body: string): boolean =>
  body.length > MAX_BODY_BYTES || (body.length * 3 > MAX_BODY_BYTES && new TextEncoder().encode(body).length > MAX_BODY_BYTES)

/** The answer to a body past `MAX_BODY_BYTES`: 413 (not the reference's 400) so that a client sees what went wrong; the client maps it to InvalidRequest. */
export const bodyTooLargeAnswer = (): WireAnswer =>
  errorAnswer(413, "invalid_request", `The request body is larger than ${MAX_BODY_BYTES} bytes (1 MiB), the most this server reads`)
