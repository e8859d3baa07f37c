/**
 * Messages quote bad values so the reader can find them; a hostile value (huge, or nested
 * thousands deep) must still give a short message and never throw.
 */
import { assert, describe, it } from "@effect/vitest"
import { quote, QUOTE_LIMIT, truncate } from "#core/text.js"

const nested = (depth: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

describe("quote", () => {
  it("renders small values as JSON", () => {
    assert.strictEqual(quote({ a: [1, "b", null, true] }), `{"a":[1,"b",null,true]}`)
  })

  it("quotes a 20 MB string in at most QUOTE_LIMIT characters, ending with …", () => {
    const text = quote("x".repeat(20_000_000))
    assert.isAtMost(text.length, QUOTE_LIMIT)
    assert.isTrue(text.endsWith("…"))
  })

  it("quotes a value nested 100,000 deep without overflowing the stack", () => {
    const text = quote(nested(100_000))
    assert.isAtMost(text.length, QUOTE_LIMIT)
    assert.include(text, "[…]")
  })

  it("quotes a million-element array at the cost of its first elements", () => {
    const text = quote(Array.from({ length: 1_000_000 }, (_, i) => i))
    assert.isAtMost(text.length, QUOTE_LIMIT)
    assert.isTrue(text.startsWith("[0,1,2,3"))
  })

  it("keeps a __proto__ key as a name", () => {
    assert.strictEqual(quote(JSON.parse(`{"__proto__":{"x":1}}`)), `{"__proto__":{"x":1}}`)
  })

  it("says a value that throws while read is unprintable", () => {
    const hostile = { get boom(): never { throw new Error("no") } }
    assert.strictEqual(quote(hostile), "<unprintable value>")
  })

  it("truncate leaves short text alone and cuts long text to the limit", () => {
    assert.strictEqual(truncate("short", 10), "short")
    assert.strictEqual(truncate("abcdefghijkl", 5), "abcd…")
  })
})
