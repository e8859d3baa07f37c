/**
 * `xtopay-mock` from source (the command's own `main`, so its flags), plus a probe the bench asks
 * over IPC: how many TCP connections the server has accepted so far.
 */
import { subscribe } from "node:diagnostics_channel"

let accepted = 0
// Node publishes every socket an `http.Server` accepts on this channel.
subscribe("net.server.socket", () => {
  accepted += 1
})
process.on("message", (message) => {
  if (message === "connections") process.send?.({ connections: accepted })
})

const { main } = await import("../../src/testing/cli.js")
await main(process.argv.slice(2))
