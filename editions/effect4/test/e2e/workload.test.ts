/**
 * A workload over real loopback sockets: 500 `Customers.create` calls at concurrency 16 against a
 * mock server that faults a fifth of the creates in eight ways (resets before the headers and
 * mid-body, truncated JSON, stalls, 500/502/503, 429 with Retry-After). Retries with one
 * Idempotency-Key per call must lose no customer and make none twice, and every call must end in
 * its customer or in one of the SDK's errors.
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Option, Stream } from "effect"
import { Customers, isXtopayError, type XtopayError } from "../../src/index.js"
import type { Customer } from "../../src/Schemas.js"
import type { Fault, RecordedRequest } from "../../src/testing/Control.js"
import { MockServer } from "../../src/testing/server.js"

const CALLS = 500
const CONCURRENCY = 16
const MAX_RETRIES = 8
/** Each plan faults one create in this many of those it is offered: eight plans fault 1 − (35/36)⁸ ≈ 20% of requests. */
const EVERY = 36

/** TruncatedJson first: it is offered every create, so it fires exactly ⌊requests / 36⌋ times. */
const KINDS: ReadonlyArray<Fault> = [
  { _tag: "TruncatedJson" },
  { _tag: "Drop", when: "before-headers" },
  { _tag: "Drop", when: "mid-body" },
  { _tag: "Stall" },
  { _tag: "Status", status: 500 },
  { _tag: "Status", status: 502 },
  { _tag: "Status", status: 503 },
  { _tag: "RateLimit", retryAfterSeconds: 1 }
]

// A short per-attempt timeout so that a stalled answer costs 2 s, not 30.
const Workload = MockServer.layerClient({ timeout: "2 seconds", maxRetries: MAX_RETRIES }).pipe(
  Layer.provideMerge(MockServer.layer({
    faults: KINDS.map((fault) => ({ times: Infinity, every: EVERY, route: "POST /customers", fault }))
  })),
  Layer.provide(FetchTransport)
)

const emailOf = (call: number) => `customer-${call}@workload.example`
const keyOf = (call: number) => `workload-${call}`

/** Every customer of the account, through the client, the faults cleared. */
const everyCustomer = Effect.map(
  Stream.runCollect(Customers.list({ limit: 100 })),
  (customers) => customers as ReadonlyArray<Customer>
)

/** Email → the customers that have it. */
const byEmail = (customers: ReadonlyArray<Customer>) => {
  const map = new Map<string, Array<Customer>>()
  for (const customer of customers) map.set(customer.email, [...(map.get(customer.email) ?? []), customer])
  return map
}

describe("a faulty workload over real sockets", () => {
  it.live(
    "500 creates at concurrency 16 under 20% faults: exactly 500 customers, none lost, none twice, every failure typed",
    () =>
      Effect.gen(function*() {
        const { control } = yield* MockServer
        const calls = Array.from({ length: CALLS }, (_, call) => call)
        const exits = yield* Effect.forEach(
          calls,
          (call) => Effect.exit(Customers.create({ email: emailOf(call) }, { idempotencyKey: keyOf(call) })),
          { concurrency: CONCURRENCY }
        )
        yield* control.clearFaults

        // Each call ended in its own customer, or failed (and only failed) with one of the SDK's errors.
        const succeeded = new Map<number, Customer>()
        const failed = new Map<number, XtopayError>()
        for (const call of calls) {
          const exit = exits[call]!
          if (Exit.isSuccess(exit)) {
            assert.strictEqual(exit.value.email, emailOf(call))
            succeeded.set(call, exit.value)
            continue
          }
          assert.isFalse(Cause.hasDies(exit.cause), `call ${call} died: ${Cause.pretty(exit.cause)}`)
          assert.isFalse(Cause.hasInterrupts(exit.cause), `call ${call} was interrupted`)
          const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause))
          assert.isTrue(isXtopayError(error), `call ${call} failed with ${String(error)}`)
          failed.set(call, error as XtopayError)
        }
        for (const [call, error] of failed) {
          // A truncated answer cannot improve, so it ends the call; any other fault only once the retries are spent.
          if (error._tag === "UnexpectedResponse") {
            assert.include([200, 201], error.status, `call ${call}: ${error.message}`)
          } else {
            assert.include(["ConnectionError", "ServerError", "RateLimited"], error._tag, `call ${call}: ${error.message}`)
            assert.strictEqual(error.attempts, MAX_RETRIES + 1, `call ${call}: ${error.message}`)
          }
        }

        // The server saw more than one request per call: every attempt of a call carried its key and its body.
        const creates = (yield* control.requests).filter((request) => request.route === "POST /customers")
        const attemptsByKey = new Map<string, Array<RecordedRequest>>()
        for (const request of creates) {
          const key = request.headers["idempotency-key"] ?? "(none)"
          attemptsByKey.set(key, [...(attemptsByKey.get(key) ?? []), request])
        }
        assert.strictEqual(attemptsByKey.size, CALLS)
        for (const call of calls) {
          const attempts = attemptsByKey.get(keyOf(call)) ?? []
          assert.isTrue(attempts.length >= 1 && attempts.length <= MAX_RETRIES + 1, `${keyOf(call)}: ${attempts.length}`)
          for (const attempt of attempts) assert.deepStrictEqual(JSON.parse(attempt.body), { email: emailOf(call) })
        }
        const requests = creates.length
        assert.isAbove(requests, CALLS)

        // What the server saw of the faults: about a fifth of the calls had to be sent again, each with its own key.
        const retried = [...attemptsByKey.values()].filter((attempts) => attempts.length > 1).length
        assert.isTrue(retried >= 0.12 * CALLS && retried <= 0.4 * CALLS, `${retried} of ${CALLS} calls were retried`)
        assert.strictEqual(requests - CALLS, [...attemptsByKey.values()].reduce((n, attempts) => n + attempts.length - 1, 0))
        const truncated = [...failed.values()].filter((error) => error._tag === "UnexpectedResponse").length
        assert.isAtLeast(truncated, 1)
        assert.isAtMost(truncated, Math.floor(requests / EVERY))

        // Nothing was made twice, nothing that succeeded is missing, and a create whose answer was
        // truncated was done all the same.
        const before = byEmail(yield* everyCustomer)
        for (const [email, customers] of before) {
          assert.strictEqual(customers.length, 1, `${email} was created ${customers.length} times`)
        }
        for (const [call, customer] of succeeded) {
          assert.strictEqual(before.get(emailOf(call))?.[0]?.id, customer.id)
        }
        for (const [call, error] of failed) {
          if (error._tag === "UnexpectedResponse") assert.isTrue(before.has(emailOf(call)), `${emailOf(call)} was lost`)
        }

        // Repeating each failed call with its key completes it: a replay when the work was done, else the create.
        for (const [call, error] of failed) {
          const customer = yield* Customers.create({ email: emailOf(call) }, { idempotencyKey: keyOf(call) })
          assert.strictEqual(customer.email, emailOf(call))
          const existing = before.get(emailOf(call))?.[0]
          if (existing !== undefined) assert.strictEqual(customer.id, existing.id, `${error._tag} then a second customer`)
        }

        const after = yield* everyCustomer
        assert.strictEqual(after.length, CALLS)
        assert.strictEqual(new Set(after.map((customer) => customer.id)).size, CALLS)
        assert.deepStrictEqual(
          after.map((customer) => customer.email).sort(),
          calls.map(emailOf).sort()
        )
        yield* Effect.logDebug(
          `workload: ${requests} requests, ${retried} calls retried, ${failed.size} calls failed (${truncated} truncated)`
        )
      }).pipe(Effect.provide(Workload)),
    { timeout: 120_000 }
  )
})
