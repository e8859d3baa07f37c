/**
 * The mock server delivers events over real HTTP: to a plain node:http receiver on 127.0.0.1,
 * signed as the reference says (checked here with node:crypto, independently of the code under
 * test, and decoded with `Webhooks.constructEventWith`), retried on `webhookRetryDelays` (the
 * `--webhook-retry-delays` flag) with a fresh signature and the same body, never delaying the
 * API's answers, each failure recorded with why, and stopping when the server stops.
 */
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Layer, Redacted, Schedule, Stream } from "effect"
import { createHmac } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Customers, Events, SetupIntents, WebhookEndpoints, Webhooks, XtopayControl } from "../../src/index.js"
import { FetchTransport } from "../../src/XtopayClient.js"
import { MockServer } from "../../src/testing/server.js"
import { answered, rawFetch } from "./support.js"

const SECRET = "csk_test_default"

interface Delivery {
  readonly path: string
  readonly headers: Readonly<Record<string, string | undefined>>
  readonly body: string
  /** When it arrived, in epoch milliseconds. */
  readonly at: number
}

/**
 * A receiver on a free loopback port, closed with the scope: it records every request, answers
 * `/slow` after 1.5 s, and answers each other path with the next of `statuses` (then 200).
 */
const receiver = (statuses: ReadonlyArray<number> = []) =>
  Effect.gen(function*() {
    const deliveries: Array<Delivery> = []
    let next = 0
    const server = yield* Effect.acquireRelease(
      Effect.callback<Server>((resume) => {
        const server = createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const headers: Record<string, string | undefined> = {}
            for (const [name, value] of Object.entries(request.headers)) headers[name] = Array.isArray(value) ? value.join(", ") : value
            deliveries.push({ path: request.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() })
            if (request.url === "/slow") return void setTimeout(() => response.writeHead(204).end(), 1_500)
            response.writeHead(statuses[next++] ?? 200).end("noted")
          })
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.callback<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const port = (server.address() as AddressInfo).port
    return { base: `http://127.0.0.1:${port}`, deliveries: Effect.sync(() => [...deliveries]) }
  })

/** A loopback port nothing listens on: a server's, once closed. */
const closedPort = Effect.callback<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** Polls `check` every 20 ms for up to 8 s (real time: deliveries cross real sockets). */
const eventually = <A, E, R>(check: Effect.Effect<A, E, R>, until: (a: A) => boolean) =>
  check.pipe(
    Effect.filterOrFail(until, () => "not yet"),
    Effect.retry(Schedule.spaced("20 millis")),
    Effect.timeoutOrElse({ duration: "8 seconds", orElse: () => Effect.die(new Error("timed out waiting")) }),
    Effect.orDie
  )

/** The signature the reference describes, computed here with node:crypto. */
const expectedSignature = (timestamp: string, body: string) =>
  `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")}`

/** Asserts a delivery is signed as the reference says, with a timestamp within a few seconds of its arrival. */
const assertSigned = (delivery: Delivery) => {
  assert.strictEqual(delivery.headers["content-type"], "application/json")
  const timestamp = delivery.headers["x-xtopay-timestamp"]!
  assert.match(timestamp, /^\d+$/)
  assert.isAtMost(Math.abs(Number(timestamp) - delivery.at / 1000), 5)
  assert.strictEqual(delivery.headers["x-xtopay-signature"], expectedSignature(timestamp, delivery.body))
}

/** A mock server with these retry delays, and the effect4 client of it over FetchTransport. */
const mock = (delays: ReadonlyArray<number>) => {
  const server = MockServer.layer({ webhookRetryDelays: delays.map((ms) => Duration.millis(ms)) }).pipe(Layer.orDie)
  return Layer.merge(MockServer.layerClient().pipe(Layer.provide(server), Layer.provide(FetchTransport), Layer.orDie), server)
}

describe("the mock server delivers webhooks over HTTP", () => {
  it.live("a loopback receiver gets customer.payment_method_added, signed with the account's secret, which Webhooks decodes", () =>
    Effect.gen(function*() {
      const { base, deliveries } = yield* receiver()
      yield* WebhookEndpoints.create({ url: `${base}/webhooks/xtopay`, events: ["customer.payment_method_added"] })
      const ama = yield* Customers.create({ email: "ama@example.com" })
      const intent = yield* SetupIntents.create({ customer_id: ama.id })
      const control = yield* XtopayControl
      const card = yield* control.completeSetupIntent(intent.id, { type: "card" })
      const [delivery] = yield* eventually(deliveries, (all) => all.length > 0)
      assert.strictEqual(delivery!.path, "/webhooks/xtopay")
      assertSigned(delivery!)
      const event = yield* Webhooks.constructEventWith(delivery!.body, delivery!.headers as Record<string, string>, {
        secrets: [Redacted.make(SECRET)]
      })
      assert.strictEqual(event.type, "customer.payment_method_added")
      assert.strictEqual((event.data as { id: string }).id, card.id)
      // Only the subscribed type came: customer.created was not sent to this endpoint.
      yield* control.settleDeliveries
      assert.strictEqual((yield* deliveries).length, 1)
    }).pipe(Effect.provide(mock([200, 400]))))

  it.live("retries on the shortened schedule: failed, failed, succeeded; the same body, each attempt freshly signed", () =>
    Effect.gen(function*() {
      const { base, deliveries } = yield* receiver([500, 503])
      yield* WebhookEndpoints.create({ url: `${base}/webhooks/xtopay` })
      yield* Customers.create({ email: "ama@example.com" })
      const [event] = (yield* Events.listPage()).data
      const received = yield* eventually(deliveries, (all) => all.length === 3)
      const attempts = yield* eventually(
        Effect.orDie(Stream.runCollect(Events.deliveryAttempts(event!.id))),
        (all) => all.length === 3
      )
      assert.deepStrictEqual(attempts.map((a) => [a.status, a.response_status]), [["failed", 500], ["failed", 503], ["succeeded", 200]])
      const gaps = [1, 2].map((i) => attempts[i]!.attempted_at.epochMilliseconds - attempts[i - 1]!.attempted_at.epochMilliseconds)
      assert.isAtLeast(gaps[0]!, 200)
      assert.isAtLeast(gaps[1]!, 400)
      for (const delivery of received) {
        assertSigned(delivery)
        assert.strictEqual(delivery.body, received[0]!.body)
        assert.strictEqual((JSON.parse(delivery.body) as { id: string }).id, event!.id)
      }
      // A replay delivers once more, the same event.
      yield* Events.replay(event!.id)
      const again = yield* eventually(deliveries, (all) => all.length === 4)
      assert.strictEqual((JSON.parse(again[3]!.body) as { id: string }).id, event!.id)
    }).pipe(Effect.provide(mock([200, 400]))))

  it.live("a receiver that answers late does not delay the API, and a dead one is recorded as failed", () =>
    Effect.gen(function*() {
      const { base } = yield* receiver()
      const refused = yield* closedPort
      const slow = yield* WebhookEndpoints.create({ url: `${base}/slow` })
      const dead = yield* WebhookEndpoints.create({ url: `http://127.0.0.1:${refused}/dead` })
      const [took] = yield* Effect.timed(Customers.create({ email: "ama@example.com" }))
      assert.isBelow(Duration.toMillis(took), 1_000)
      const [event] = (yield* Events.listPage()).data
      const attempts = yield* eventually(
        Effect.orDie(Stream.runCollect(Events.deliveryAttempts(event!.id))),
        (all) => all.length === 2
      )
      const byEndpoint = new Map(attempts.map((a) => [a.endpoint_id, [a.status, a.response_status]]))
      assert.deepStrictEqual([byEndpoint.get(slow.id), byEndpoint.get(dead.id)], [["succeeded", 204], ["failed", null]])
      // The dead endpoint's retry, a minute away, must not hold the server's close.
    }).pipe(Effect.provide(mock([60_000]))), { timeout: 20_000 })

  it.live("why an attempt failed (the endpoint's status, a refused connection, TLS) on /_mock, never on the API's attempt", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const { base } = yield* receiver([503])
      const port = new URL(base).port
      const refused = yield* closedPort
      const endpoints = {
        status: yield* WebhookEndpoints.create({ url: `${base}/hook` }),
        connection_refused: yield* WebhookEndpoints.create({ url: `http://127.0.0.1:${refused}/hook` }),
        // https to a server that speaks plain HTTP: the TLS handshake fails.
        tls: yield* WebhookEndpoints.create({ url: `https://127.0.0.1:${port}/hook` })
      }
      yield* Customers.create({ email: "ama@example.com" })
      const control = server.control.account("cid_test_default")
      const [event] = yield* control.events
      const attempts = yield* eventually(control.deliveryAttempts(event!.id), (all) => all.length === 3)
      for (const [reason, endpoint] of Object.entries(endpoints)) {
        const attempt = attempts.find((a) => a.endpoint_id === endpoint.id)!
        assert.strictEqual(attempt.status, "failed")
        assert.strictEqual(attempt.failure?.reason, reason, `${reason}: ${attempt.failure?.message}`)
      }
      assert.strictEqual(attempts.find((a) => a.endpoint_id === endpoints.status.id)!.response_status, 503)

      const origin = server.baseUrl.replace(/\/v1$/, "")
      const headers = { authorization: `Basic ${btoa(`cid_test_default:${SECRET}`)}` }
      const overHttp = answered(yield* rawFetch(`${origin}/_mock/events/${event!.id}/delivery-attempts`, { headers }))
      assert.strictEqual(overHttp.status, 200, overHttp.text)
      const data = (JSON.parse(overHttp.text) as { data: Array<Record<string, any>> }).data
      assert.deepStrictEqual(
        data.map((a) => [a["endpoint_id"], a["failure"]?.reason]).sort(),
        attempts.map((a) => [a.endpoint_id, a.failure?.reason]).sort()
      )
      // Another account learns nothing of this event's attempts.
      const other = { authorization: `Basic ${btoa("cid_test_other:csk_test_other")}` }
      assert.deepStrictEqual(
        JSON.parse(answered(yield* rawFetch(`${origin}/_mock/events/${event!.id}/delivery-attempts`, { headers: other })).text),
        { data: [] }
      )
      // The API's list keeps the reference's DeliveryAttempt, with no mock-only field.
      const api = answered(yield* rawFetch(`${server.baseUrl}/events/${event!.id}/delivery-attempts`, { headers }))
      for (const attempt of (JSON.parse(api.text) as { data: Array<Record<string, unknown>> }).data) {
        assert.notProperty(attempt, "failure")
      }
    }).pipe(Effect.provide(mock([]))), { timeout: 20_000 })

  it.live("deliveries stop when the server stops", () =>
    Effect.gen(function*() {
      const { base, deliveries } = yield* receiver([500])
      yield* Effect.gen(function*() {
        yield* WebhookEndpoints.create({ url: `${base}/webhooks/xtopay` })
        yield* Customers.create({ email: "ama@example.com" })
        yield* eventually(deliveries, (all) => all.length === 1)
      }).pipe(Effect.provide(mock([300])))
      // The first attempt failed; the retry was due 300 ms later, after the server had stopped.
      yield* Effect.sleep("600 millis")
      assert.strictEqual((yield* deliveries).length, 1)
    }))
})
