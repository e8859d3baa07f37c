/**
 * Every answer an in-memory Xtopay gives, kept with the operation it answers: requests go as
 * written (the same in-memory `HttpClient` the client uses, without the client's validation or
 * decoding), so what is kept is the fake's own JSON, before any schema has read it.
 */
import * as Api from "#core/api.js"
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import type { Backend } from "../../src/testing/Backend.js"
import { raw, type RawAnswer } from "../testing/support.js"
import type { Case } from "./verdicts.js"

type Method = "GET" | "POST" | "PATCH" | "DELETE"

/** One answer: the request's route (`METHOD /path`), the operation core matches it to, and what came back. */
export interface Answered {
  readonly request: string
  readonly op: Api.Operation | undefined
  readonly status: number
  readonly text: string
  readonly json: unknown
}

export interface Init {
  /** A JSON body, stringified; `text` sends a body as written. */
  readonly body?: unknown
  readonly text?: string
  readonly idempotencyKey?: string
  /** `null` sends none; absent, the default test account's. */
  readonly authorization?: string | null
}

/** A recorder over `backend`: `send` makes a request and keeps its answer in `answers`, in order. */
export const recorder = (backend: Backend) => {
  const answers: Array<Answered> = []
  const send = (method: Method, pathAndQuery: string, init: Init = {}): Effect.Effect<RawAnswer> => {
    const body = init.text ?? (init.body === undefined ? undefined : JSON.stringify(init.body))
    return Effect.tap(
      raw(backend, method, pathAndQuery, {
        ...(body === undefined ? {} : { body }),
        ...(init.idempotencyKey === undefined ? {} : { headers: { "idempotency-key": init.idempotencyKey } }),
        ...(init.authorization === undefined ? {} : { authorization: init.authorization })
      }),
      (answer) =>
        Effect.sync(() => {
          const matched = Api.matchOperation(method, pathAndQuery.split("?")[0]!)
          answers.push({ request: `${method} ${pathAndQuery}`, op: matched.op, status: answer.status, text: answer.text, json: answer.json })
        })
    )
  }
  /** `send`, which must succeed: its JSON body, for the next request to use. */
  const ok = (method: Method, pathAndQuery: string, init: Init = {}): Effect.Effect<any> =>
    Effect.map(send(method, pathAndQuery, init), (answer) => {
      assert.isTrue(answer.status >= 200 && answer.status < 300, `${method} ${pathAndQuery}: ${answer.status} ${answer.text}`)
      return answer.json
    })
  /** `send`, which must fail with `status`. */
  const fails = (status: number, method: Method, pathAndQuery: string, init: Init = {}): Effect.Effect<RawAnswer> =>
    Effect.tap(send(method, pathAndQuery, init), (answer) =>
      Effect.sync(() => assert.strictEqual(answer.status, status, `${method} ${pathAndQuery}: ${answer.text}`)))
  return { answers, send, ok, fails }
}

/** The answers as cases for the schemas: a 2xx with its operation's response shape, anything else with the error envelope. */
export const casesOf = (answers: ReadonlyArray<Answered>): ReadonlyArray<Case & { readonly request: string }> =>
  answers.map(({ json, op, request, status, text }) => {
    if (status < 200 || status >= 300) return { request, shape: "ErrorEnvelope", input: json }
    if (op === undefined) throw new Error(`${request} answered ${status} but names no operation`)
    // The fake answers every success with a body; one without would be judged by nothing here.
    if (text === "") throw new Error(`${request} answered ${status} with no body`)
    return { request, shape: op.response, input: json }
  })
