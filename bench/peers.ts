/**
 * The clients of the peer comparison that have no Effect in them, each as a retrieve call and a
 * create call against the floor server: raw `fetch`, raw `undici.request`, `node:http`,
 * openai-node and stripe-node, each built once and used as its README says. Both editions measure
 * these beside their own clients (each edition's `bench/harness/peers.ts` adds those). The
 * packages come from the edition that runs the bench (its devDependencies, the same versions in
 * both): this folder has no `node_modules` of its own, so they are handed in.
 */
import { randomUUID } from "node:crypto"
import * as http from "node:http"
import type { Call } from "./measure.js"
import { createParams, HEADERS, raw } from "./raw.js"

/** Every client of the table, in its order: the peers here, then the edition's own. */
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

/** The peers without Effect, measured the same way in both editions' runs. */
export const RAW_PEERS = ["fetch", "undici", "nodeHttp", "openai", "stripe"] as const
export type RawPeer = typeof RAW_PEERS[number]
/** The edition's own clients. */
export type EditionPeer = Exclude<Peer, RawPeer>

export const PEER_LABELS: Record<Peer, string> = {
  fetch: "raw `fetch` + `JSON.parse`",
  undici: "raw `undici.request` (keep-alive `Agent`)",
  nodeHttp: "`node:http`, keep-alive agent",
  openai: "openai-node 7.59 (`client.get` / `client.post`)",
  stripe: "stripe-node 23.1 (`customers.retrieve` / `customers.create`)",
  platformUndici: "the platform's undici `HttpClient` alone (no SDK code; the floor)",
  xtopayLive: "effect-xtopay, `XtopayLive` (fetch)",
  xtopayNode: "effect-xtopay, `XtopayNode` (undici, its own pool)",
  xtopayLayerUndici: "effect-xtopay over `NodeHttpClient.layerUndici` (default `Agent`)"
}

export interface PeerCalls {
  readonly retrieve: Call
  readonly create: Call
}

/** What the raw peers need from the edition's devDependencies, as much of each as is used. */
export interface PeerModules {
  readonly undici: {
    readonly Agent: new() => { destroy(): Promise<void> }
    readonly request: (url: string, options: {
      readonly dispatcher: never
      readonly method: "GET" | "POST"
      readonly headers: Record<string, string>
      readonly body: string | null
    }) => Promise<{ readonly statusCode: number; readonly body: { text(): Promise<string> } }>
  }
  readonly OpenAI: new(options: { apiKey: string; baseURL: string }) => {
    get(path: string): Promise<unknown>
    post(path: string, options: { body: Record<string, unknown> }): Promise<unknown>
  }
  readonly Stripe: new(key: string, config: { host: string; port: number; protocol: "http" }) => {
    readonly customers: {
      retrieve(id: string): Promise<unknown>
      create(params: { email: string; name: string }): Promise<unknown>
    }
  }
}

export interface RawPeerClients {
  readonly calls: Record<RawPeer, PeerCalls>
  readonly dispose: () => Promise<void>
}

/** The raw peers, pointed at the floor server `baseUrl` (`http://127.0.0.1:PORT/v1`) and asking for customer `id`. */
export const makeRawPeers = (baseUrl: string, id: string, modules: PeerModules): RawPeerClients => {
  const base = new URL(baseUrl)
  const retrieveUrl = `${baseUrl}/customers/${id}`
  const createUrl = `${baseUrl}/customers`

  const undiciAgent = new modules.undici.Agent()
  const undiciCall = async (method: "GET" | "POST", url: string, body?: unknown) => {
    const response = await modules.undici.request(url, {
      dispatcher: undiciAgent as never,
      method,
      headers: body === undefined
        ? HEADERS
        : { ...HEADERS, "content-type": "application/json", "idempotency-key": `bench-${randomUUID()}` },
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
        headers: payload === undefined ? HEADERS : {
          ...HEADERS,
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
  const stripe = new modules.Stripe("sk_test_floor", { host: base.hostname, port: Number(base.port), protocol: "http" })
  const openai = new modules.OpenAI({ apiKey: "sk-floor", baseURL: baseUrl })

  const calls: Record<RawPeer, PeerCalls> = {
    fetch: {
      retrieve: () => raw.get(retrieveUrl),
      create: (i) => raw.post(createUrl, createParams(i), `bench-${randomUUID()}`)
    },
    undici: { retrieve: () => undiciCall("GET", retrieveUrl), create: (i) => undiciCall("POST", createUrl, createParams(i)) },
    nodeHttp: {
      retrieve: () => nodeHttpCall("GET", `/customers/${id}`),
      create: (i) => nodeHttpCall("POST", "/customers", createParams(i))
    },
    openai: {
      retrieve: () => openai.get(`/customers/${id}`),
      create: (i) => openai.post("/customers", { body: createParams(i) })
    },
    stripe: {
      retrieve: () => stripe.customers.retrieve(id),
      create: (i) => stripe.customers.create(createParams(i))
    }
  }
  return {
    calls,
    dispose: async () => {
      await undiciAgent.destroy()
      httpAgent.destroy()
    }
  }
}
