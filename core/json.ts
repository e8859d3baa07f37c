/**
 * How deep JSON may nest, and the checks for it, shared by the webhook reader, the in-memory
 * Xtopay and the client's request validation. Both are iterative: no depth can overflow the stack.
 */

/**
 * How deep JSON may nest, arrays and objects counted alike, the outermost value being level 1.
 * Xtopay's shapes nest fewer than 10 levels; past this, a schema decoder or a handler's own code
 * may overflow the stack.
 */
export const MAX_JSON_DEPTH = 64

const QUOTE = 0x22
const BACKSLASH = 0x5c
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d

/** Does the JSON text nest deeper than `max`? One pass over the bytes (multi-byte UTF-8 never holds these ASCII bytes). */
export const jsonTextNestsDeeperThan = (bytes: Uint8Array, max: number = MAX_JSON_DEPTH): boolean => {
  let depth = 0
  let inString = false
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!
    if (inString) {
      if (byte === BACKSLASH) i++
      else if (byte === QUOTE) inString = false
    } else if (byte === QUOTE) inString = true
    else if (byte === OPEN_ARRAY || byte === OPEN_OBJECT) {
      if (++depth > max) return true
    } else if (byte === CLOSE_ARRAY || byte === CLOSE_OBJECT) depth--
  }
  return false
}

/**
 * The first top-level field of `value` (an object, level 1) whose value nests deeper than `max`
 * levels, or `undefined` (also when `value` is not an object).
 */
export const jsonDepthExceeds = (value: unknown, max: number = MAX_JSON_DEPTH): string | undefined => {
  if (value === null || typeof value !== "object") return undefined
  for (const [field, child] of Object.entries(value)) {
    const stack: Array<readonly [unknown, number]> = [[child, 2]]
    while (stack.length > 0) {
      const [item, depth] = stack.pop()!
      if (item === null || typeof item !== "object") continue
      if (depth > max) return field
      for (const inner of Object.values(item)) stack.push([inner, depth + 1])
    }
  }
  return undefined
}
