/**
 * Core's retry rules, as both editions use them: the server's wait hints read into milliseconds,
 * which failures are retried, and the backoff's ceiling. The editions' retry tests drive the same
 * rules through a client on the TestClock.
 */
import { assert, describe, it } from "@effect/vitest"
import {
  backoffCeilingMillis,
  isRetryableFailure,
  MAX_BACKOFF_MILLIS,
  RETRYABLE_SERVER_STATUSES,
  waitHintMillis
} from "#core/retry.js"

describe("waitHintMillis", () => {
  const now = Date.UTC(2026, 4, 24, 10, 0, 0)
  const hint = (headers: Record<string, string>) => waitHintMillis(headers, now)

  it("parses delta-seconds, HTTP dates and RateLimit t; ignores what it cannot read", () => {
    assert.strictEqual(hint({ "retry-after": "0" }), 0)
    assert.strictEqual(hint({ "retry-after": " 12 " }), 12_000)
    assert.strictEqual(hint({ "retry-after": "5" }), 5_000)
    assert.strictEqual(hint({ "retry-after": "1.5" }), 1_500)
    assert.strictEqual(hint({ "retry-after": "Sun, 24 May 2026 10:00:09 GMT" }), 9_000)
    assert.strictEqual(hint({ "retry-after": "Sun, 24 May 2026 09:00:00 GMT" }), 0)
    assert.isUndefined(hint({ "retry-after": "-5" }))
    assert.isUndefined(hint({ "retry-after": "soon" }))
    assert.strictEqual(hint({ ratelimit: "\"default\";r=0;t=7" }), 7_000)
    assert.strictEqual(hint({ ratelimit: "\"default\";t=7" }), 7_000)
    assert.strictEqual(hint({ ratelimit: "\"a\";r=0;t=7, \"b\";r=0;t=12" }), 12_000)
    assert.strictEqual(hint({ ratelimit: `"default";r=0;t=30, "burst";r=5;t=2` }), 30_000)
    // A quota with requests left says when it resets, not how long to wait.
    assert.isUndefined(hint({ ratelimit: "\"default\";r=40;t=30" }))
    assert.strictEqual(hint({ "retry-after": "garbage", ratelimit: "\"default\";r=0;t=4" }), 4_000)
    assert.isUndefined(hint({}))
  })

  it("reads an HTTP date only in one of its three forms (asctime's as GMT): any other text is ignored, not read as some date", () => {
    // Each of these Date.parse reads as some instant (most in the past, so a retry would go at once).
    for (const garbage of ["retry 5", "5 seconds", "May", "tomorrow 2026", "Sun", "2026-05-24T10:00:09Z", "Sun, 24 May 2026"]) {
      assert.isUndefined(hint({ "retry-after": garbage }), garbage)
    }
    assert.strictEqual(hint({ "retry-after": "retry 5", ratelimit: "\"default\";r=0;t=4" }), 4_000)
    assert.strictEqual(hint({ "retry-after": "Sun, 24 May 2026 10:00:09 GMT" }), 9_000)
    assert.strictEqual(hint({ "retry-after": "Sunday, 24-May-26 10:00:09 GMT" }), 9_000)
    assert.strictEqual(hint({ "retry-after": "Sun May 24 10:00:09 2026" }), 9_000)
  })
})

describe("isRetryableFailure", () => {
  it("retries connection failures, 429, 409 in use and 500/502/503/504; nothing else", () => {
    assert.isTrue(isRetryableFailure({ _tag: "ConnectionError", reason: "Transport" }))
    assert.isTrue(isRetryableFailure({ _tag: "ConnectionError", reason: "Timeout" }))
    assert.isFalse(isRetryableFailure({ _tag: "ConnectionError", reason: "RateLimitStore" }))
    assert.isTrue(isRetryableFailure({ _tag: "RateLimited", status: 429 }))
    for (const status of [500, 502, 503, 504]) assert.isTrue(isRetryableFailure({ _tag: "ServerError", status }), String(status))
    for (const status of [501, 505, 599]) assert.isFalse(isRetryableFailure({ _tag: "ServerError", status }), String(status))
    assert.isFalse(isRetryableFailure({ _tag: "ServerError" }))
    assert.isTrue(isRetryableFailure({ _tag: "IdempotencyConflict", status: 409, code: "idempotency_key_in_use" }))
    assert.isFalse(isRetryableFailure({ _tag: "IdempotencyConflict", status: 409, code: "idempotency_key_mismatch" }))
    assert.isFalse(isRetryableFailure({ _tag: "IdempotencyConflict", status: 422, code: "idempotency_key_mismatch" }))
    assert.isFalse(isRetryableFailure({ _tag: "UnexpectedResponse", status: 200 }))
    assert.isFalse(isRetryableFailure({ _tag: "InvalidRequest", status: 400 }))
    assert.deepStrictEqual([...RETRYABLE_SERVER_STATUSES].sort(), [500, 502, 503, 504])
  })
})

describe("backoffCeilingMillis", () => {
  it("doubles from 500 ms and stops at 8 s", () => {
    assert.deepStrictEqual([1, 2, 3, 4, 5, 6, 10].map(backoffCeilingMillis), [500, 1000, 2000, 4000, 8000, 8000, 8000])
    assert.strictEqual(MAX_BACKOFF_MILLIS, 8000)
  })
})
