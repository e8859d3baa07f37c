/**
 * `XtopayControl.account(clientId)`: the back door for one account, leaving the others alone, and
 * its `reset`.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { Customers, XtopayControl, XtopayTestWith } from "../../src/index.js"

describe("XtopayControl.account", () => {
  it.effect("faults, a rate limit and requests of one account; reset empties it; the global setRateLimit replaces its own", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      const mine = control.account("cid_test_default")
      const other = control.account("cid_test_other")
      assert.strictEqual(mine.clientId, "cid_test_default")

      // Another account's plan and limit do not reach this client.
      yield* other.injectFaults({ times: 5, fault: { _tag: "Status", status: 500 } })
      yield* other.setRateLimit({ requests: 1, window: "1 minute" })
      yield* Customers.create({ email: "ama@example.com" })
      yield* Customers.create({ email: "kofi@example.com" })

      // This account's own plan does.
      yield* mine.injectFaults({ times: 1, fault: { _tag: "Status", status: 503 } })
      assert.strictEqual((yield* Effect.flip(Customers.listPage())).status, 503)
      yield* mine.setRateLimit({ requests: 1, window: "1 minute" })
      yield* Customers.listPage()
      assert.strictEqual((yield* Effect.flip(Customers.listPage()))._tag, "RateLimited")
      // The limit for every account replaces the account's own.
      yield* control.setRateLimit(undefined)
      yield* Customers.listPage()

      assert.deepStrictEqual((yield* other.requests).length, 0)
      assert.strictEqual((yield* mine.requests).length, 6)
      yield* other.clearRequests
      assert.strictEqual((yield* mine.requests).length, 6)

      const [seeded] = yield* other.seed({ customers: [{ email: "esi@example.com" }] })
      yield* mine.reset
      assert.deepStrictEqual(yield* mine.requests, [])
      const page = yield* Customers.listPage()
      assert.strictEqual(page.pagination.total_count, 0)
      // The other account's customer is still there (and not this account's to see).
      const error = yield* Effect.flip(Customers.retrieve(seeded!.id))
      assert.strictEqual(error._tag, "NotFound")
      assert.deepStrictEqual(
        (yield* control.requests).map((request) => request.account),
        ["cid_test_default", "cid_test_default"]
      )
    }).pipe(Effect.provide(XtopayTestWith({ maxRetries: 0, clientSecret: Redacted.make("csk_test_default") }))))
})
