/**
 * Every client of the peer comparison, each as a retrieve call and a create call against the floor
 * server: the raw transports, stripe-node, openai-node, the platform's undici client alone, and
 * effect-xtopay over `XtopayLive`, over `XtopayNode` and over `NodeHttpClient.layerUndici`.
 * Each is built once (its connection pool warm after the warm-up) and used as its README says.
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as PlatformUndici from "@effect/platform-node/Undici"
import { Effect, Layer, ManagedRuntime } from "effect"
import * as http from "node:http"
import { randomUUID } from "node:crypto"
import OpenAI from "openai"
import Stripe from "stripe"
import * as undici from "undici"
import type { Call } from "./measure.js"
import { CLIENT_ID, raw } from "./client.js"
import { Customers, XtopayClient, XtopayLive, XtopayNode } from "./sdk.js"

const CLIENT_SECRET = "csk_test_default"

/** The clients, in the order of the table. */
export const PEERS = [
  "fetch",
  "undici",
  "nodeHttp",
  "openai",
  "stripe",
  "platformUndici",
  "xtopayLive",
  "xtopayNode",
  "xtopayLayerUndici"
] as const
export type Peer = typeof PEERS[number]

export const PEER_LABELS: Record<Peer, string> = {
  fetch: "raw `fetch` + `JSON.parse`",
  undici: "raw `undici.request` (keep-alive `Agent`)",
  nodeHttp: "`node:http`, keep-alive agent",
  openai: "openai-node 7.59 (`client.get` / `client.post`)",
  stripe: "stripe-node 23.1 (`customers.retrieve` / `customers.create`)",
  platformUndici: "`@effect/platform-node` undici `HttpClient` alone (no SDK code; the floor)",
  xtopayLive: "effect-xtopay, `XtopayLive` (fetch)",
  xtopayNode: "effect-xtopay, `XtopayNode` (undici, its own pool)",
  xtopayLayerUndici: "effect-xtopay over `NodeHttpClient.layerUndici` (default `Agent`)"
}

export interface PeerCalls {
  readonly retrieve: Call
  readonly create: Call
}

export interface PeerClients {
  readonly calls: Record<Peer, PeerCalls>
  readonly dispose: () => Promise<void>
}

const headers = {
  authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`,
  accept: "application/json",
  "user-agent": "effect-xtopay-bench"
}
const params = (i: number) => ({ email: `bench${i}@example.com`, name: "Bench Customer" })

/** Every client, pointed at the floor server `baseUrl` (`http://127.0.0.1:PORT/v1`) and asking for customer `id`. */
export const makePeers = (baseUrl: string, id: string): PeerClients => {
  const base = new URL(baseUrl)
  const retrieveUrl = `${baseUrl}/customers/${id}`
  const createUrl = `${baseUrl}/customers`

  const undiciAgent = new undici.Agent()
  const undiciCall = async (method: "GET" | "POST", url: string, body?: unknown) => {
    const response = await undici.request(url, {
      dispatcher: undiciAgent,
      method,
      headers: body === undefined
        ? headers
        : { ...headers, "content-type": "application/json", "idempotency-key": `bench-${randomUUID()}` },
      body: body === undefined ? null : JSON.stringify(body)
    })
    const text = await response.body.text()
    if (response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}: ${text}`)
    return JSON.parse(text) as unknown
  }

  const httpAgent = new http.Agent({ keepAlive: true })
  const nodeHttpCall = (method: "GET" | "POST", path: string, body?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body)
      const request = http.request({
        agent: httpAgent,
        host: base.hostname,
        port: base.port,
        path: `${base.pathname}${path}`,
        method,
        headers: payload === undefined ? headers : {
          ...headers,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
          "idempotency-key": `bench-${randomUUID()}`
        }
      }, (response) => {
        const chunks: Array<Buffer> = []
        response.on("data", (chunk: Buffer) => chunks.push(chunk))
        response.on("error", reject)
        response.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8")
          if ((response.statusCode ?? 0) >= 300) reject(new Error(`HTTP ${response.statusCode}: ${text}`))
          else resolve(JSON.parse(text))
        })
      })
      request.on("error", reject)
      request.end(payload)
    })

  // The SDKs with their defaults, pointed at the floor server as their docs say.
  const stripe = new Stripe("sk_test_floor", { host: base.hostname, port: Number(base.port), protocol: "http" })
  const openai = new OpenAI({ apiKey: "sk-floor", baseURL: baseUrl })

  // The platform's undici client alone: the GET and POST the SDK sends, body read as text, JSON.parse.
  const platformDispatcher = new PlatformUndici.Agent({ connections: 128, keepAliveTimeout: 4_000 })
  const platform = NodeHttpClient.makeUndici(platformDispatcher).pipe(
    HttpClient.withTracerDisabledWhen(() => true)
  )
  const platformCall = (request: Effect.Effect<HttpClientResponse.HttpClientResponse, unknown>) =>
    Effect.runPromise(request.pipe(
      Effect.flatMap((response) => response.text),
      Effect.map((text) => JSON.parse(text) as unknown)
    ))

  // XtopayLive and XtopayNode read the environment, as in production.
  process.env["XTOPAY_CLIENT_ID"] = CLIENT_ID
  process.env["XTOPAY_CLIENT_SECRET"] = CLIENT_SECRET
  process.env["XTOPAY_BASE_URL"] = baseUrl
  const live = ManagedRuntime.make(XtopayLive)
  const node = ManagedRuntime.make(XtopayNode)
  const overLayerUndici = ManagedRuntime.make(
    XtopayClient.layerConfig().pipe(Layer.provide(NodeHttpClient.layerUndici))
  )
  const sdk = (runtime: typeof live): PeerCalls => ({
    retrieve: () => runtime.runPromise(Customers.retrieve(id)),
    create: (i) => runtime.runPromise(Customers.create(params(i)))
  })

  const calls: Record<Peer, PeerCalls> = {
    fetch: {
      retrieve: () => raw.get(retrieveUrl),
      create: (i) => raw.post(createUrl, params(i), `bench-${randomUUID()}`)
    },
    undici: { retrieve: () => undiciCall("GET", retrieveUrl), create: (i) => undiciCall("POST", createUrl, params(i)) },
    nodeHttp: {
      retrieve: () => nodeHttpCall("GET", `/customers/${id}`),
      create: (i) => nodeHttpCall("POST", "/customers", params(i))
    },
    openai: {
      retrieve: () => openai.get(`/customers/${id}`),
      create: (i) => openai.post("/customers", { body: params(i) })
    },
    stripe: {
      retrieve: () => stripe.customers.retrieve(id),
      create: (i) => stripe.customers.create(params(i))
    },
    platformUndici: {
      retrieve: () => platformCall(platform.get(retrieveUrl, { headers })),
      create: (i) =>
        platformCall(platform.post(createUrl, {
          headers: { ...headers, "idempotency-key": `bench-${randomUUID()}` },
          body: HttpBody.text(JSON.stringify(params(i)), "application/json")
        }))
    },
    xtopayLive: sdk(live),
    xtopayNode: sdk(node),
    xtopayLayerUndici: sdk(overLayerUndici)
  }
  return {
    calls,
    dispose: async () => {
      await Promise.all([live.dispose(), node.dispose(), overLayerUndici.dispose()])
      await Promise.all([undiciAgent.destroy(), platformDispatcher.destroy()])
      httpAgent.destroy()
    }
  }
}
