/**
 * A redis-server of the bench's own on loopback (for the rate-limit scenarios' Redis rows), on a
 * free port, without persistence; or undefined when none is installed.
 */
import { spawn } from "node:child_process"
import { createServer } from "node:net"

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** Started and ready, or undefined when redis-server is not installed (or not ready within 10 s). */
export const startRedis = async (): Promise<{ readonly port: number; readonly stop: () => void } | undefined> => {
  const port = await freePort()
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "ignore"]
  })
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 10_000)
    child.on("error", () => resolve(false))
    child.stdout.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("Ready to accept connections")) {
        clearTimeout(timer)
        resolve(true)
      }
    })
  })
  const stop = () => void child.kill("SIGTERM")
  if (!ready) {
    stop()
    return undefined
  }
  return { port, stop }
}
