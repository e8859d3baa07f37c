/** Assertions shared by the client suites: what every request must carry, and readable decoded values. */
import { assert } from "@effect/vitest"
import { readFileSync } from "node:fs"
import { DateTime, Schema } from "effect"
import { IdempotencyKey } from "../../src/Schemas.js"
import type { RecordedRequest } from "../support/scripted.js"

const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  readonly version: string
}

/** `Basic base64("cid_test_abc:csk_test_xyz")`, computed apart from the client's own code. */
export const expectedAuthorization = `Basic ${Buffer.from("cid_test_abc:csk_test_xyz", "utf8").toString("base64")}`
export const expectedUserAgent = `effect-xtopay/${packageJson.version}`

export const BASE = "https://api.xtopay.co/v1"

const isKey = Schema.is(IdempotencyKey)

/**
 * The headers every request carries, plus the ones a body or an idempotent write adds, and nothing
 * that would leak tracing to Xtopay. Returns the Idempotency-Key sent, if any.
 */
export const assertHeaders = (
  request: RecordedRequest,
  expected: { readonly body: boolean; readonly idempotencyKey: "generated" | string | undefined }
): string | undefined => {
  const headers = request.headers
  assert.strictEqual(headers["authorization"], expectedAuthorization)
  assert.strictEqual(headers["accept"], "application/json")
  assert.strictEqual(headers["user-agent"], expectedUserAgent)
  if (expected.body) {
    assert.strictEqual(headers["content-type"], "application/json")
  } else {
    assert.isUndefined(headers["content-type"])
    assert.strictEqual(request.bodyText, "")
  }
  const key = headers["idempotency-key"]
  if (expected.idempotencyKey === undefined) {
    assert.isUndefined(key)
  } else if (expected.idempotencyKey === "generated") {
    assert.isString(key)
    assert.isTrue(isKey(key), `generated Idempotency-Key ${key} must be a valid key`)
    assert.isAtLeast(key!.length, 16, "a generated key must be long enough to be unique")
  } else {
    assert.strictEqual(key, expected.idempotencyKey)
  }
  assert.isUndefined(headers["traceparent"])
  assert.isUndefined(headers["b3"])
  return key
}

/**
 * A decoded value with each `DateTime` replaced by `"Utc <ISO>"` (or `"Zoned …"`), so one deep
 * comparison checks the values and that every timestamp decoded to a `DateTime.Utc`.
 */
export const readable = (value: unknown): unknown => {
  if (DateTime.isDateTime(value)) {
    return `${DateTime.isUtc(value) ? "Utc" : "Zoned"} ${DateTime.formatIso(value)}`
  }
  if (Array.isArray(value)) return value.map(readable)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readable(v)]))
  }
  return value
}

/** How `readable` shows a timestamp that decoded correctly. */
export const at = (iso: string): string => `Utc ${new Date(iso).toISOString()}`
