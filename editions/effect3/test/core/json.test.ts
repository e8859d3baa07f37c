/**
 * Core's JSON depth limit, one for the webhook reader (over the text), the in-memory Xtopay (over
 * a parsed body) and anything else that must refuse deep JSON before a recursive reader meets it.
 */
import { assert, describe, it } from "@effect/vitest"
import { jsonDepthExceeds, jsonTextNestsDeeperThan, MAX_JSON_DEPTH } from "#core/json.js"

const nested = (depth: number): unknown => {
  let value: unknown = "x"
  for (let i = 0; i < depth; i++) value = [value]
  return value
}
const bytes = (text: string) => new TextEncoder().encode(text)

describe("jsonTextNestsDeeperThan", () => {
  it("counts arrays and objects alike, up to the limit and past it", () => {
    assert.strictEqual(MAX_JSON_DEPTH, 64)
    assert.isFalse(jsonTextNestsDeeperThan(bytes(JSON.stringify(nested(MAX_JSON_DEPTH)))))
    assert.isTrue(jsonTextNestsDeeperThan(bytes(JSON.stringify(nested(MAX_JSON_DEPTH + 1)))))
    assert.isTrue(jsonTextNestsDeeperThan(bytes(`{"a":[{"b":1}]}`), 2))
    assert.isFalse(jsonTextNestsDeeperThan(bytes(`{"a":[{"b":1}]}`), 3))
  })

  it("ignores brackets inside strings, escaped quotes included", () => {
    assert.isFalse(jsonTextNestsDeeperThan(bytes(JSON.stringify({ a: "[[[[{{{{\"[[[[" })), 1))
  })

  it("reads a million levels without overflowing the stack", () => {
    assert.isTrue(jsonTextNestsDeeperThan(bytes("[".repeat(1_000_000) + "]".repeat(1_000_000))))
  })
})

describe("jsonDepthExceeds", () => {
  it("names the first top-level field nested past the limit (the object itself is level 1)", () => {
    assert.isUndefined(jsonDepthExceeds({ ok: nested(MAX_JSON_DEPTH - 1) }))
    assert.strictEqual(jsonDepthExceeds({ ok: 1, deep: nested(MAX_JSON_DEPTH) }), "deep")
    assert.strictEqual(jsonDepthExceeds({ a: { b: 1 } }, 1), "a")
    assert.isUndefined(jsonDepthExceeds({ a: "x" }, 1))
  })

  it("answers undefined for what is not an object", () => {
    for (const value of [null, 1, "x", true, undefined]) assert.isUndefined(jsonDepthExceeds(value))
  })

  it("walks a hundred thousand levels without overflowing the stack", () => {
    assert.strictEqual(jsonDepthExceeds({ deep: nested(100_000) }), "deep")
  })
})
