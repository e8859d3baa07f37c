/** Local node:http servers on 127.0.0.1 for a test's scope, for the transports' tests over real sockets. */
import { Effect, type Scope } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

interface Hit {
  readonly line: string
  readonly headers: IncomingMessage["headers"]
}

export interface Served {
  readonly server: ReturnType<typeof createServer>
  readonly url: string
  readonly hits: Array<Hit>
  /** Connections accepted so far. */
  readonly connections: () => number
  /** Connections still open. */
  readonly openSockets: () => number
}

/** A node:http server on 127.0.0.1 for the test's scope, counting the connections it accepts. */
export const serve = (
  handler: (request: IncomingMessage, response: ServerResponse) => void
): Effect.Effect<Served, never, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.callback<Served>((resume) => {
      const hits: Array<Hit> = []
      let connections = 0
      let open = 0
      const server = createServer((request, response) => {
        hits.push({ line: `${request.method} ${request.url}`, headers: request.headers })
        handler(request, response)
      })
      server.on("connection", (socket) => {
        connections += 1
        open += 1
        socket.once("close", () => (open -= 1))
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          server,
          url: `http://127.0.0.1:${port}`,
          hits,
          connections: () => connections,
          openSockets: () => open
        }))
      })
    }),
    ({ server }) =>
      Effect.callback<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

/** A customer with its details, as GET /customers/:id answers. */
export const customer = () => ({
  id: "cus_a1b2c3",
  object: "customer",
  email: "ama@example.com",
  name: null,
  phone: null,
  currency: "GHS",
  metadata: {},
  created_at: "2026-05-24T10:00:00Z",
  subscriptions: [],
  payment_methods: []
})

/** Answers every request, once its body is in, with `customer()`. */
export const answering = serve((request, response) => {
  request.resume()
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(customer()))
  })
})

/** Resolves when `socketClosed` does, or fails the test after 3 s. */
export const closedWithin3s = (socketClosed: Promise<void>) =>
  Effect.promise(() => socketClosed).pipe(
    Effect.timeoutOrElse({ duration: "3 seconds", orElse: () => Effect.die(new Error("socket still open after 3 s")) })
  )
