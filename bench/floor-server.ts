/**
 * The floor server: a node:http process answering every request, whatever its path, with one fixed
 * customer (keep-alive, no server work beyond reading the body): a GET as `GET /customers/:id`
 * answers (200, with empty `subscriptions` and `payment_methods`), anything else as
 * `POST /customers` does (201). It prints its base URL on stdout; `startFloorServer` runs it as a
 * child, so its CPU is never the client's.
 */
import { type ChildProcess, fork } from "node:child_process"
import { once } from "node:events"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"

/** The customer every request gets back: the shape `Customer` decodes, as stripe-node and openai-node read it too. */
export const FLOOR_CUSTOMER = {
  id: "cus_floor0000000000000000",
  email: "ama@example.com",
  name: "Ama Owusu",
  phone: "+233200000000",
  currency: "GHS",
  metadata: { plan: "pro" },
  created_at: "2026-05-24T10:00:00Z"
}

const answer = (status: number, value: unknown) => {
  const body = Buffer.from(JSON.stringify(value))
  const headers = { "content-type": "application/json", "content-length": String(body.length), "x-request-id": "req_floor" }
  return { status, body, headers }
}

const serve = () => {
  // What the API answers: the retrieve shape for a GET, the created customer for the rest.
  const retrieved = answer(200, { ...FLOOR_CUSTOMER, subscriptions: [], payment_methods: [] })
  const created = answer(201, FLOOR_CUSTOMER)
  const server = createServer((request, response) => {
    const { body, headers, status } = request.method === "GET" ? retrieved : created
    request.on("data", () => {})
    request.on("end", () => {
      response.writeHead(status, headers)
      response.end(body)
    })
  })
  // Longer than any client's idle timeout: the server never closes a connection under a client.
  server.keepAliveTimeout = 60_000
  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address() as AddressInfo
    process.stdout.write(`http://127.0.0.1:${port}/v1\n`)
  })
  process.on("SIGTERM", () => process.exit(0))
}

export interface FloorServer {
  /** `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string
  readonly stop: () => Promise<void>
}

export const startFloorServer = async (): Promise<FloorServer> => {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ["--serve"], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "inherit", "ipc"]
  })
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let stdout = ""
    child.once("exit", (code) => reject(new Error(`the floor server exited (${code}) before it was ready`)))
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk
      if (stdout.includes("\n")) resolve(stdout.trim())
    })
  })
  const kill = () => child.kill("SIGKILL")
  process.once("exit", kill)
  return {
    baseUrl,
    stop: async () => {
      process.off("exit", kill)
      if (child.exitCode !== null || child.signalCode !== null) return
      const exited = once(child, "exit")
      child.kill("SIGTERM")
      await exited
    }
  }
}

if (process.argv.includes("--serve")) serve()
