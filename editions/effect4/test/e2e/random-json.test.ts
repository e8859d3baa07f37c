/**
 * Random JSON at every operation (core's description) of the Effect 4 mock server: deep, large,
 * unicode, with prototype keys (`__proto__`, `constructor`, …). Every answer is the operation's
 * success status or a documented error status in the error envelope, never a 5xx, and the
 * process's heap ends where it began, give or take a few tens of MB. Ported from the Effect 3
 * edition (issue 25); the client-decoder half lives with the client's tests.
 */
import * as Api from "#core/api.js"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import fc from "fast-check"
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"
import { FetchTransport } from "../../src/XtopayClient.js"
import { MockServer } from "../../src/testing/server.js"
import { callOf, makeWorld, operations, type World } from "../support/operations.js"

/** A full collection, when the process allows one (vitest's workers are not started with --expose-gc). */
const collect = (() => {
  try {
    setFlagsFromString("--expose-gc")
    const gc = runInNewContext("gc") as () => void
    return () => gc()
  } catch {
    return () => {}
  }
})()

const heapMb = () => {
  collect()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

/** Keys that reach an object's prototype, or shadow what it inherits, when code is careless. */
const prototypeKey = fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf")

const anyKey = fc.oneof(prototypeKey, fc.string({ unit: "binary", maxLength: 12 }), fc.string({ maxLength: 12 }))

/** Arrays nested `depth` levels, past the fake's 64 and deep enough for a recursive formatter. */
const deepNesting = fc.integer({ min: 1, max: 5_000 }).map((depth) => ({ depth, text: `${"[".repeat(depth)}${"]".repeat(depth)}` }))

/** Random JSON text: unicode values, prototype keys, size, or deep nesting. */
const jsonText: fc.Arbitrary<string> = fc.oneof(
  fc.json({ maxDepth: 6, stringUnit: "binary" }),
  fc.dictionary(anyKey, fc.jsonValue({ maxDepth: 4, stringUnit: "binary" }), { maxKeys: 8 }).map((o) => JSON.stringify(o)),
  deepNesting.map(({ text }) => text),
  deepNesting.map(({ text }) => `{"metadata":{"k":${text}},"email":${text}}`),
  fc.constantFrom('{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}'),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.integer({ min: 1, max: 300_000 }).map((n) => JSON.stringify({ name: "é".repeat(n) }))
)

/** A body for `op`: random JSON as it is, or its valid parameters with one field (or a new one) random. */
const bodyFor = (op: Api.Operation, world: World): fc.Arbitrary<string> => {
  const valid = callOf(op, world).params ?? {}
  const fields = Object.keys(valid)
  return fc.oneof(
    jsonText,
    fc.tuple(fields.length > 0 ? fc.constantFrom(...fields) : anyKey, jsonText).map(([key, value]) =>
      `{${Object.entries(valid).filter(([k]) => k !== key).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`).join("")}${
        JSON.stringify(key)
      }:${safeValue(value)}}`
    ),
    fc.tuple(anyKey, jsonText).map(([key, value]) => `{${JSON.stringify(key)}:${safeValue(value)}}`)
  )
}

/** Random text as a JSON value inside a body: itself when it is JSON, a string otherwise. */
const safeValue = (text: string) => {
  try {
    JSON.parse(text)
    return text
  } catch {
    return JSON.stringify(text)
  }
}

const ERROR_STATUSES = [400, 401, 404, 405, 409, 413, 422, 429]

const assertEnvelope = (text: string, where: string) => {
  const body = JSON.parse(text) as { error?: Record<string, unknown> }
  assert.deepStrictEqual(Object.keys(body), ["error"], where)
  assert.deepStrictEqual(Object.keys(body.error!).sort(), ["code", "doc_url", "message", "param"], where)
  assert.isString(body.error!["code"], where)
  assert.isString(body.error!["message"], where)
}

const Mock = MockServer.layerClient({ maxRetries: 0 }).pipe(
  Layer.provideMerge(MockServer.layer()),
  Layer.provide(FetchTransport)
)

/** Whether an operation takes its parameters as a JSON body (else as a query). */
const takesBody = (op: Api.Operation) => op.method === "POST" || op.method === "PATCH"

describe("random JSON", () => {
  it.live("sent to every operation of the mock server: a documented status, the error envelope, never a 5xx", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const world = yield* makeWorld
      const authorization = `Basic ${btoa("cid_test_default:csk_test_default")}`
      const before = heapMb()
      const request = fc.constantFrom(...operations).chain((op): fc.Arbitrary<
        { readonly op: Api.Operation; readonly body: string | undefined; readonly query: string }
      > =>
        takesBody(op)
          ? bodyFor(op, world).map((body) => ({ op, body, query: "" }))
          : fc.dictionary(anyKey, fc.oneof(fc.string({ unit: "binary", maxLength: 30 }), jsonText.map((t) => t.slice(0, 200))), {
            maxKeys: 4
          }).map((query) => ({ op, body: undefined, query: new URLSearchParams(query).toString() }))
      )
      yield* Effect.promise(() =>
        fc.assert(
          fc.asyncProperty(request, async ({ body, op, query }) => {
            const { ids } = callOf(op, world)
            let i = 0
            const path = op.route.replace(/:\w+/g, () => encodeURIComponent(ids[i++]!))
            const url = `${server.baseUrl}${path}${query === "" ? "" : `?${query}`}`
            const response = await fetch(url, {
              method: op.method,
              headers: { authorization, "content-type": "application/json", "idempotency-key": crypto.randomUUID() },
              ...(body !== undefined ? { body } : {}),
              signal: AbortSignal.timeout(10_000)
            })
            const text = await response.text()
            const where = `${Api.routeKey(op)} ${body?.slice(0, 120) ?? query.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`
            assert.isBelow(response.status, 500, where)
            if (response.status >= 400) {
              assert.include(ERROR_STATUSES, response.status, where)
              assertEnvelope(text, where)
            } else {
              assert.include([op.status, 200], response.status, where)
              JSON.parse(text)
            }
          }),
          { numRuns: 300, seed: 25_4 }
        )
      )
      const grown = heapMb() - before
      assert.isBelow(grown, 64, `the heap grew by ${grown.toFixed(1)} MB over 300 random requests`)
    }).pipe(Effect.provide(Mock), Effect.timeout("50 seconds")), 60_000)

})
