/**
 * A failed webhook delivery attempt records why it failed (the endpoint's status, a refused
 * connection, a TLS failure, a timeout), on the attempt as `XtopayControl.deliveryAttempts` and the
 * control API's `GET /_mock/events/:id/delivery-attempts` show it; the API's own
 * `/v1/events/:id/delivery-attempts` keeps the reference's shape, without it.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpRouter from "@effect/platform/HttpRouter"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schedule, TestClock } from "effect"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { Customers, WebhookEndpoints, XtopayControl, XtopayTestWith } from "../../src/index.js"
import { MockServer } from "../../src/testing/server.js"
import { answered, rawFetch } from "./support.js"

/** A plain HTTP server on a free loopback port, answering every request with `status`, closed with the scope. */
const plainServer = (status: number) =>
  Effect.acquireRelease(
    Effect.async<Server>((resume) => {
      const server = createServer((_, response) => response.writeHead(status).end("down for maintenance"))
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
    }),
    (server) => Effect.async<void>((resume) => void server.close(() => resume(Effect.void)))
  ).pipe(Effect.map((server) => (server.address() as AddressInfo).port))

/** A loopback port nothing listens on: a server's, once closed. */
const closedPort = Effect.async<number>((resume) => {
  const server = createServer()
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    server.close(() => resume(Effect.succeed(port)))
  })
})

const Mock = (() => {
  const server = MockServer.layer({ webhookRetryDelays: [] }).pipe(Layer.orDie)
  return Layer.merge(MockServer.layerClient().pipe(Layer.provide(server), Layer.provide(FetchHttpClient.layer), Layer.orDie), server)
})()

describe("failed webhook deliveries record why", () => {
  it.live("over real sockets: an endpoint's status, a refused connection, a TLS failure", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const answering503 = yield* plainServer(503)
      const refused = yield* closedPort
      const endpoints = {
        status: yield* WebhookEndpoints.create({ url: `http://127.0.0.1:${answering503}/hook` }),
        connection_refused: yield* WebhookEndpoints.create({ url: `http://127.0.0.1:${refused}/hook` }),
        // https to a server that speaks plain HTTP: the TLS handshake fails.
        tls: yield* WebhookEndpoints.create({ url: `https://127.0.0.1:${answering503}/hook` })
      }
      yield* Customers.create({ email: "ama@example.com" })
      const control = server.control.account("cid_test_default")
      const [event] = yield* control.events
      const attempts = yield* control.deliveryAttempts(event!.id).pipe(
        Effect.filterOrFail((all) => all.length === 3, () => "not yet"),
        Effect.retry(Schedule.spaced("50 millis")),
        Effect.timeoutFail({ duration: "8 seconds", onTimeout: () => "the three attempts were not recorded" }),
        Effect.orDie
      )
      for (const [reason, endpoint] of Object.entries(endpoints)) {
        const attempt = attempts.find((a) => a.endpoint_id === endpoint.id)!
        assert.strictEqual(attempt.status, "failed")
        assert.strictEqual(attempt.failure?.reason, reason, `${reason}: ${attempt.failure?.message}`)
      }
      const byStatus = attempts.find((a) => a.endpoint_id === endpoints.status.id)!
      assert.strictEqual(byStatus.response_status, 503)
      assert.match(byStatus.failure!.message, /503/)
      assert.match(attempts.find((a) => a.endpoint_id === endpoints.connection_refused.id)!.failure!.message, /ECONNREFUSED/)

      // The control API shows the same, `failure` beside the attempt's own fields.
      const origin = server.baseUrl.replace(/\/v1$/, "")
      const headers = { authorization: `Basic ${btoa("cid_test_default:csk_test_default")}` }
      const overHttp = answered(yield* rawFetch(`${origin}/_mock/events/${event!.id}/delivery-attempts`, { headers }))
      assert.strictEqual(overHttp.status, 200, overHttp.text)
      const data = (JSON.parse(overHttp.text) as { data: Array<Record<string, any>> }).data
      assert.deepStrictEqual(
        data.map((a) => [a["endpoint_id"], a["failure"]?.reason]).sort(),
        attempts.map((a) => [a.endpoint_id, a.failure?.reason]).sort()
      )
      // Another account learns nothing of this event's attempts.
      const other = { authorization: `Basic ${btoa("cid_test_other:csk_test_other")}` }
      const foreign = answered(yield* rawFetch(`${origin}/_mock/events/${event!.id}/delivery-attempts`, { headers: other }))
      assert.deepStrictEqual(JSON.parse(foreign.text), { data: [] })

      // The API's list keeps the reference's DeliveryAttempt, with no mock-only field.
      const api = answered(yield* rawFetch(`${server.baseUrl}/events/${event!.id}/delivery-attempts`, { headers }))
      for (const attempt of (JSON.parse(api.text) as { data: Array<Record<string, unknown>> }).data) {
        assert.notProperty(attempt, "failure")
      }
    }).pipe(Effect.scoped, Effect.provide(Mock)), 20_000)

  it.effect("in XtopayTest: a receiver that does not answer within 10 s is a timeout, a 2xx has no failure", () =>
    Effect.gen(function*() {
      const app = HttpRouter.empty.pipe(HttpRouter.post("/slow", Effect.never))
      yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* WebhookEndpoints.create({ url: "https://shop.example/slow" })
        yield* Customers.create({ email: "ama@example.com" })
        const [event] = yield* control.events
        // A second at a time until the attempt is recorded: the delivery's fiber may not have begun its wait yet.
        const recorded = control.deliveryAttempts(event!.id).pipe(
          Effect.tap(() => TestClock.adjust("1 second")),
          Effect.repeat({ until: (all) => all.length > 0, times: 30 })
        )
        const [attempt] = yield* recorded
        assert.strictEqual(attempt?.status, "failed")
        assert.strictEqual(attempt?.response_status, null)
        assert.deepStrictEqual(attempt?.failure, { reason: "timeout", message: "No answer within 10 s" })
      }).pipe(Effect.provide(XtopayTestWith({ webhookApp: app, webhookRetryDelays: [] })))
    }))

  it.effect("in XtopayTest without a webhookApp: failed, saying there is nowhere to deliver", () =>
    Effect.gen(function*() {
      const control = yield* XtopayControl
      yield* WebhookEndpoints.create({ url: "https://shop.example/hooks" })
      yield* Customers.create({ email: "ama@example.com" })
      const [event] = yield* control.events
      yield* control.settleDeliveries
      const [attempt] = yield* control.deliveryAttempts(event!.id)
      assert.strictEqual(attempt?.failure?.reason, "other")
      assert.match(attempt!.failure!.message, /No webhookApp/)
    }).pipe(Effect.provide(XtopayTestWith({ webhookRetryDelays: [] }))))
})
