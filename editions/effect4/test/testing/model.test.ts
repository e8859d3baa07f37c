/**
 * A model-based test: random sequences of create / retrieve / update / delete / list (with paging,
 * records inserted mid-walk, and stepping back with `before`) and idempotent replays, run against
 * the in-memory Xtopay through the real client, and against a small independent model.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Redacted, Result } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as fc from "fast-check"
import { Customers, XtopayClient } from "../../src/index.js"
import { makeBackend } from "../../src/testing/Backend.js"
import { makeMemoryHttpClient } from "../../src/testing/internal/memoryHttpClient.js"
import { make } from "../../src/XtopayClient.js"

interface Fields {
  readonly id: string
  readonly email: string
  readonly name: string | null
  readonly phone: string | null
  readonly currency: string
  readonly metadata: Readonly<Record<string, string>>
}

/** The model: live customers in creation order, and what each idempotency key was first used for. */
interface Model {
  readonly customers: Map<string, Fields>
  order: Array<string>
  readonly keys: Map<string, { readonly fingerprint: string; readonly answer: Fields }>
  created: number
  deleted: number
}

interface Real {
  readonly run: <A, E>(effect: Effect.Effect<A, E, XtopayClient>) => Promise<Result.Result<A, E>>
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    v !== null && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
      : v)

const fieldsOf = (c: Fields): Fields => ({
  id: c.id,
  email: c.email,
  name: c.name,
  phone: c.phone,
  currency: c.currency,
  metadata: c.metadata
})

const expectRight = <A, E>(result: Result.Result<A, E>): A => {
  if (Result.isFailure(result)) assert.fail(`expected a success, got ${JSON.stringify(result.failure)}`)
  return (result as Result.Success<A, E>).success
}

const expectLeft = <A, E>(result: Result.Result<A, E>): E => {
  if (Result.isSuccess(result)) assert.fail(`expected a failure, got ${JSON.stringify(result.success)}`)
  return (result as Result.Failure<A, E>).failure
}

const pick = (model: Model, index: number): string => model.order[index % model.order.length]!

/** What a keyed request does to the model: a replay, a mismatch, or a fresh request. */
const keyed = (model: Model, key: string | undefined, fingerprint: string) => {
  const known = key === undefined ? undefined : model.keys.get(key)
  if (known === undefined) return { _tag: "Fresh" } as const
  return known.fingerprint === fingerprint ? { _tag: "Replay", answer: known.answer } as const : { _tag: "Mismatch" } as const
}

const assertMismatch = (error: unknown) => {
  assert.strictEqual((error as { _tag: string })._tag, "IdempotencyConflict")
  assert.strictEqual((error as { code: string }).code, "idempotency_key_mismatch")
}

// -- arbitraries -------------------------------------------------------------------------------

const emails = fc.constantFrom("ama@example.com", "kofi@example.com", "yaw@example.com")
const keys = fc.option(fc.constantFrom("key-1", "key-2", "key-3"), { nil: undefined })
const metadata = fc.dictionary(fc.constantFrom("plan", "region", "tier"), fc.constantFrom("a", "b", ""), { maxKeys: 3 })
const createParams = fc.record({
  email: emails,
  name: fc.constantFrom("Ama", "Kofi", "Ɛsi"),
  phone: fc.constantFrom("+233244000000", "+233201234567"),
  currency: fc.constantFrom("GHS", "USD"),
  metadata
}, { requiredKeys: ["email"] })
const updateParams = fc.record({
  email: emails,
  name: fc.constantFrom("Ama", null),
  phone: fc.constantFrom("+233277777777", null),
  currency: fc.constantFrom("NGN", "GHS"),
  metadata: fc.dictionary(fc.constantFrom("plan", "region", "tier"), fc.constantFrom("z", null), { maxKeys: 3 })
}, { requiredKeys: [] })

// -- commands ----------------------------------------------------------------------------------

type Command = fc.AsyncCommand<Model, Real>

class Create implements Command {
  constructor(readonly params: { readonly email: string } & Record<string, unknown>, readonly key: string | undefined) {}
  check = () => true
  async run(model: Model, real: Real) {
    const result = await real.run(
      Customers.create(this.params as never, this.key === undefined ? undefined : { idempotencyKey: this.key })
    )
    const expected = keyed(model, this.key, `POST /customers ${canonical(this.params)}`)
    if (expected._tag === "Mismatch") return assertMismatch(expectLeft(result))
    const customer = fieldsOf(expectRight(result))
    if (expected._tag === "Replay") return assert.deepStrictEqual(customer, expected.answer)
    assert.isFalse(model.customers.has(customer.id))
    const p = this.params as { email: string; name?: string; phone?: string; currency?: string; metadata?: Record<string, string> }
    assert.deepStrictEqual(customer, {
      id: customer.id,
      email: p.email,
      name: p.name ?? null,
      phone: p.phone ?? null,
      currency: p.currency ?? "GHS",
      metadata: p.metadata ?? {}
    })
    model.customers.set(customer.id, customer)
    model.order.push(customer.id)
    model.created++
    if (this.key !== undefined) {
      model.keys.set(this.key, { fingerprint: `POST /customers ${canonical(this.params)}`, answer: customer })
    }
  }
  toString = () => `Create(${canonical(this.params)}, ${this.key})`
}

class Retrieve implements Command {
  constructor(readonly index: number, readonly unknown: boolean) {}
  check = () => true
  async run(model: Model, real: Real) {
    const id = this.unknown || model.order.length === 0 ? `cus_unknown${this.index}` : pick(model, this.index)
    const result = await real.run(Customers.retrieve(id))
    const known = model.customers.get(id)
    if (known === undefined) {
      return assert.strictEqual((expectLeft(result) as { _tag: string })._tag, "NotFound")
    }
    const details = expectRight(result)
    assert.deepStrictEqual(fieldsOf(details), known)
    assert.deepStrictEqual([details.subscriptions, details.payment_methods], [[], []])
  }
  toString = () => `Retrieve(${this.index}, ${this.unknown})`
}

class Update implements Command {
  constructor(readonly index: number, readonly patch: Record<string, unknown>, readonly key: string | undefined) {}
  check = (model: Readonly<Model>) => model.order.length > 0
  async run(model: Model, real: Real) {
    const id = pick(model, this.index)
    const result = await real.run(
      Customers.update(id, this.patch as never, this.key === undefined ? undefined : { idempotencyKey: this.key })
    )
    const fingerprint = `PATCH /customers/${id} ${canonical(this.patch)}`
    const expected = keyed(model, this.key, fingerprint)
    if (expected._tag === "Mismatch") return assertMismatch(expectLeft(result))
    const customer = fieldsOf(expectRight(result))
    if (expected._tag === "Replay") return assert.deepStrictEqual(customer, expected.answer)
    const before = model.customers.get(id)!
    const patch = this.patch as {
      email?: string
      name?: string | null
      phone?: string | null
      currency?: string
      metadata?: Record<string, string | null>
    }
    const merged: Record<string, string> = { ...before.metadata }
    for (const [k, v] of Object.entries(patch.metadata ?? {})) {
      if (v === null) delete merged[k]
      else merged[k] = v
    }
    const after: Fields = {
      id,
      email: patch.email ?? before.email,
      name: patch.name !== undefined ? patch.name : before.name,
      phone: patch.phone !== undefined ? patch.phone : before.phone,
      currency: patch.currency ?? before.currency,
      metadata: merged
    }
    assert.deepStrictEqual(customer, after)
    model.customers.set(id, after)
    if (this.key !== undefined) model.keys.set(this.key, { fingerprint, answer: after })
  }
  toString = () => `Update(${this.index}, ${canonical(this.patch)}, ${this.key})`
}

class Delete implements Command {
  constructor(readonly index: number) {}
  check = (model: Readonly<Model>) => model.order.length > 0
  async run(model: Model, real: Real) {
    const id = pick(model, this.index)
    assert.deepStrictEqual(expectRight(await real.run(Customers.delete(id))), { id, deleted: true })
    model.customers.delete(id)
    model.order = model.order.filter((x) => x !== id)
    model.deleted++
    const again = await real.run(Customers.retrieve(id))
    assert.strictEqual((expectLeft(again) as { _tag: string })._tag, "NotFound")
  }
  toString = () => `Delete(${this.index})`
}

/** Walks every page; optionally creates a customer after the first page (it must not show up, nor shift the walk). */
class Walk implements Command {
  constructor(readonly limit: number, readonly email: string | undefined, readonly insertMidWalk: boolean) {}
  check = () => true
  async run(model: Model, real: Real) {
    const matching = model.order.filter((id) => this.email === undefined || model.customers.get(id)!.email === this.email)
    const expected = [...matching].reverse()
    const seen: Array<string> = []
    const pages: Array<ReadonlyArray<string>> = []
    let after: string | undefined
    for (let guard = 0; guard < 1000; guard++) {
      const page = expectRight(
        await real.run(Customers.listPage({
          limit: this.limit,
          ...(this.email !== undefined ? { email: this.email } : {}),
          ...(after !== undefined ? { after } : {})
        }))
      )
      const ids = page.data.map((c) => c.id)
      for (const c of page.data) assert.deepStrictEqual(fieldsOf(c), model.customers.get(c.id))
      if (pages.length > 0) {
        // Stepping back from this page gives the page before it.
        const back = expectRight(await real.run(Customers.listPage({
          limit: this.limit,
          ...(this.email !== undefined ? { email: this.email } : {}),
          before: page.pagination.previous_cursor!
        })))
        assert.deepStrictEqual(back.data.map((c) => c.id), pages[pages.length - 1])
      }
      pages.push(ids)
      seen.push(...ids)
      if (pages.length === 1) {
        assert.strictEqual(page.pagination.previous_cursor, null)
        assert.strictEqual(page.pagination.total_count, expected.length)
      }
      if (!page.pagination.has_more) break
      after = page.pagination.next_cursor!
      if (pages.length === 1 && this.insertMidWalk) {
        const extra = fieldsOf(expectRight(await real.run(Customers.create({ email: this.email ?? "new@example.com" }))))
        model.customers.set(extra.id, extra)
        model.order.push(extra.id)
        model.created++
      }
    }
    assert.deepStrictEqual(seen, expected)
    assert.strictEqual(model.order.length, model.created - model.deleted)
  }
  toString = () => `Walk(${this.limit}, ${this.email}, ${this.insertMidWalk})`
}

const commands = [
  fc.tuple(createParams, keys).map(([params, key]) => new Create(params, key)),
  fc.tuple(fc.nat(50), fc.boolean()).map(([index, unknown]) => new Retrieve(index, unknown)),
  fc.tuple(fc.nat(50), updateParams, keys).map(([index, patch, key]) => new Update(index, patch, key)),
  fc.nat(50).map((index) => new Delete(index)),
  fc.tuple(fc.integer({ min: 1, max: 4 }), fc.option(emails, { nil: undefined }), fc.boolean()).map(
    ([limit, email, insert]) => new Walk(limit, email, insert)
  )
]

const setup = async () => {
  // The model run injects no delay, so nothing needs the backend's scope after it is built.
  const backend = await Effect.runPromise(Effect.scoped(makeBackend()))
  const client = await Effect.runPromise(
    make({ clientId: "cid_test_model", clientSecret: Redacted.make("csk_test_model"), maxRetries: 0 }).pipe(
      Effect.provideService(HttpClient.HttpClient, makeMemoryHttpClient(backend.handle, "/v1"))
    )
  )
  const real: Real = {
    run: (effect) => Effect.runPromise(Effect.result(Effect.provideService(effect, XtopayClient, client)))
  }
  const model: Model = { customers: new Map(), order: [], keys: new Map(), created: 0, deleted: 0 }
  return { model, real }
}

describe("in-memory Xtopay against a model", () => {
  it("agrees with the model over random sequences of requests", async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 30 }), (cmds) => fc.asyncModelRun(setup, cmds)),
      { numRuns: 200 }
    )
  }, 120_000)
})
