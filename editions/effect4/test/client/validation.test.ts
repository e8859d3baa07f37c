import { assert, describe, it } from "@effect/vitest"
import { Effect, Stream } from "effect"
import {
  CustomerPortal,
  Customers,
  InvalidRequest,
  PaymentMethods,
  SetupIntents,
  type XtopayClient,
  UnexpectedResponse,
  type XtopayError
} from "../../src/index.js"
import { clientLayer, json, rawJson, recordedRequests } from "../support/scripted.js"
import { page, referenceCustomer, referencePortalSession, referenceSetupIntent } from "./fixtures.js"

type Call = Effect.Effect<unknown, XtopayError, XtopayClient>

/** Input the types forbid, as a caller without types (or with `any`) could still pass it. */
const untyped = <T>(value: unknown): T => value as T

/**
 * The call fails with `InvalidRequest` naming `param`, with no status (nothing was answered)
 * and no request sent: the script has no answers, so any request would be a defect.
 */
const assertRefused = (call: Call, param: string) =>
  Effect.gen(function*() {
    const error = yield* Effect.flip(call)
    assert.instanceOf(error, InvalidRequest)
    assert.strictEqual(error.param, param)
    if (param === "phone") assert.strictEqual(error.code, "invalid_phone") // the reference's own code
    else assert.oneOf(error.code, ["parameter_invalid", "parameter_missing"])
    assert.isUndefined(error.status)
    assert.isString(error.message)
    assert.include(error.message, param)
    assert.strictEqual((yield* recordedRequests).length, 0)
  }).pipe(Effect.provide(clientLayer([])))

const cases = (title: string, list: ReadonlyArray<readonly [string, Call, string]>) =>
  describe(title, () => {
    for (const [name, call, param] of list) {
      it.effect(`${name} → InvalidRequest(${param}), nothing sent`, () => assertRefused(call, param))
    }
  })

const badEmails = ["not-an-email", "ama@", "@example.com", "ama @example.com", "ama@example", ""]
const badPhones = ["0244000000", "233244000000", "+0233244000", "+233 244 000000", "+23324400000000000", "+233-24"]
const badCurrencies = ["ghs", "GH", "GHSS", "G1S", "", "Ghs"]
const badLimits = [0, 101, 1.5, -1, Number.NaN]
const badIds = ["", "a/b", "cus_1?x=1", "cus_1#frag", "cus 1", "cus\t1", "cus_1\n", ".", ".."]
const badReturnUrls = ["/account", "account", "ftp://example.com/back", "javascript:alert(1)", "mailto:a@b.co", ""]
const badKeys = ["k".repeat(256), "key\u0000", "key\nnext", "key\u007f", "ключ", "", " leading", "trailing "]

const portal = (customer_id: string, return_url = "https://shop.example.com/back") =>
  CustomerPortal.createSession({ customer_id, return_url })

cases("Customers.create", [
  ...badEmails.map((email) => [`email ${JSON.stringify(email)}`, Customers.create({ email }), "email"] as const),
  ["a missing email", Customers.create(untyped({ name: "Ama" })), "email"],
  ...badPhones.map((phone) =>
    [`phone ${JSON.stringify(phone)}`, Customers.create({ email: "ama@example.com", phone }), "phone"] as const
  ),
  ...badCurrencies.map((currency) =>
    [`currency ${JSON.stringify(currency)}`, Customers.create({ email: "ama@example.com", currency }), "currency"] as const
  ),
  ["a number metadata value", Customers.create({ email: "a@example.com", metadata: untyped({ n: 1 }) }), "metadata"],
  ["a null metadata value", Customers.create({ email: "a@example.com", metadata: untyped({ n: null }) }), "metadata"],
  ["an object metadata value", Customers.create({ email: "a@example.com", metadata: untyped({ n: {} }) }), "metadata"],
  ["a metadata array", Customers.create({ email: "a@example.com", metadata: untyped(["x"]) }), "metadata"],
  ["a __proto__ metadata key", Customers.create({ email: "a@example.com", metadata: JSON.parse(`{"__proto__":"x"}`) }), "metadata"],
  ["a computed __proto__ metadata key", Customers.create({ email: "a@example.com", metadata: { ["__proto__"]: "x" } }), "metadata"]
])

cases("Customers.update", [
  ...badEmails.map((email) => [`email ${JSON.stringify(email)}`, Customers.update("cus_1", { email }), "email"] as const),
  ...badPhones.map((phone) => [`phone ${JSON.stringify(phone)}`, Customers.update("cus_1", { phone }), "phone"] as const),
  ...badCurrencies.map((currency) =>
    [`currency ${JSON.stringify(currency)}`, Customers.update("cus_1", { currency }), "currency"] as const
  ),
  ["a number metadata value", Customers.update("cus_1", { metadata: untyped({ n: 1 }) }), "metadata"],
  ["a boolean metadata value", Customers.update("cus_1", { metadata: untyped({ n: true }) }), "metadata"],
  ["a __proto__ metadata key", Customers.update("cus_1", { metadata: JSON.parse(`{"a":null,"__proto__":null}`) }), "metadata"]
])

cases("ids in paths", [
  ...badIds.flatMap((id) =>
    [
      [`Customers.retrieve(${JSON.stringify(id)})`, Customers.retrieve(id), "id"],
      [`Customers.update(${JSON.stringify(id)})`, Customers.update(id, { name: "Ama" }), "id"],
      [`Customers.delete(${JSON.stringify(id)})`, Customers.delete(id), "id"],
      [`PaymentMethods.retrieve(${JSON.stringify(id)})`, PaymentMethods.retrieve(id), "id"],
      [`PaymentMethods.detach(${JSON.stringify(id)})`, PaymentMethods.detach(id), "id"]
    ] as const
  ),
  ["a non-string id", Customers.retrieve(untyped(42)), "id"]
])

cases("customer_id", [
  ...badIds.flatMap((id) =>
    [
      [`SetupIntents.create(${JSON.stringify(id)})`, SetupIntents.create({ customer_id: id }), "customer_id"],
      [`CustomerPortal.createSession(${JSON.stringify(id)})`, portal(id), "customer_id"],
      [`PaymentMethods.listPage(${JSON.stringify(id)})`, PaymentMethods.listPage({ customer_id: id }), "customer_id"],
      [
        `PaymentMethods.list(${JSON.stringify(id)})`,
        Stream.runDrain(PaymentMethods.list({ customer_id: id })),
        "customer_id"
      ]
    ] as const
  ),
  ["a missing customer_id", SetupIntents.create(untyped({})), "customer_id"]
])

cases("return_url", [
  ...badReturnUrls.map((url) => [`return_url ${JSON.stringify(url)}`, portal("cus_1", url), "return_url"] as const)
])

cases("limit", [
  ...badLimits.flatMap((limit) =>
    [
      [`Customers.listPage limit ${limit}`, Customers.listPage({ limit }), "limit"],
      [`Customers.list limit ${limit}`, Stream.runDrain(Customers.list({ limit })), "limit"],
      [`PaymentMethods.listPage limit ${limit}`, PaymentMethods.listPage({ customer_id: "cus_1", limit }), "limit"],
      [
        `PaymentMethods.list limit ${limit}`,
        Stream.runDrain(PaymentMethods.list({ customer_id: "cus_1", limit })),
        "limit"
      ]
    ] as const
  ),
  ["a string limit", Customers.listPage({ limit: untyped("10") }), "limit"]
])

cases("idempotencyKey", [
  ...badKeys.flatMap((idempotencyKey) => {
    const label = idempotencyKey.length > 20 ? `${idempotencyKey.length} chars` : JSON.stringify(idempotencyKey)
    return [
      [`Customers.create key ${label}`, Customers.create({ email: "a@example.com" }, { idempotencyKey }), "idempotencyKey"],
      [`Customers.update key ${label}`, Customers.update("cus_1", { name: "A" }, { idempotencyKey }), "idempotencyKey"],
      [`SetupIntents.create key ${label}`, SetupIntents.create({ customer_id: "cus_1" }, { idempotencyKey }), "idempotencyKey"],
      [
        `CustomerPortal.createSession key ${label}`,
        CustomerPortal.createSession({ customer_id: "cus_1", return_url: "https://shop.example.com" }, {
          idempotencyKey
        }),
        "idempotencyKey"
      ]
    ] as const
  })
])

cases("prefetch", [
  ...[-1, 1.5, 17].flatMap((prefetch) =>
    [
      [`Customers.list prefetch ${prefetch}`, Stream.runDrain(Customers.list({ prefetch })), "prefetch"],
      [
        `PaymentMethods.list prefetch ${prefetch}`,
        Stream.runDrain(PaymentMethods.list({ customer_id: "cus_1", prefetch })),
        "prefetch"
      ]
    ] as const
  )
])

describe("the edges of what is accepted are sent", () => {
  it.effect("limit 1 and 100, a 255-character key, an http(s) return_url, a key with inner spaces", () =>
    Effect.gen(function*() {
      const longKey = "k".repeat(255)
      yield* Customers.listPage({ limit: 1 })
      yield* Customers.listPage({ limit: 100 })
      yield* Customers.create({ email: "ama@example.com", phone: "+233244000000", currency: "USD" }, {
        idempotencyKey: longKey
      })
      yield* SetupIntents.create({ customer_id: "cus_a1b2c3" }, { idempotencyKey: "order 42 / attempt #1" })
      yield* CustomerPortal.createSession({ customer_id: "cus_a1b2c3", return_url: "http://127.0.0.1:8080/x" })
      const requests = yield* recordedRequests
      assert.deepStrictEqual(requests.map((r) => r.query["limit"]), ["1", "100", undefined, undefined, undefined])
      assert.strictEqual(requests[2]!.headers["idempotency-key"], longKey)
      assert.strictEqual(requests[3]!.headers["idempotency-key"], "order 42 / attempt #1")
    }).pipe(Effect.provide(clientLayer([
      json(200, page([], { has_more: false, next_cursor: null })),
      json(200, page([], { has_more: false, next_cursor: null })),
      rawJson(201, referenceCustomer),
      rawJson(201, referenceSetupIntent),
      rawJson(201, referencePortalSession)
    ]))))
})

// Issue 25.8: a `__proto__` metadata key cannot be held as data in JavaScript; it is refused both ways, never dropped.
describe("a __proto__ metadata key", () => {
  const answerWithProtoKey = referenceCustomer.replace(`"currency": "GHS",`, `"currency": "GHS", "metadata": {"a": "b", "__proto__": "x"},`)

  it.effect("is refused before sending, the message naming the key", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Customers.create({ email: "a@example.com", metadata: JSON.parse(`{"a":"b","__proto__":"x"}`) }))
      assert.instanceOf(error, InvalidRequest)
      assert.strictEqual(error.param, "metadata")
      assert.include(error.message, "__proto__")
      assert.strictEqual((yield* recordedRequests).length, 0)
    }).pipe(Effect.provide(clientLayer([]))))

  it.effect("in an answer is UnexpectedResponse, not a customer without it", () =>
    Effect.gen(function*() {
      assert.include(answerWithProtoKey, `"__proto__"`)
      const error = yield* Effect.flip(Customers.retrieve("cus_1"))
      assert.instanceOf(error, UnexpectedResponse)
    }).pipe(Effect.provide(clientLayer([rawJson(200, answerWithProtoKey)]))))
})
