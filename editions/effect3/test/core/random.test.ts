/**
 * Core's link tokens: the requested length, only [a-z0-9], and not repeated.
 */
import { assert, describe, it } from "@effect/vitest"
import { randomToken } from "#core/random.js"

describe("randomToken", () => {
  it("is as long as asked, from [a-z0-9], and differs from call to call", () => {
    for (const length of [0, 1, 24, 100]) {
      const token = randomToken(length)
      assert.strictEqual(token.length, length)
      assert.match(token, /^[a-z0-9]*$/)
    }
    const tokens = new Set(Array.from({ length: 200 }, () => randomToken(24)))
    assert.strictEqual(tokens.size, 200)
  })

  it("uses every character of the alphabet", () => {
    assert.strictEqual(new Set(randomToken(5000)).size, 36)
  })
})
