/**
 * Helpers for the end-to-end tests: raw HTTP over real loopback sockets, and the exact error body
 * the reference promises.
 */
import { assert } from "@effect/vitest"
import { Effect } from "effect"

/** What came back over the socket, or how the connection failed. */
export type RawResult =
  | {
    readonly _tag: "Answered"
    readonly status: number
    readonly headers: Readonly<Record<string, string>>
    readonly text: string
  }
  | { readonly _tag: "Failed"; readonly message: string }

/**
 * One request with `fetch`, body read to the end; a transport failure (before or after the
 * headers) is a `Failed`, never an exception. `timeoutMillis` bounds the whole exchange.
 */
export const rawFetch = (url: string, init: RequestInit = {}, timeoutMillis = 5_000): Effect.Effect<RawResult> =>
  Effect.promise(async () => {
    try {
      const response = await fetch(url, { ...init, redirect: "manual", signal: AbortSignal.timeout(timeoutMillis) })
      const text = await response.text()
      return { _tag: "Answered", status: response.status, headers: Object.fromEntries(response.headers), text } as const
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause
      return { _tag: "Failed", message: `${(error as Error).message} ${cause?.code ?? cause?.message ?? ""}` } as const
    }
  })

/** Asserts `result` is an answer and returns it. */
export const answered = (result: RawResult) => {
  if (result._tag !== "Answered") return assert.fail(`expected an answer, the connection failed: ${result.message}`)
  return result
}

/** Asserts `result` is the reference's error envelope with this status and code, JSON and with a request id. */
export const assertErrorAnswer = (result: RawResult, status: number, code: string) => {
  const answer = answered(result)
  assert.strictEqual(answer.status, status, answer.text)
  assert.match(answer.headers["content-type"] ?? "", /^application\/json/)
  const body = JSON.parse(answer.text) as { error: Record<string, unknown> }
  assert.deepStrictEqual(Object.keys(body), ["error"])
  assert.strictEqual(body.error["code"], code)
  assert.isString(body.error["message"])
  assert.isTrue("param" in body.error)
  assert.isString(body.error["doc_url"])
  assert.isString(answer.headers["x-request-id"])
  return body.error
}
