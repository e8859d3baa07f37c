/** Local node:http servers on 127.0.0.1 for a test's scope, for the transports' tests over real sockets. */
import { Effect } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { customer } from "../resilience/support.js"

interface Hit {
  readonly line: string
  readonly headers: IncomingMessage["headers"]
}

/** A node:http server on 127.0.0.1 for the test's scope, counting the connections it accepts. */
export const serve = (handler: (request: IncomingMessage, response: ServerResponse) => void) =>
  Effect.acquireRelease(
    Effect.async<{
      readonly server: ReturnType<typeof createServer>
      readonly url: string
      readonly hits: Array<Hit>
      readonly connections: () => number
      readonly openSockets: () => number
    }>((resume) => {
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
      Effect.async<void>((resume) => {
        server.closeAllConnections()
        server.close(() => resume(Effect.void))
      })
  )

export const answering = serve((request, response) => {
  request.resume()
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(customer()))
  })
})

