/**
 * One behaviour for both editions: the same scripted session of raw HTTP requests (fetch, as a
 * client in another language would send them) runs against this edition's mock server and the
 * Effect 3 edition's `xtopay-mock` (a child process), and both must answer every step with the
 * same status, headers and body once ids, link tokens, times and the origin are replaced by
 * placeholders. The session calls every operation of core's description, meets each error status,
 * replays and mismatches idempotency keys, pages while inserting, injects faults and a rate limit
 * through `/_mock`, and has webhooks delivered (with retries) to a loopback receiver.
 */
import { operations, routeKey } from "#core/api.js"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import { createHmac } from "node:crypto"
import { existsSync, writeFileSync } from "node:fs"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import { make } from "../../src/testing/server.js"

const effect3Bin = fileURLToPath(new URL("../../../effect3/bin/xtopay-mock.mjs", import.meta.url))
const effect3Root = fileURLToPath(new URL("../../../effect3/", import.meta.url))

const CLIENT = "cid_test_cross"
const SECRET = "csk_test_cross"
const RETRY_DELAYS = [200, 400]

// -- what a step gave, made comparable ---------------------------------------------------------

/** One step's answer: status, the headers that carry meaning, and the body, normalised. */
interface Step {
  readonly name: string
  readonly status: number | "connection failed"
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** Headers that differ by nature between two servers (dates, request ids, framing). */
const UNCOMPARED = new Set(["date", "x-request-id", "connection", "keep-alive", "transfer-encoding", "content-length"])

/**
 * Replaces what two correct servers may differ in with placeholders: the origin, ISO times,
 * and every id or link token (by order of first appearance, so that the same id in two places
 * stays the same placeholder).
 */
const makeNormaliser = (origin: string) => {
  const seen = new Map<string, string>()
  return (text: string): string =>
    text
      .replaceAll(origin, "<origin>")
      .replaceAll(new URL(origin).host, "<host>")
      // A time cut short (a truncated answer) too.
      .replace(/\d{4}-\d\d-\d\dT[\d:.]*Z?/g, "<time>")
      .replace(/\b(cps|cus|da|evt|pm|req|si|sub|we|tok|sess)_[0-9a-z]+|\bcur_[0-9A-Za-z_-]+/g, (id: string) => {
        const prefix = id.slice(0, id.indexOf("_"))
        let placeholder = seen.get(id)
        if (placeholder === undefined) {
          placeholder = `<${prefix}#${[...seen.keys()].filter((key) => key.startsWith(`${prefix}_`)).length + 1}>`
          seen.set(id, placeholder)
        }
        return placeholder
      })
}

/**
 * A list's `data` grouped by endpoint (stably: each endpoint's attempts stay oldest first), the
 * endpoints in the order their (already seen) ids were first met: deliveries to two endpoints run
 * at the same time, so which of their first attempts is recorded first is a race in both servers.
 */
const byEndpoint = (text: string, normalise: (text: string) => string): string => {
  const json = JSON.parse(text) as { data?: Array<{ endpoint_id?: string }> }
  if (!Array.isArray(json.data)) return text
  const key = (item: { endpoint_id?: string }) => normalise(String(item.endpoint_id))
  return JSON.stringify({ ...json, data: [...json.data].sort((a, b) => key(a).localeCompare(key(b))) })
}

// -- a receiver for webhook deliveries ----------------------------------------------------------

interface Received {
  readonly path: string
  readonly body: string
  readonly signedRight: boolean
}

/**
 * Records every delivery (its signature checked here with node:crypto); `/flaky` answers 500 to
 * the first two deliveries of each event, then 200; any other path 200.
 */
const receiver = Effect.acquireRelease(
  Effect.callback<{ readonly server: Server; readonly received: Array<Received> }>((resume) => {
    const received: Array<Received> = []
    const tries = new Map<string, number>()
    const server = createServer((request, response) => {
      const chunks: Array<Buffer> = []
      request.on("data", (chunk: Buffer) => chunks.push(chunk))
      request.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8")
        const timestamp = String(request.headers["x-xtopay-timestamp"])
        const expected = `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")}`
        received.push({ path: request.url ?? "", body, signedRight: request.headers["x-xtopay-signature"] === expected })
        const key = `${request.url} ${(JSON.parse(body) as { id: string }).id}`
        const attempt = (tries.get(key) ?? 0) + 1
        tries.set(key, attempt)
        response.writeHead(request.url === "/flaky" && attempt <= 2 ? 500 : 200).end("ok")
      })
    })
    server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ server, received })))
  }),
  ({ server }) =>
    Effect.callback<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

// -- the Effect 3 edition's command -------------------------------------------------------------

/** `xtopay-mock` of the Effect 3 edition on a free port; killed with the scope. */
const effect3Server = Effect.acquireRelease(
  Effect.callback<{ readonly child: ChildProcess; readonly baseUrl: string }, Error>((resume) => {
    const child = spawn(process.execPath, [effect3Bin, "--port", "0", "--webhook-retry-delays", RETRY_DELAYS.join(",")], {
      cwd: effect3Root,
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk))
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      const newline = stdout.indexOf("\n")
      if (newline >= 0) resume(Effect.succeed({ child, baseUrl: stdout.slice(0, newline) }))
    })
    child.once("exit", (code) => resume(Effect.fail(new Error(`the Effect 3 xtopay-mock exited (${code}): ${stderr}`))))
  }).pipe(Effect.timeoutOrElse({ duration: "90 seconds", orElse: () => Effect.fail(new Error("the Effect 3 xtopay-mock did not start")) })),
  ({ child }) =>
    Effect.callback<void>((resume) => {
      if (child.exitCode !== null || child.signalCode !== null) return resume(Effect.void)
      child.once("exit", () => resume(Effect.void))
      child.kill("SIGTERM")
    }).pipe(Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.sync(() => void 0) }))
)

// -- the session --------------------------------------------------------------------------------

const basic = (clientId: string, secret: string) => `Basic ${Buffer.from(`${clientId}:${secret}`).toString("base64")}`
const AUTH = basic(CLIENT, SECRET)

const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis))

/** Runs the whole session against one server; every answer, normalised, in order. */
const session = async (baseUrl: string, hooks: string): Promise<{ steps: ReadonlyArray<Step>; routes: ReadonlySet<string> }> => {
  const origin = new URL(baseUrl).origin
  const normalise = makeNormaliser(origin)
  const hooksNormalise = (text: string) => text.replaceAll(hooks, "<hooks>")
  const steps: Array<Step> = []

  const send = async (
    name: string,
    method: string,
    path: string,
    options: {
      readonly body?: unknown
      readonly raw?: string
      readonly headers?: Record<string, string>
      readonly auth?: string | null
      readonly looseRetryAfter?: boolean
      /** A list of attempts at several endpoints: each endpoint's are in order, but two endpoints' run at once. */
      readonly byEndpoint?: boolean
    } = {}
  ): Promise<any> => {
    const headers: Record<string, string> = { ...options.headers }
    if (options.auth !== null) headers["authorization"] ??= options.auth ?? AUTH
    const body = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body))
    if (body !== undefined) headers["content-type"] ??= "application/json"
    const url = path.startsWith("/_mock") ? `${origin}${path}` : `${baseUrl}${path}`
    try {
      const response = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), redirect: "manual", signal: AbortSignal.timeout(5_000) })
      const text = await response.text()
      const kept: Record<string, string> = {}
      for (const [key, value] of response.headers) {
        if (UNCOMPARED.has(key)) continue
        kept[key] = key === "retry-after" && options.looseRetryAfter === true ? (/^\d+$/.test(value) ? "<seconds>" : value) : normalise(value)
      }
      // A sliding window's wait is counted from the clock: a second either way is no difference.
      const loose = options.looseRetryAfter === true ? text.replace(/retry after \d+ seconds/, "retry after <n> seconds") : text
      const shown = options.byEndpoint === true ? byEndpoint(loose, normalise) : loose
      steps.push({ name, status: response.status, headers: kept, body: hooksNormalise(normalise(shown)) })
      try {
        return JSON.parse(text)
      } catch {
        return text
      }
    } catch {
      steps.push({ name, status: "connection failed", headers: {}, body: "" })
      return undefined
    }
  }

  // Credentials: missing, a scheme that is not Basic, a live id, then the secret the first use binds.
  await send("no credentials", "GET", "/customers", { auth: null })
  await send("not Basic", "GET", "/customers", { auth: "Bearer x" })
  await send("live client id", "GET", "/customers", { auth: basic("cid_live_cross", "csk_live_cross") })
  await send("first use binds the secret", "GET", "/customers")
  await send("another secret afterwards", "GET", "/customers", { auth: basic(CLIENT, "csk_test_other") })

  // Webhook endpoints: a flaky one for every event, a steady one for deletions only.
  const flaky = await send("create the flaky endpoint", "POST", "/webhook-endpoints", { body: { url: `${hooks}/flaky`, description: "flaky" } })
  const steady = await send("create the steady endpoint", "POST", "/webhook-endpoints", {
    body: { url: `${hooks}/steady`, events: ["customer.deleted"] }
  })
  await send("an insecure non-loopback endpoint URL", "POST", "/webhook-endpoints", { body: { url: "http://shop.example/hooks" } })
  await send("retrieve an endpoint", "GET", `/webhook-endpoints/${flaky.id}`)
  await send("update an endpoint", "PATCH", `/webhook-endpoints/${steady.id}`, { body: { description: "steady" } })
  await send("list endpoints", "GET", "/webhook-endpoints?limit=1")

  // Customers, with idempotency: a replay, a mismatch, and bad input of each kind.
  const ama = await send("create with a key", "POST", "/customers", {
    body: { email: "ama@example.com", name: "Ama Owusu", metadata: { tier: "gold" } },
    headers: { "idempotency-key": "key-ama" }
  })
  await send("the same key and body: a replay", "POST", "/customers", {
    body: { email: "ama@example.com", name: "Ama Owusu", metadata: { tier: "gold" } },
    headers: { "idempotency-key": "key-ama" }
  })
  await send("the same key, another body: a mismatch", "POST", "/customers", {
    body: { email: "kofi@example.com" },
    headers: { "idempotency-key": "key-ama" }
  })
  await send("an invalid email", "POST", "/customers", { body: { email: "not-an-email" } })
  await send("no email", "POST", "/customers", { body: { name: "Nobody" } })
  await send("an invalid phone", "POST", "/customers", { body: { email: "p@example.com", phone: "0244" } })
  await send("an unknown field", "POST", "/customers", { body: { email: "u@example.com", colour: "red" } })
  await send("not JSON", "POST", "/customers", { raw: "{ email" })
  await send("not sent as JSON", "POST", "/customers", { raw: "email=a@example.com", headers: { "content-type": "application/x-www-form-urlencoded" } })
  await send("a body over 1 MiB", "POST", "/customers", { body: { email: "big@example.com", name: "x".repeat(1024 * 1024) } })
  await send("a bad idempotency key", "POST", "/customers", { body: { email: "k@example.com" }, headers: { "idempotency-key": " padded " } })
  await send("retrieve", "GET", `/customers/${ama.id}`)
  await send("retrieve an unknown id", "GET", "/customers/cus_unknown0000000")
  await send("update, removing a metadata key", "PATCH", `/customers/${ama.id}`, {
    body: { phone: "+233244000000", metadata: { tier: null, plan: "pro" } }
  })
  await send("an unknown route", "GET", "/subscriptions")
  await send("a method the route lacks", "PUT", "/customers")

  // Pagination while inserting: pages of two, a customer added and one deleted between pages.
  const created: Array<any> = []
  for (let i = 1; i <= 5; i++) created.push(await send(`create customer ${i}`, "POST", "/customers", { body: { email: `c${i}@example.com` } }))
  const page1 = await send("page 1", "GET", "/customers?limit=2")
  await send("insert between pages", "POST", "/customers", { body: { email: "late@example.com" } })
  const page2 = await send("page 2", "GET", `/customers?limit=2&after=${encodeURIComponent(page1.pagination.next_cursor)}`)
  await send("delete one not yet listed", "DELETE", `/customers/${created[0].id}`)
  const page3 = await send("page 3", "GET", `/customers?limit=2&after=${encodeURIComponent(page2.pagination.next_cursor)}`)
  if (page3?.pagination?.next_cursor) await send("page 4", "GET", `/customers?limit=2&after=${encodeURIComponent(page3.pagination.next_cursor)}`)
  await send("a bad limit", "GET", "/customers?limit=500")
  await send("a bad cursor", "GET", "/customers?after=nonsense")
  await send("filter by email", "GET", "/customers?email=c2%40example.com")

  // Setup intents, the control API's completion, payment methods, the portal.
  const intent = await send("create a setup intent", "POST", "/setup-intents", { body: { customer_id: ama.id } })
  await send("a setup intent for nobody", "POST", "/setup-intents", { body: { customer_id: "cus_unknown0000000" } })
  const card = await send("complete it through /_mock", "POST", `/_mock/setup-intents/${intent.id}/complete`, {
    body: { type: "card", card: { brand: "visa", last4: "4242", exp_month: 12, exp_year: 2030 } }
  })
  await send("complete it again", "POST", `/_mock/setup-intents/${intent.id}/complete`, { body: { type: "card" } })
  const intent2 = await send("another setup intent", "POST", "/setup-intents", { body: { customer_id: ama.id } })
  const wallet = await send("complete with a wallet", "POST", `/_mock/setup-intents/${intent2.id}/complete`, {
    body: { type: "mobile_money", mobile_money: { network: "mtn", phone: "+233244123456" } }
  })
  await send("retrieve a payment method", "GET", `/payment-methods/${card.id}`)
  await send("list payment methods", "GET", `/payment-methods?customer_id=${ama.id}&limit=1`)
  await send("list payment methods without a customer", "GET", "/payment-methods")
  await send("detach a payment method", "DELETE", `/payment-methods/${wallet.id}`)
  await send("detach it again", "DELETE", `/payment-methods/${wallet.id}`)
  await send("the customer's details", "GET", `/customers/${ama.id}`)
  await send("a portal session", "POST", "/customer-portal/sessions", { body: { customer_id: ama.id, return_url: "https://shop.example/account" } })
  await send("a portal session with a bad return_url", "POST", "/customer-portal/sessions", {
    body: { customer_id: ama.id, return_url: "javascript:alert(1)" }
  })

  // Faults through /_mock: statuses, a 429 with Retry-After, a cut connection, truncated JSON.
  await send("inject faults", "POST", "/_mock/faults", {
    body: {
      plans: [
        { times: 1, route: "POST /customers", fault: { _tag: "Status", status: 503 } },
        { times: 1, route: "POST /customers", fault: { _tag: "Status", status: 500, code: "api_error", message: "boom" } },
        { times: 1, route: "GET /customers/:id", fault: { _tag: "RateLimit", retryAfterSeconds: 3 } },
        { times: 1, route: "GET /customers/:id", fault: { _tag: "Status", status: 403 } },
        { times: 1, route: "GET /customers", fault: { _tag: "Drop", when: "before-headers" } },
        { times: 1, route: "GET /customers", fault: { _tag: "TruncatedJson" } }
      ]
    }
  })
  await send("faulted create (503)", "POST", "/customers", { body: { email: "f1@example.com" }, headers: { "idempotency-key": "key-f" } })
  await send("faulted create (500)", "POST", "/customers", { body: { email: "f1@example.com" }, headers: { "idempotency-key": "key-f" } })
  await send("the create after the faults", "POST", "/customers", { body: { email: "f1@example.com" }, headers: { "idempotency-key": "key-f" } })
  await send("faulted retrieve (429)", "GET", `/customers/${ama.id}`)
  await send("faulted retrieve (403)", "GET", `/customers/${ama.id}`)
  await send("dropped list", "GET", "/customers?limit=1")
  await send("truncated list", "GET", "/customers?limit=1")
  await send("a bad fault plan", "POST", "/_mock/faults", { body: { plans: [{ times: 1, route: "GET /nowhere", fault: { _tag: "Stall" } }] } })
  await send("clear faults", "DELETE", "/_mock/faults")

  // A key in use: the first request is held by a Delay fault while the second arrives.
  await send("inject a delay", "POST", "/_mock/faults", { body: { plans: [{ times: 1, route: "POST /customers", fault: { _tag: "Delay", millis: 400 } }] } })
  const held = send("the held create", "POST", "/customers", { body: { email: "held@example.com" }, headers: { "idempotency-key": "key-held" } })
  await sleep(100)
  const steps409 = steps.length
  await send("the same key while in use", "POST", "/customers", { body: { email: "held@example.com" }, headers: { "idempotency-key": "key-held" } })
  await held
  // The held answer lands after the 409: keep the transcript's order independent of that race.
  const [inUse] = steps.splice(steps409, 1)
  steps.push(inUse!)

  // A rate limit through /_mock: two requests a minute, then 429.
  await send("set a rate limit", "PUT", "/_mock/rate-limit", { body: { requests: 2, window: "1 minute" } })
  await send("limited 1", "GET", "/customers?limit=1")
  await send("limited 2", "GET", "/customers?limit=1")
  await send("limited 3: 429", "GET", "/customers?limit=1", { looseRetryAfter: true })
  await send("a bad rate limit", "PUT", "/_mock/rate-limit", { body: { requests: 0, window: 1000 } })
  await send("lift the rate limit", "DELETE", "/_mock/rate-limit")

  // Deletions (events for the steady endpoint too), then events and their deliveries.
  await send("delete a customer", "DELETE", `/customers/${ama.id}`)
  await send("delete it again", "DELETE", `/customers/${ama.id}`)
  const allEvents: Array<any> = []
  let after: string | null = null
  do {
    const page: any = await send("list events", "GET", `/events?limit=10${after === null ? "" : `&after=${encodeURIComponent(after)}`}`)
    allEvents.push(...page.data)
    after = page.pagination.has_more ? page.pagination.next_cursor : null
  } while (after !== null)
  await send("events of one type", "GET", "/events?type=customer.deleted")
  await send("retrieve an event", "GET", `/events/${allEvents[0].id}`)
  await send("an unknown event", "GET", "/events/evt_unknown0000000")
  await send("replay an event", "POST", `/events/${allEvents[allEvents.length - 1].id}/replay`)

  // Wait (bounded) until every event's deliveries are done: the flaky endpoint took three attempts each.
  const attemptsOf = async (id: string) =>
    ((await (await fetch(`${origin}/_mock/events/${id}/delivery-attempts`, { headers: { authorization: AUTH } })).json()) as { data: Array<any> }).data
  // Done when each endpoint's latest attempt at each event succeeded (attempts are listed oldest first).
  const settled = (attempts: ReadonlyArray<any>) => {
    const latest = new Map<string, string>()
    for (const attempt of attempts) latest.set(attempt.endpoint_id, attempt.status)
    return latest.size > 0 && [...latest.values()].every((status) => status === "succeeded")
  }
  const deadline = Date.now() + 20_000
  while (Date.now() < deadline) {
    const all = await Promise.all(allEvents.map((event) => attemptsOf(event.id)))
    if (all.every(settled)) break
    await sleep(100)
  }
  await sleep(300)
  for (const [index, event] of allEvents.entries()) {
    await send(`delivery attempts of event ${index}`, "GET", `/events/${event.id}/delivery-attempts`, { byEndpoint: true })
    await send(`why they failed, event ${index}`, "GET", `/_mock/events/${event.id}/delivery-attempts`, { byEndpoint: true })
  }
  await send("delete an endpoint", "DELETE", `/webhook-endpoints/${steady.id}`)
  await send("delete the other", "DELETE", `/webhook-endpoints/${flaky.id}`)
  await send("delete it again", "DELETE", `/webhook-endpoints/${flaky.id}`)
  await send("the recorded requests", "GET", "/_mock/requests")
  const recorded = (await (await fetch(`${origin}/_mock/requests`, { headers: { authorization: AUTH } })).json()) as { data: Array<any> }
  await send("reset the account", "POST", "/_mock/reset")
  await send("empty after the reset", "GET", "/customers")
  await send("an unknown control route", "GET", "/_mock/nothing")
  return { steps, routes: new Set(recorded.data.map((request) => request.route as string)) }
}

/** The deliveries a receiver got, normalised and sorted (their order across events is the scheduler's). */
const deliveries = (received: ReadonlyArray<Received>) => {
  const normalise = makeNormaliser("http://no-origin.invalid")
  // Ids by order of first appearance in the event bodies, sorted by event id first so both sides agree.
  const sorted = [...received].sort((a, b) => a.body.localeCompare(b.body) || a.path.localeCompare(b.path))
  return sorted.map((delivery) => `${delivery.path} ${delivery.signedRight ? "signed" : "BAD SIGNATURE"} ${normalise(delivery.body)}`)
}

describe("one behaviour: the Effect 4 and Effect 3 mock servers answer a session alike", () => {
  it.live("every operation, each error status, idempotency, paging while inserting, faults, a rate limit, webhook retries", () =>
    Effect.gen(function*() {
      if (!existsSync(effect3Bin)) return assert.fail(`the Effect 3 edition's command is missing: ${effect3Bin}`)
      const hooks4 = yield* receiver
      const hooks3 = yield* receiver
      const effect4 = yield* make({ port: 0, webhookRetryDelays: RETRY_DELAYS.map((ms) => Duration.millis(ms)) })
      const effect3 = yield* effect3Server
      const base = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const [four, three] = yield* Effect.promise(() =>
        Promise.all([session(effect4.baseUrl, base(hooks4.server)), session(effect3.baseUrl, base(hooks3.server))])
      )
      if (process.env["CROSS_DUMP"] !== undefined) {
        yield* Effect.sync(() => writeFileSync(process.env["CROSS_DUMP"]!, JSON.stringify({ four, three, routes: [...four.routes] }, null, 1)))
      }
      // Every operation of the description was called.
      const missing = operations.map(routeKey).filter((route) => !four.routes.has(route))
      assert.deepStrictEqual(missing, [], "operations the session did not call")
      assert.strictEqual(four.steps.length, three.steps.length)
      // Every step that differs is named; the first is shown in full.
      const differing = four.steps.flatMap((step, index) =>
        JSON.stringify(step) === JSON.stringify(three.steps[index]) ? [] : [`${index}: ${step.name}`]
      )
      if (differing.length > 0) {
        const first = Number(differing[0]!.split(":")[0])
        assert.deepStrictEqual(four.steps[first], three.steps[first], `steps that differ: ${differing.join("; ")}`)
      }
      const delivered = deliveries(hooks4.received)
      assert.isAbove(delivered.length, 10)
      assert.notInclude(delivered.join("\n"), "BAD SIGNATURE")
      assert.deepStrictEqual(delivered, deliveries(hooks3.received))
    }), { timeout: 180_000 })
})
