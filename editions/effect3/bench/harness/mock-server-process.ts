/**
 * `xtopay-mock` as built (the command's own `main`, so its flags), plus a probe the bench asks
 * over IPC: how many TCP connections the server has accepted so far.
 */
import { subscribe } from "node:diagnostics_channel"
import { loadMockServerMain } from "./sdk.js"

let accepted = 0
// Node publishes every socket an `http.Server` accepts on this channel.
subscribe("net.server.socket", () => {
  accepted += 1
})
process.on("message", (message) => {
  if (message === "connections") process.send?.({ connections: accepted })
})

const main = await loadMockServerMain()
await main(process.argv.slice(2))
