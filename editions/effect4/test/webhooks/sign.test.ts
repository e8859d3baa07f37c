/**
 * `Webhooks.sign` makes the headers Xtopay sends: checked against node:crypto's HMAC, computed
 * here independently of the code under test.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { createHmac } from "node:crypto"
import { Webhooks } from "../../src/index.js"

const hmac = (secret: string, message: string | Buffer) => createHmac("sha256", secret).update(message).digest("hex")

describe("Webhooks.sign", () => {
  it.effect("signs `<timestamp>.<body>` with HMAC-SHA256 of the secret", () =>
    Effect.gen(function*() {
      const headers = yield* Webhooks.sign({ payload: "{\"a\":1}", secret: Redacted.make("whsec"), timestamp: 1700000000 })
      assert.deepStrictEqual(headers, {
        "content-type": "application/json",
        "x-xtopay-timestamp": "1700000000",
        "x-xtopay-signature": `sha256=${hmac("whsec", "1700000000.{\"a\":1}")}`
      })
    }))

  it.effect("takes the timestamp from the Clock by default", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(1_800_000_000_999)
      const headers = yield* Webhooks.sign({ payload: "x", secret: Redacted.make("k") })
      assert.strictEqual(headers["x-xtopay-timestamp"], "1800000000")
      assert.strictEqual(headers["x-xtopay-signature"], `sha256=${hmac("k", "1800000000.x")}`)
    }))

  it.effect("signs bytes as they are, never re-encoded", () =>
    Effect.gen(function*() {
      const bytes = new Uint8Array([0xff, 0x00, 0x7b])
      const headers = yield* Webhooks.sign({ payload: bytes, secret: Redacted.make("k"), timestamp: 5 })
      assert.strictEqual(
        headers["x-xtopay-signature"],
        `sha256=${hmac("k", Buffer.concat([Buffer.from("5."), Buffer.from(bytes)]))}`
      )
    }))

  it.effect("dies on a timestamp that is not unix seconds", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Webhooks.sign({ payload: "x", secret: Redacted.make("k"), timestamp: -1 }))
      assert.strictEqual(exit._tag, "Failure")
    }))
})
