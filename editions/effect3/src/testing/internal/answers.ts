/**
 * Building the answers of the in-memory Xtopay: JSON bodies encoded with the response schemas,
 * and the reference's error envelope.
 */
import { Schema } from "effect"
import { ErrorEnvelope } from "../../Schemas.js"
import type { WireAnswer } from "../wire.js"

/** Where an error's `doc_url` points. */
export const DOC_URL = "https://docs.xtopay.co/api/errors"

const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" }

/** A JSON answer of an already-encoded value. */
export const jsonAnswer = (
  status: number,
  encoded: unknown,
  headers: Readonly<Record<string, string>> = JSON_HEADERS
): WireAnswer => ({ _tag: "Answer", status, headers, body: JSON.stringify(encoded) })

/** A JSON answer of JSON text already made. */
export const jsonTextAnswer = (status: number, json: string): WireAnswer => ({
  _tag: "Answer",
  status,
  headers: JSON_HEADERS,
  body: json
})

const encodeEnvelope = Schema.encodeSync(ErrorEnvelope)

/** An error answer with the reference's body: `{ "error": { code, message, param, doc_url } }`. */
export const errorAnswer = (
  status: number,
  code: string,
  message: string,
  param: string | null = null,
  extraHeaders?: Readonly<Record<string, string>>
): WireAnswer =>
  jsonAnswer(
    status,
    encodeEnvelope({ error: { code, message, param, doc_url: `${DOC_URL}#${code}` } }),
    extraHeaders === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...extraHeaders }
  )

/** The code a bare status stands for, when a fault gives none. */
export const defaultCode = (status: number): string => {
  switch (status) {
    case 400:
      return "invalid_request"
    case 401:
      return "invalid_credentials"
    case 403:
      return "insufficient_scope"
    case 404:
      return "resource_not_found"
    case 409:
      return "idempotency_key_in_use"
    case 422:
      return "idempotency_key_mismatch"
    case 429:
      return "rate_limit_exceeded"
    default:
      return status >= 500 ? "api_error" : "invalid_request"
  }
}

/** A 429 `rate_limit_exceeded` asking to wait `seconds`. */
export const rateLimitedAnswer = (seconds: number): WireAnswer =>
  errorAnswer(429, "rate_limit_exceeded", `Too many requests: retry after ${seconds} seconds`, null, {
    "retry-after": String(seconds)
  })
