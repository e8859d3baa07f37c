/**
 * What a failed answer means, with no Effect in it: which of the SDK's errors a status (and
 * Xtopay's error code) is, the message when the answer had no error body, and the summary every
 * error's message ends with. Each edition's `XtopayError` module builds its tagged errors from
 * these, so both editions give the same answer the same tag and the same words.
 */

/** The tags of the SDK's errors, the same in every edition. */
export const XTOPAY_ERROR_TAGS = [
  "InvalidRequest",
  "Unauthorized",
  "Forbidden",
  "NotFound",
  "IdempotencyConflict",
  "RateLimited",
  "ServerError",
  "ConnectionError",
  "UnexpectedResponse"
] as const

/** One of the SDK's error tags. */
export type XtopayErrorTag = (typeof XTOPAY_ERROR_TAGS)[number]

/** Why a request got no complete answer: a `ConnectionError`'s `reason`. */
export const CONNECTION_ERROR_REASONS = ["Transport", "Timeout", "BodyCut", "RateLimitStore"] as const

/** A `ConnectionError`'s `reason`. */
export type ConnectionErrorReason = (typeof CONNECTION_ERROR_REASONS)[number]

/** Why an answer could not be used, when it needs saying: an `UnexpectedResponse`'s `reason`. */
export const UNEXPECTED_RESPONSE_REASONS = ["ResponseTooLarge"] as const

/** An `UnexpectedResponse`'s `reason`. */
export type UnexpectedResponseReason = (typeof UNEXPECTED_RESPONSE_REASONS)[number]

/** The `error` member of Xtopay's error envelope, as decoded (`param` and `doc_url` may be `null`). */
export interface ErrorBody {
  readonly code: string
  readonly message: string
  readonly param?: string | null | undefined
  readonly doc_url?: string | null | undefined
}

/** What a failed answer says, before the edition adds what only it has (a `Duration`, the attempt count). */
export interface FailedAnswerFacts {
  readonly status: number
  /** The decoded error envelope's `error`, or `undefined` when the body was not the envelope. */
  readonly error: ErrorBody | undefined
  readonly requestId: string | undefined
}

/** The fields every error built from an answer carries. */
export interface AnswerDetails {
  readonly status: number
  readonly message: string
  readonly code?: string
  readonly param?: string
  readonly docUrl?: string
  readonly requestId?: string
}

/** The error an answer is: its tag, its fields, and for a 408 the `ConnectionError` reason. */
export type AnswerError =
  | { readonly tag: Exclude<XtopayErrorTag, "ConnectionError">; readonly details: AnswerDetails }
  | { readonly tag: "ConnectionError"; readonly reason: "Timeout"; readonly details: AnswerDetails }

/**
 * The status → tag table, in one place. A 422 is an idempotency mismatch only by its code; a
 * 408 is the server saying the request took too long (a timeout, so retryable like one); a 4xx
 * the reference does not list is still the caller's request.
 */
export const tagForStatus = (status: number, code: string | undefined): XtopayErrorTag => {
  if (status === 400) return "InvalidRequest"
  if (status === 401) return "Unauthorized"
  if (status === 403) return "Forbidden"
  if (status === 404) return "NotFound"
  if (status === 409) return "IdempotencyConflict"
  if (status === 422) return code === "idempotency_key_mismatch" ? "IdempotencyConflict" : "InvalidRequest"
  if (status === 429) return "RateLimited"
  if (status >= 500 && status <= 599) return "ServerError"
  if (status >= 300 && status <= 399) return "UnexpectedResponse"
  if (status === 408) return "ConnectionError"
  return "InvalidRequest"
}

/** The message of an error answer whose body was not Xtopay's error envelope. */
export const noBodyMessage = (status: number): string => `Xtopay answered HTTP ${status} without an error body`

/** The message of a redirect: the client follows none, since Xtopay sends none. */
export const redirectMessage = (status: number): string => `Xtopay answered with a redirect (HTTP ${status})`

/** Which error a failed answer is, with the fields read from it. */
export const classifyAnswer = (answer: FailedAnswerFacts): AnswerError => {
  const { error, requestId, status } = answer
  const tag = tagForStatus(status, error?.code)
  const details: AnswerDetails = {
    status,
    message: tag === "UnexpectedResponse" ? redirectMessage(status) : error?.message ?? noBodyMessage(status),
    ...(error?.code !== undefined ? { code: error.code } : {}),
    ...(error?.param != null ? { param: error.param } : {}),
    ...(error?.doc_url != null ? { docUrl: error.doc_url } : {}),
    ...(requestId !== undefined ? { requestId } : {})
  }
  return tag === "ConnectionError" ? { tag, reason: "Timeout", details } : { tag, details }
}

/** What `summarize` reads from an error's fields. */
export interface SummaryFields {
  readonly message: string
  readonly status?: number | undefined
  readonly code?: string | undefined
  readonly requestId?: string | undefined
}

/**
 * The message with what Xtopay support asks for first, `[HTTP 404, customer_not_found, request
 * req_1]`, so one log line is enough. A message that already ends with it is kept as it is (an
 * error rebuilt from its own fields does not say it twice).
 */
export const summarize = (fields: SummaryFields): string => {
  const parts: Array<string> = []
  if (fields.status !== undefined) parts.push(`HTTP ${fields.status}`)
  if (fields.code !== undefined) parts.push(fields.code)
  if (fields.requestId !== undefined) parts.push(`request ${fields.requestId}`)
  const suffix = parts.length > 0 ? ` [${parts.join(", ")}]` : ""
  return suffix === "" || fields.message.endsWith(suffix) ? fields.message : `${fields.message}${suffix}`
}
