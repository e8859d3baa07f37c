/**
 * The mock server: the in-memory Xtopay served over real HTTP on loopback, under `/v1` like the
 * real API. For end-to-end tests, for programs not written with Effect, and behind the
 * `xtopay-mock` command. Node only: it needs the optional peer dependency `@effect/platform-node`.
 * Import it from `effect-xtopay/mock-server`.
 *
 * @module effect-xtopay/mock-server
 * @since 0.1.0
 */
import "../internal/edition.js" // first of all: a wrong major of effect is named before anything loads it
import type * as HttpClient from "@effect/platform/HttpClient"
import type { ServeError } from "@effect/platform/HttpServerError"
import * as HttpServerRequest from "@effect/platform/HttpServerRequest"
import * as HttpServerResponse from "@effect/platform/HttpServerResponse"
import type { ConfigError, Scope } from "effect"
import { Context, Effect, Layer, Redacted } from "effect"
import * as Http from "node:http"
import type * as Net from "node:net"
import { XtopayClient, type XtopayClientOptions } from "../XtopayClient.js"
import { type BackendOptions, makeBackend } from "./Backend.js"
import { errorAnswer, withHeaders } from "#core/fake/answers.js"
import * as Limits from "#core/fake/limits.js"
import { CONTROL_PREFIX, makeControlApi } from "./internal/controlApi.js"
import { internalsOf } from "./internal/backendInternals.js"
import { isPagePath } from "#core/fake/pages.js"
import { DEFAULT_ACCOUNT, XtopayControl } from "./Control.js"
import { importPlatformNode } from "./internal/platformNode.js"
import type { WireAnswer, WireOutcome, WireRequest } from "./wire.js"

/**
 * The largest request body the mock server reads: 1 MiB. A larger one is answered
 * `413 invalid_request`.
 *
 * @since 0.1.0
 */
export const MAX_BODY_BYTES = Limits.MAX_BODY_BYTES

/** Beyond this, an oversized body is no longer drained: the answer goes out and the connection closes. */
const DRAIN_LIMIT_BYTES = 16 * MAX_BODY_BYTES

/** The path prefix the API lives under, as on `https://api.xtopay.co/v1`. */
const PREFIX = "/v1"

// Loaded lazily so that a missing optional peer dependency is reported in plain words.
const platformNode = importPlatformNode(() =>
  Promise.all([
    import("@effect/platform-node/NodeHttpServer"),
    import("@effect/platform-node/NodeHttpServerRequest")
  ]).then(([NodeHttpServer, NodeHttpServerRequest]) => ({ NodeHttpServer, NodeHttpServerRequest }))
)

// ---------------------------------------------------------------------------------------------
// Answers the server gives by itself (before the in-memory Xtopay sees the request)
// ---------------------------------------------------------------------------------------------

const requestId = () => `req_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`

const serverError = (status: number, code: string, message: string, headers: Readonly<Record<string, string>> = {}) =>
  errorAnswer(status, code, message, null, { "x-request-id": requestId(), ...headers })

const tooLarge = () => withHeaders(Limits.bodyTooLargeAnswer(), { "x-request-id": requestId(), connection: "close" })

const outsidePrefix = (method: string, path: string) =>
  serverError(
    404,
    "resource_not_found",
    `Unrecognized request URL (${method} ${path}): the API is served under ${PREFIX}, e.g. ${PREFIX}/customers`
  )

/** A body the API cannot read: JSON only, as the reference's examples send it. */
const isJson = (contentType: string | undefined): boolean => {
  const media = contentType?.split(";")[0]?.trim().toLowerCase()
  return media === "application/json" || (media !== undefined && /^application\/[\w.+-]+\+json$/.test(media))
}

const notJson = (contentType: string | undefined) =>
  serverError(
    400,
    "invalid_request",
    `The request body must be JSON with Content-Type: application/json, got ${
      contentType === undefined ? "no Content-Type" : `Content-Type: ${contentType}`
    }`
  )

const BODY_METHODS = new Set(["POST", "PATCH", "PUT"])

const internalFailure = () => serverError(500, "api_error", "The mock Xtopay failed on this request (a bug: please report it)")

// ---------------------------------------------------------------------------------------------
// Node request → WireRequest
// ---------------------------------------------------------------------------------------------

type BodyRead =
  | { readonly _tag: "Complete"; readonly text: string }
  | { readonly _tag: "TooLarge" }
  | { readonly _tag: "Aborted" }

/** Reads the whole body, keeping at most 1 MiB; an oversized one is drained (up to a limit) so the 413 can be read. */
const readBody = (request: Http.IncomingMessage): Effect.Effect<BodyRead> =>
  Effect.async<BodyRead>((resume) => {
    const declared = Number(request.headers["content-length"] ?? 0)
    if (declared > DRAIN_LIMIT_BYTES) return resume(Effect.succeed({ _tag: "TooLarge" }))
    const chunks: Array<Buffer> = []
    let size = 0
    let done = false
    const finish = (result: BodyRead) => {
      if (done) return
      done = true
      request.off("data", onData)
      request.off("end", onEnd)
      request.off("error", onAborted)
      request.off("close", onAborted)
      resume(Effect.succeed(result))
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      if (size > DRAIN_LIMIT_BYTES) finish({ _tag: "TooLarge" })
      else if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    }
    const onEnd = () =>
      finish(size > MAX_BODY_BYTES ? { _tag: "TooLarge" } : { _tag: "Complete", text: Buffer.concat(chunks).toString("utf8") })
    const onAborted = () => finish({ _tag: "Aborted" })
    request.on("data", onData)
    request.once("end", onEnd)
    request.once("error", onAborted)
    request.once("close", onAborted)
  })

const wireHeaders = (request: Http.IncomingMessage): Record<string, string> => {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value
  }
  return headers
}

/** Splits the request target by hand: the path stays exactly as sent (percent-encoded, no dot folding). */
const splitTarget = (target: string): { readonly path: string; readonly search: string } => {
  const hash = target.indexOf("#")
  const withoutHash = hash === -1 ? target : target.slice(0, hash)
  const question = withoutHash.indexOf("?")
  return question === -1
    ? { path: withoutHash, search: "" }
    : { path: withoutHash.slice(0, question), search: withoutHash.slice(question + 1) }
}

// ---------------------------------------------------------------------------------------------
// WireOutcome → what goes on the socket
// ---------------------------------------------------------------------------------------------

const headerValue = (headers: Readonly<Record<string, string>>, name: string): string | undefined => {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

const toResponse = (answer: WireAnswer): HttpServerResponse.HttpServerResponse =>
  answer.body === ""
    ? HttpServerResponse.empty({ status: answer.status, headers: answer.headers })
    : HttpServerResponse.text(answer.body, {
      status: answer.status,
      headers: answer.headers,
      contentType: headerValue(answer.headers, "content-type") ?? "application/json"
    })

/**
 * What Node's parser refuses before any handler runs (a request line or headers past
 * `maxHeaderSize`, a method or line it cannot parse, a request that took too long), in the error
 * envelope like every other answer: Node's own default is a bare status with no body.
 */
const clientErrorAnswer = (error: NodeJS.ErrnoException): WireAnswer => {
  switch (error.code) {
    case "HPE_HEADER_OVERFLOW":
      return serverError(
        431,
        "invalid_request",
        `The request line and headers exceed ${Http.maxHeaderSize} bytes`,
        { connection: "close" }
      )
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return serverError(408, "invalid_request", "The request was not received in time", { connection: "close" })
    default:
      return serverError(400, "invalid_request", `Malformed HTTP request (${error.code ?? "parse error"})`, { connection: "close" })
  }
}

/** Writes `answer` straight to a socket the parser gave up on, then closes it. */
const answerOnSocket = (socket: Net.Socket, answer: WireAnswer) => {
  const body = Buffer.from(answer.body, "utf8")
  const head = [
    `HTTP/1.1 ${answer.status} ${Http.STATUS_CODES[answer.status] ?? ""}`,
    ...Object.entries({ ...answer.headers, "content-length": String(body.length) }).map(([k, v]) => `${k}: ${v}`)
  ].join("\r\n")
  socket.end(Buffer.concat([Buffer.from(`${head}\r\n\r\n`, "latin1"), body]))
}

/** Node's `clientError` event: answer in the envelope when the socket can still take it. */
const onClientError = (error: NodeJS.ErrnoException, socket: Net.Socket) => {
  // A reset connection, or one a response already began on, has no one to read an answer.
  const pending = (socket as { _httpMessage?: { _headerSent?: boolean } })._httpMessage
  if (error.code === "ECONNRESET" || !socket.writable || pending?._headerSent === true) {
    socket.destroy()
    return
  }
  answerOnSocket(socket, clientErrorAnswer(error))
}

/** What a cut answer announces when the outcome names none: a 200 whose JSON never ends. */
const fallbackAnswer: WireAnswer = {
  _tag: "Answer",
  status: 200,
  headers: { "content-type": "application/json" },
  body: "{\"object\":\"cut\"}"
}

/** Sends the headers of `answer` (announcing its full length) and the first half of its body. */
const writeHalf = (response: Http.ServerResponse, answer: WireAnswer, then?: () => void) => {
  const bytes = Buffer.from(answer.body === "" ? fallbackAnswer.body : answer.body, "utf8")
  const headers: Record<string, string> = { "content-type": "application/json" }
  for (const [key, value] of Object.entries(answer.headers)) headers[key.toLowerCase()] = value
  headers["content-length"] = String(bytes.length)
  response.writeHead(answer.status, headers)
  response.write(bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 2))), then)
}

/**
 * Does something to the raw socket and waits until the connection is gone. Ending the (already
 * closed) response afterwards tells the platform there is nothing left to write.
 */
const onSocket = (response: Http.ServerResponse, act: (response: Http.ServerResponse) => void) =>
  Effect.async<HttpServerResponse.HttpServerResponse>((resume) => {
    const closed = () => {
      response.end()
      resume(Effect.succeed(HttpServerResponse.empty()))
    }
    if (response.closed) return closed()
    response.once("close", closed)
    act(response)
  })

const respond = (response: Http.ServerResponse, outcome: WireOutcome) => {
  switch (outcome._tag) {
    case "Answer":
      return Effect.succeed(toResponse(outcome))
    case "Drop":
      return outcome.when === "before-headers"
        ? onSocket(response, (r) => r.destroy())
        : onSocket(response, (r) => writeHalf(r, outcome.answer ?? fallbackAnswer, () => r.destroy()))
    case "Stall":
      // Nothing more is sent: the wait ends when the client gives up (or the server stops).
      return onSocket(response, (r) => writeHalf(r, outcome.answer))
  }
}

// ---------------------------------------------------------------------------------------------
// Serving
// ---------------------------------------------------------------------------------------------

/**
 * Where to listen.
 *
 * @since 0.1.0
 */
export interface ListenOptions {
  /** The port; 0 (the default) picks a free one. */
  readonly port?: number | undefined
  /** The address. Default `127.0.0.1`. */
  readonly host?: string | undefined
}

/**
 * A listening server.
 *
 * @since 0.1.0
 */
export interface Listening {
  /**
   * `http://127.0.0.1:PORT/v1`: the base URL to give a client on this machine (loopback also when
   * listening on all interfaces, `0.0.0.0` or `::`).
   */
  readonly baseUrl: string
  readonly host: string
  readonly port: number
}

const urlHost = (host: string) => (host.includes(":") ? `[${host}]` : host)

/** A wildcard address listens on every interface, but no client can connect to it: give loopback instead. */
const reachableHost = (host: string) => (host === "0.0.0.0" ? "127.0.0.1" : host === "::" || host === "[::]" ? "::1" : host)

/**
 * Serves any `WireRequest` handler over HTTP under `/v1`, until the scope closes. Request bodies
 * over 1 MiB are answered `413`; a path outside `/v1` is a `404 resource_not_found`; a handler
 * that dies is answered `500 api_error`; `Drop` and `Stall` outcomes act on the real socket.
 *
 * @since 0.1.0
 */
export const serveWire = (
  handle: (request: WireRequest) => Effect.Effect<WireOutcome>,
  options: ListenOptions = {}
): Effect.Effect<Listening, ServeError, Scope.Scope> => serve(handle, undefined, undefined, options)

/**
 * `serveWire`, with the control API under `/_mock` and the hosted pages (`/setup/…`, `/portal/…`,
 * form posts, whole paths) when they are given.
 */
const serve = (
  handle: (request: WireRequest) => Effect.Effect<WireOutcome>,
  control: ((request: WireRequest) => Effect.Effect<WireOutcome>) | undefined,
  pages: ((request: WireRequest) => Effect.Effect<WireOutcome>) | undefined,
  options: ListenOptions
): Effect.Effect<Listening, ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const { NodeHttpServer, NodeHttpServerRequest } = yield* platformNode
    const host = options.host ?? "127.0.0.1"
    const nodeServer = Http.createServer()
    nodeServer.on("clientError", onClientError)
    const server = yield* NodeHttpServer.make(() => nodeServer, { port: options.port ?? 0, host })
    // Runs before the platform's close: stalled answers would otherwise keep `close` waiting forever.
    yield* Effect.addFinalizer(() => Effect.sync(() => nodeServer.closeAllConnections()))

    const app = Effect.gen(function*() {
      const request = yield* HttpServerRequest.HttpServerRequest
      const incoming = NodeHttpServerRequest.toIncomingMessage(request)
      const response = NodeHttpServerRequest.toServerResponse(request)
      const method = incoming.method ?? "GET"
      const body = yield* readBody(incoming)
      if (body._tag === "Aborted") return HttpServerResponse.empty({ status: 499 })
      if (body._tag === "TooLarge") return toResponse(tooLarge())
      const { path, search } = splitTarget(incoming.url ?? "/")
      if (pages !== undefined && isPagePath(path)) {
        const page: WireRequest = { method, path, query: new URLSearchParams(search), headers: wireHeaders(incoming), body: body.text }
        return yield* Effect.flatMap(pages(page), (outcome) => respond(response, outcome))
      }
      const prefix = [PREFIX, ...(control === undefined ? [] : [CONTROL_PREFIX])].find((p) => path === p || path.startsWith(`${p}/`))
      if (prefix === undefined) return toResponse(outsidePrefix(method, path))
      const contentType = incoming.headers["content-type"]
      if (BODY_METHODS.has(method) && body.text !== "" && !isJson(contentType)) return toResponse(notJson(contentType))
      const wire: WireRequest = {
        method,
        path: path.slice(prefix.length) === "" ? "/" : path.slice(prefix.length),
        query: new URLSearchParams(search),
        headers: wireHeaders(incoming),
        body: body.text
      }
      const outcome = yield* Effect.suspend(() => (prefix === PREFIX ? handle : control!)(wire)).pipe(
        Effect.catchAllCause((cause) =>
          Effect.as(
            Effect.logError("The in-memory Xtopay failed on a request", cause),
            internalFailure()
          )
        )
      )
      return yield* respond(response, outcome)
    })
    yield* server.serve(app)

    const address = server.address
    const port = address._tag === "TcpAddress" ? address.port : 0
    return { baseUrl: `http://${urlHost(reachableHost(host))}:${port}${PREFIX}`, host, port }
  })

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

/**
 * How to start a mock server: where to listen, and the in-memory Xtopay's options (seed data,
 * faults, rate limit, id seed).
 *
 * @since 0.1.0
 */
export interface MockServerOptions extends ListenOptions, BackendOptions {}

/**
 * The types that go with the `MockServer` service.
 *
 * @since 0.1.0
 */
export declare namespace MockServer {
  /**
   * A running mock server: where it listens, and the control service of its in-memory Xtopay.
   *
   * @since 0.1.0
   */
  export interface Service extends Listening {
    /** Seed data, complete setup intents, read requests, inject faults. */
    readonly control: XtopayControl.Service
  }
}

/**
 * Starts a fresh in-memory Xtopay and serves it; it stops when the scope closes.
 *
 * @since 0.1.0
 */
export const make = (options: MockServerOptions = {}): Effect.Effect<MockServer.Service, ServeError, Scope.Scope> =>
  Effect.gen(function*() {
    const { host, port, ...backendOptions } = options
    const backend = yield* makeBackend(backendOptions)
    const internals = internalsOf(backend)!
    const listening = yield* serve(backend.handle, makeControlApi(backend), internals.pages, { host, port })
    // The links it hands out open its own pages, on the origin a client reaches it at.
    internals.useOrigin(new URL(listening.baseUrl).origin)
    return { ...listening, control: backend.control }
  })

/**
 * What `MockServer.layerClient` takes: `XtopayClientOptions` without the base URL, with test
 * credentials by default (`cid_test_default` / `csk_test_default`).
 *
 * @since 0.1.0
 */
export type MockClientOptions = Partial<Omit<XtopayClientOptions, "baseUrl">>

/**
 * A running mock server: its base URL and its control service.
 *
 * @since 0.1.0
 */
export class MockServer extends Context.Tag("effect-xtopay/MockServer")<MockServer, MockServer.Service>() {
  /**
   * A fresh mock server on a free loopback port (unless `port`/`host` say otherwise), providing
   * `MockServer` and its `XtopayControl`. It stops when the layer is released.
   *
   * @since 0.1.0
   */
  static readonly layer = (options: MockServerOptions = {}): Layer.Layer<MockServer | XtopayControl, ServeError> =>
    Layer.scopedContext(
      Effect.map(make(options), (server) => Context.make(MockServer, server).pipe(Context.add(XtopayControl, server.control)))
    )

  /**
   * An `XtopayClient` pointed at the `MockServer` in context, over the `HttpClient` in context
   * (e.g. `FetchHttpClient.layer`).
   *
   * @since 0.1.0
   */
  static readonly layerClient = (
    options: MockClientOptions = {}
  ): Layer.Layer<XtopayClient, ConfigError.ConfigError, MockServer | HttpClient.HttpClient> =>
    Layer.unwrapEffect(
      Effect.map(MockServer, (server) =>
        XtopayClient.layer({
          ...options,
          clientId: options.clientId ?? DEFAULT_ACCOUNT,
          clientSecret: options.clientSecret ?? Redacted.make("csk_test_default"),
          baseUrl: server.baseUrl
        }))
    )
}
