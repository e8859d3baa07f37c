/**
 * The in-memory Xtopay's answers: JSON bodies already in wire form, and the reference's error
 * envelope `{ "error": { code, message, param, doc_url } }`.
 */
import { MESSAGE_LIMIT, truncate } from "../text.js"
import type { WireAnswer } from "./wire.js"

/** Where an error's `doc_url` points. */
export const DOC_URL = "https://docs.xtopay.co/api/errors"

const JSON_HEADERS: Readonly<Record<string, string>> = { "content-type": "application/json" }

/** A JSON answer of a value already in wire form. */
export const jsonAnswer = (
  status: number,
  wire: unknown,
  headers: Readonly<Record<string, string>> = JSON_HEADERS
): WireAnswer => ({ _tag: "Answer", status, headers, body: JSON.stringify(wire) })

/** A JSON answer of JSON text already made. */
export const jsonTextAnswer = (status: number, json: string): WireAnswer => ({
  _tag: "Answer",
  status,
  headers: JSON_HEADERS,
  body: json
})

/**
 * An error answer with the reference's envelope. Its message and param are capped: a schema's
 * message may quote the bad value, and the value may be megabytes long.
 */
export const errorAnswer = (
  status: number,
  code: string,
  message: string,
  param: string | null = null,
  extraHeaders?: Readonly<Record<string, string>>
): WireAnswer =>
  jsonAnswer(
    status,
    {
      error: {
        code,
        message: truncate(message, MESSAGE_LIMIT),
        param: param === null ? null : truncate(param, MESSAGE_LIMIT),
        doc_url: `${DOC_URL}#${code}`
      }
    },
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

/** Adds headers to an answer. */
export const withHeaders = (answer: WireAnswer, headers: Readonly<Record<string, string>>): WireAnswer => ({
  ...answer,
  headers: { ...answer.headers, ...headers }
})
