/**
 * `xtopay-mock` as an edition built it (that edition's command `main`, so its flags), plus a probe
 * the bench asks over IPC: how many TCP connections the server has accepted so far. Which edition's
 * command runs is the module URL in `XTOPAY_BENCH_MOCK_CLI` (set by `startMockServer`).
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

const cli = process.env["XTOPAY_BENCH_MOCK_CLI"]
if (cli === undefined) throw new Error("XTOPAY_BENCH_MOCK_CLI names no module: start the server with startMockServer")
const { main } = (await import(cli)) as { readonly main: (argv: ReadonlyArray<string>) => Promise<unknown> }
await main(process.argv.slice(2))
