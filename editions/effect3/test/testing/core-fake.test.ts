/**
 * core's fake (`core/fake/`) on its own, with no Effect between the test and the rules: a request
 * and a time in, wire JSON out. For the rules that are hard to reach through a client.
 */
import { type FakeOptions, makeFake, MAX_RECORDED_SIZE, MAX_SEEDED_PER_CALL } from "#core/fake/fake.js"
import { MAX_BODY_BYTES, MAX_QUERY_LENGTH } from "#core/fake/limits.js"
import type { WireAnswer, WireOutcome, WireRequest } from "#core/fake/wire.js"
import { assert, describe, it } from "@effect/vitest"
import { randomToken } from "#core/random.js"
import { MESSAGE_LIMIT } from "#core/text.js"
import { checks, decode } from "../../src/testing/internal/schemaChecks.js"
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

const as = (clientId: string) => ({ authorization: basic(clientId, `csk_test_${clientId.slice(9)}`) })

const createAs = (fake: ReturnType<typeof fakeWith>, clientId: string, email: string) =>
  JSON.parse(answerOf(fake, request("POST", "/customers", { body: { email }, headers: as(clientId) })).body) as { readonly id: string }

const retrieveAs = (fake: ReturnType<typeof fakeWith>, clientId: string, id: string) =>
  answerOf(fake, request("GET", `/customers/${id}`, { headers: as(clientId) }))

describe("core's fake: ids belong to one account", () => {
  it("two accounts seed the same fixture id; neither learns of the other", () => {
    const fake = fakeWith()
    const a = fake.control.seed({ account: "cid_test_a", customers: [{ id: "cus_ama", email: "ama@a.example" }] }, 0)
    const b = fake.control.seed({ account: "cid_test_b", customers: [{ id: "cus_ama", email: "ama@b.example" }] }, 0)
    assert.deepStrictEqual([a, b].map((seeded) => (seeded as ReadonlyArray<{ readonly email: string }>)[0]?.email), ["ama@a.example", "ama@b.example"])
    assert.strictEqual(JSON.parse(retrieveAs(fake, "cid_test_a", "cus_ama").body).email, "ama@a.example")
    assert.strictEqual(JSON.parse(retrieveAs(fake, "cid_test_b", "cus_ama").body).email, "ama@b.example")
  })

  it("seeding another account's id and resetting never touches that account's customer", () => {
    const fake = fakeWith()
    const ama = createAs(fake, "cid_test_a", "ama@example.com")
    const seeded = fake.control.seed({ account: "cid_test_b", customers: [{ id: ama.id, email: "mallory@example.com" }] }, 0)
    assert.isArray(seeded)
    fake.control.reset("cid_test_b")
    assert.strictEqual(retrieveAs(fake, "cid_test_a", ama.id).status, 200)
    assert.strictEqual(JSON.parse(retrieveAs(fake, "cid_test_a", ama.id).body).email, "ama@example.com")
  })

  it("a generated id never takes one seeded before it", () => {
    const nextId = createAs(fakeWith({ idSeed: 3 }), "cid_test_a", "first@example.com").id
    const fake = fakeWith({ idSeed: 3 })
    fake.control.seed({ account: "cid_test_a", customers: [{ id: nextId, email: "seeded@example.com" }] }, 0)
    const made = createAs(fake, "cid_test_a", "made@example.com")
    assert.notStrictEqual(made.id, nextId)
    assert.strictEqual(JSON.parse(retrieveAs(fake, "cid_test_a", nextId).body).email, "seeded@example.com")
    assert.strictEqual(JSON.parse(retrieveAs(fake, "cid_test_a", made.id).body).email, "made@example.com")
  })

  it("an account's ids do not depend on (so do not reveal) what other accounts made", () => {
    const alone = fakeWith()
    const busy = fakeWith()
    for (let i = 0; i < 3; i++) createAs(busy, "cid_test_a", `a${i}@example.com`)
    assert.strictEqual(createAs(busy, "cid_test_b", "b@example.com").id, createAs(alone, "cid_test_b", "b@example.com").id)
    assert.notStrictEqual(createAs(alone, "cid_test_a", "a@example.com").id, createAs(fakeWith(), "cid_test_b", "b@example.com").id)
  })
})

describe("core's fake: memory a caller can fill is bounded", () => {
  it("the request log keeps at most MAX_RECORDED_SIZE characters of requests, the newest always", () => {
    const fake = fakeWith()
    const body = "x".repeat(1_000_000) // under the 1 MiB a body may hold
    for (let i = 0; i < 40; i++) fake.receive({ ...request("POST", "/customers"), body: `${i}${body}` }, i)
    const kept = fake.control.requests()
    const size = kept.reduce((total, r) => total + r.body.length, 0)
    assert.isAtMost(size, MAX_RECORDED_SIZE)
    assert.isBelow(kept.length, 40)
    assert.isTrue(kept[kept.length - 1]!.body.startsWith("39x"))
  })

  it("one seed call creates at most MAX_SEEDED_PER_CALL customers, refused whole past it", () => {
    const fake = fakeWith()
    const refused = fake.control.seed({ account: "cid_test_a", syntheticCustomers: MAX_SEEDED_PER_CALL + 1 }, 0)
    assert.deepInclude(refused, { _tag: "ControlFailure", reason: undefined })
    assert.match((refused as { readonly message: string }).message, /at most 100000 customers/)
    assert.strictEqual(fake.control.seedCustomers("cid_test_a", 0, 0), 0)
  })
})

describe("core's fake: deep nesting", () => {
  /** Written as text: stringifying so deep a value would overflow the test's own stack. */
  const nested = (depth: number): string => `${"[".repeat(depth)}"x"${"]".repeat(depth)}`

  for (const depth of [64, 3_000, 100_000]) {
    it(`a field nesting ${depth} levels is 400 parameter_invalid naming it, never a crash`, () => {
      const fake = fakeWith()
      const answer = answerOf(fake, {
        ...request("POST", "/customers", { headers: { "idempotency-key": `deep-${depth}` } }),
        body: `{"email":"ama@example.com","metadata":{"plan":${nested(depth)}}}`
      })
      assert.strictEqual(answer.status, 400)
      const error = JSON.parse(answer.body).error
      assert.strictEqual(error.code, "parameter_invalid")
      assert.strictEqual(error.param, "metadata")
    })
  }

  it("a body within the depth limit is read as usual", () => {
    const fake = fakeWith()
    const answer = answerOf(fake, request("POST", "/customers", { body: { email: "ama@example.com", metadata: { plan: "pro" } } }))
    assert.strictEqual(answer.status, 201)
  })
})

describe("core's fake: a field an operation does not take", () => {
  it("is 400 parameter_unknown naming it, and nothing is made", () => {
    const fake = fakeWith()
    const answer = answerOf(fake, request("POST", "/customers", { body: { email: "ama@example.com", emial: "ama@example.com" } }))
    assert.strictEqual(answer.status, 400)
    const error = JSON.parse(answer.body).error
    assert.deepStrictEqual([error.code, error.param], ["parameter_unknown", "emial"])
    const list = answerOf(fake, { ...request("GET", "/customers") })
    assert.strictEqual(JSON.parse(list.body).pagination.total_count, 0)
  })

  it("fields the operation takes, null where it allows null, pass", () => {
    const fake = fakeWith()
    const made = createAs(fake, "cid_test_default", "ama@example.com")
    const answer = answerOf(fake, request("PATCH", `/customers/${made.id}`, { body: { name: null, phone: null, metadata: { a: null } } }))
    assert.strictEqual(answer.status, 200)
  })
})

describe("core's fake: one set of limits, whoever reaches it", () => {
  it("a body over 1 MiB is 413 invalid_request, as the mock server answers it; 1 MiB exactly is read", () => {
    const fake = fakeWith()
    const padded = (bytes: number) => {
      const head = `{"email":"ama@example.com","metadata":{"a":"`
      return `${head}${"x".repeat(bytes - head.length - 3)}"}}`
    }
    const over = answerOf(fake, { ...request("POST", "/customers"), body: padded(MAX_BODY_BYTES + 1) })
    assert.deepStrictEqual([over.status, JSON.parse(over.body).error.code], [413, "invalid_request"])
    const exact = answerOf(fake, { ...request("POST", "/customers"), body: padded(MAX_BODY_BYTES) })
    assert.strictEqual(exact.status, 400) // read, then refused for its 1 MiB metadata value
    assert.strictEqual(JSON.parse(exact.body).error.param, "metadata")
  })

  it("metadata: at most 50 keys, keys of 40 characters, values of 500, on create, update and seed", () => {
    const fake = fakeWith()
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]))
    const create = (metadata: Record<string, string>) =>
      answerOf(fake, request("POST", "/customers", { body: { email: "ama@example.com", metadata } }))
    for (const metadata of [keys(51), { ["k".repeat(41)]: "v" }, { k: "v".repeat(501) }]) {
      const refused = create(metadata)
      assert.deepStrictEqual([refused.status, JSON.parse(refused.body).error.param], [400, "metadata"])
    }
    const ok = create({ ...keys(49), ["k".repeat(40)]: "v".repeat(500) })
    assert.strictEqual(ok.status, 201)
    const id = JSON.parse(ok.body).id as string
    const grown = answerOf(fake, request("PATCH", `/customers/${id}`, { body: { metadata: { extra: "v" } } }))
    assert.deepStrictEqual([grown.status, JSON.parse(grown.body).error.param], [400, "metadata"])
    const seeded = fake.control.seed({ customers: [{ email: "kofi@example.com", metadata: keys(51) }] }, 0)
    assert.deepInclude(seeded, { _tag: "ControlFailure" })
  })

  it("a query string over MAX_QUERY_LENGTH characters is 400 invalid_request", () => {
    const fake = fakeWith()
    const query = new URLSearchParams({ email: `${"a".repeat(MAX_QUERY_LENGTH)}@example.com` })
    const answer = answerOf(fake, { ...request("GET", "/customers"), query })
    assert.deepStrictEqual([answer.status, JSON.parse(answer.body).error.code], [400, "invalid_request"])
  })
})

describe("core's fake: messages quote a bad value in part", () => {
  it("a phone given as an object holding 1 MB of text is refused with a message of at most MESSAGE_LIMIT characters", () => {
    const fake = fakeWith()
    const long = "9".repeat(1_000_000)
    const answer = answerOf(fake, request("POST", "/customers", { body: { email: "ama@example.com", phone: { number: long } } }))
    assert.strictEqual(answer.status, 400)
    const error = JSON.parse(answer.body).error
    assert.strictEqual(error.param, "phone")
    assert.isAtMost(error.message.length, MESSAGE_LIMIT)
    assert.isBelow(answer.body.length, 2 * MESSAGE_LIMIT)
  })

  it("a body field named by a 100,000-character key is refused with a param of at most MESSAGE_LIMIT characters", () => {
    const fake = fakeWith()
    const answer = answerOf(fake, request("POST", "/customers", { body: { email: "ama@example.com", ["k".repeat(100_000)]: 1 } }))
    assert.strictEqual(answer.status, 400)
    const error = JSON.parse(answer.body).error
    assert.strictEqual(error.code, "parameter_unknown")
    assert.isAtMost(error.param.length, MESSAGE_LIMIT)
    assert.isAtMost(error.message.length, MESSAGE_LIMIT)
  })
})
