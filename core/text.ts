/**
 * Quoting values inside messages. A message names the bad value so the reader can find it, but
 * the value may be hostile: 20 MB long, or nested thousands of levels deep. What any message or
 * error field quotes goes through `quote`: bounded in length and depth, and it never throws.
 */

/** How much of a value a message quotes, in characters, before "…". */
export const QUOTE_LIMIT = 300

/** The most characters an error message of ours holds, whatever it quotes. */
export const MESSAGE_LIMIT = 500

/** How deep `quote` renders nested arrays and objects before writing `[…]` / `{…}`. */
const QUOTE_DEPTH = 8

/** `text` cut to `limit` characters, ending with "…" when it was longer. */
export const truncate = (text: string, limit: number = QUOTE_LIMIT): string =>
  text.length <= limit ? text : `${text.slice(0, Math.max(0, limit - 1))}…`

/**
 * A JSON-like rendering of `value` for a message: strings quoted, nesting past a few levels
 * elided, at most `limit` characters. It walks only as far as the limit, so its cost is bounded
 * by `limit`, not by the value's size or depth.
 */
export const quote = (value: unknown, limit: number = QUOTE_LIMIT): string => {
  let out = ""
  // Stops the walk once the budget is spent: a 20 MB array costs as much as a short one.
  const full = () => out.length > limit
  const write = (text: string) => {
    out += text
  }
  const visit = (v: unknown, depth: number): void => {
    if (full()) return
    if (typeof v === "string") return write(JSON.stringify(v.length > limit ? v.slice(0, limit) : v))
    if (typeof v === "number" || typeof v === "boolean" || v === null) return write(String(v))
    if (v === undefined) return write("undefined")
    if (typeof v === "bigint") return write(`${v}n`)
    if (typeof v !== "object") return write(`<${typeof v}>`)
    if (Array.isArray(v)) {
      if (depth >= QUOTE_DEPTH) return write(v.length === 0 ? "[]" : "[…]")
      write("[")
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) write(",")
        visit(v[i], depth + 1)
      }
      return write("]")
    }
    if (depth >= QUOTE_DEPTH) return write("{…}")
    write("{")
    let first = true
    // Own keys only, read as data: a `__proto__` key is a name like any other here.
    for (const key of Object.keys(v)) {
      if (full()) break
      if (!first) write(",")
      first = false
      write(`${JSON.stringify(key.length > limit ? key.slice(0, limit) : key)}:`)
      visit((v as Record<string, unknown>)[key], depth + 1)
    }
    write("}")
  }
  try {
    visit(value, 0)
  } catch {
    // A getter that throws, a revoked proxy: say that there was a value, not what it was.
    return "<unprintable value>"
  }
  return truncate(out, limit)
}
