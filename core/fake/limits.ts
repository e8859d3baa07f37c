/**
 * The limits of the in-memory Xtopay, one set for every way it is reached (an edition's in-memory
 * client and its mock server): shared/reference/xtopay-api.md, "Limits".
 */

/** The largest request body read: 1 MiB (413 `invalid_request` past it). */
export const MAX_BODY_BYTES = 1024 * 1024

/** How deep a JSON body may nest: the body object is level 1 (400 `parameter_invalid` past it). */
export const MAX_DEPTH = 64

/**
 * The first top-level field of `body` whose value nests past `MAX_DEPTH`, or `undefined`.
 * Iterative, so no depth can overflow the stack.
 */
export const tooDeep = (body: object): string | undefined => {
  for (const [field, value] of Object.entries(body)) {
    const stack: Array<readonly [unknown, number]> = [[value, 2]]
    while (stack.length > 0) {
      const [item, depth] = stack.pop()!
      if (item === null || typeof item !== "object") continue
      if (depth > MAX_DEPTH) return field
      for (const child of Object.values(item)) stack.push([child, depth + 1])
    }
  }
  return undefined
}
