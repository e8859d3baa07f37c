/**
 * core's fake (`core/fake/`) on its own, with no Effect between the test and the rules: a request
 * and a time in, wire JSON out. For the rules that are hard to reach through a client.
 */
import { makeFake, type FakeOptions } from "#core/fake/fake.js"
import type { WireAnswer, WireOutcome, WireRequest } from "#core/fake/wire.js"
import { assert, describe, it } from "@effect/vitest"
import { checks, decode, randomToken } from "../../src/testing/internal/schemaChecks.js"
import { basic } from "./support.js"

const AUTH = basic("cid_test_default", "csk_test_default")

const fakeWith = (options: Partial<FakeOptions> = {}) => makeFake({ decode, checks, randomToken, ...options })

const request = (
  method: string,
  path: string,
  init: { readonly body?: unknown; readonly headers?: Readonly<Record<string, string>> } = {}
): WireRequest => ({
  method,
  path,
  query: new URLSearchParams(),
  headers: { authorization: AUTH, ...init.headers },
  body: init.body === undefined ? "" : JSON.stringify(init.body)
})

/** The answer of a request that is not delayed. */
const answerOf = (fake: ReturnType<typeof fakeWith>, wire: WireRequest, now = 0): WireAnswer => {
  const received = fake.receive(wire, now)
  assert.strictEqual(received._tag, "Now")
  const outcome = (received as { readonly outcome: WireOutcome }).outcome
  assert.strictEqual(outcome._tag, "Answer")
  return outcome as WireAnswer
}

describe("core's fake: idempotency keys after a failure", () => {
  it("a request whose handling fails saves nothing: the retry with the same key runs it, not 409 for good", () => {
    let failing = true
    const fake = fakeWith({
      decode: (shape, input) => {
        if (failing) throw new RangeError("Maximum call stack size exceeded")
        return decode(shape, input)
      }
    })
    const create = request("POST", "/customers", { body: { email: "ama@example.com" }, headers: { "idempotency-key": "k1" } })
    assert.throws(() => fake.receive(create, 0), RangeError)
    failing = false
    const retried = answerOf(fake, create, 1)
    assert.strictEqual(retried.status, 201)
    assert.strictEqual(JSON.parse(retried.body).email, "ama@example.com")
    assert.strictEqual(answerOf(fake, create, 2).headers["idempotency-replayed"], "true")
  })
})
