/**
 * The list cursors of the in-memory Xtopay: `cur_` and the position it names, base64url-encoded.
 * Opaque to clients; a cursor that is not one of ours decodes to `undefined`.
 */
import type { Boundary } from "./sortedIndex.js"

const toBase64Url = (text: string): string => {
  let binary = ""
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")
}

const fromBase64Url = (encoded: string): string => {
  const binary = atob(encoded.replace(/-/g, "+").replace(/_/g, "/"))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
}

/** `cur_…`: opaque to clients; here, the position it names. */
export const encodeCursor = (boundary: Boundary): string =>
  `cur_${toBase64Url(JSON.stringify([boundary.millis, boundary.id, boundary.above ? 1 : 0]))}`

/** The position a cursor names, or `undefined` when it is not one of ours. */
export const decodeCursor = (cursor: string): Boundary | undefined => {
  if (!cursor.startsWith("cur_")) return undefined
  try {
    const parsed: unknown = JSON.parse(fromBase64Url(cursor.slice(4)))
    if (
      Array.isArray(parsed) && parsed.length === 3 && typeof parsed[0] === "number" && Number.isFinite(parsed[0]) &&
      typeof parsed[1] === "string" && (parsed[2] === 0 || parsed[2] === 1)
    ) {
      return { millis: parsed[0], id: parsed[1], above: parsed[2] === 1 }
    }
    return undefined
  } catch {
    return undefined
  }
}
