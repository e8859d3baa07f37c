/**
 * Every operation of core's description, through every public function it has, against
 * `XtopayTest`: the real request path (encoding, status mapping, decoding) over the in-memory
 * Xtopay, which records the request under the operation's route.
 */
import * as Api from "#core/api.js"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { XtopayControl, XtopayTest } from "../../src/index.js"
import { clientCall, functionsOf, makeWorld, operations } from "../support/operations.js"

describe("every operation through XtopayTest", () => {
  for (const op of operations) {
    for (const fn of functionsOf(op)) {
      it.effect(`${fn}: ${Api.routeKey(op)} succeeds and is recorded under its route`, () =>
        Effect.gen(function*() {
          const world = yield* makeWorld
          const control = yield* XtopayControl
          yield* control.clearRequests
          const value = yield* clientCall(op, world, fn)
          const requests = yield* control.requests
          assert.isAbove(requests.length, 0)
          assert.isTrue(requests.every((request) => request.route === Api.routeKey(op)), `${fn} sent only ${Api.routeKey(op)}`)
          // The body or query went on the wire as the fake reads it; a POST carries a key, a GET none.
          for (const request of requests) {
            assert.strictEqual(request.headers["idempotency-key"] !== undefined, op.idempotencyKey)
            assert.strictEqual(request.headers["authorization"], "<redacted>")
          }
          if (op.paging === undefined) assert.isDefined(value)
        }).pipe(Effect.provide(XtopayTest)))
    }
  }
})
