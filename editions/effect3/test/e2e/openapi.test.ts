/**
 * docs/openapi.yaml is generated (`npm run openapi`, scripts/openapi.ts) from core's description of
 * the API and this edition's schemas. It is what the script writes today; it is a valid OpenAPI
 * document; each operation of the description is in it with its path and query parameters, body
 * and response fields, success and error statuses, and no other operation is; and the fake answers
 * every operation with the documented status and shape, in memory (XtopayTest, through the client
 * functions) and over HTTP (the mock server).
 */
import * as Api from "#core/api.js"
import SwaggerParser from "@apidevtools/swagger-parser"
import { FetchHttpClient } from "@effect/platform"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema, SchemaAST } from "effect"
import { readFileSync } from "node:fs"
import { CONTROL_TAG, renderOpenApi, specPath } from "../../scripts/openapi.js"
import * as Xtopay from "../../src/index.js"
import { type Endpoint, endpoints, pathParams } from "../../src/internal/endpoints.js"
import { XtopayControl } from "../../src/testing/index.js"
import { CONTROL_PREFIX, CONTROL_ROUTES } from "../../src/testing/internal/controlApi.js"
import { MockServer } from "../../src/testing/server.js"
import { clientCall, makeWorld, operations, takesBody, wireRequest } from "../support/operations.js"
import { type RawResult, rawFetch } from "./support.js"

type Json = Record<string, any>
const loadSpec = Effect.promise(() => SwaggerParser.validate(specPath) as Promise<Json>)

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const

/** `"POST /customers/:id"`-style keys of every API operation in the document (the control API's apart). */
const specRoutes = (spec: Json, control = false): Array<string> =>
  Object.entries(spec["paths"] as Json).filter(([path]) => path.startsWith(`${CONTROL_PREFIX}/`) === control).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as Json)[method] !== undefined).map((method) =>
      `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`
    )
  )

/** `"POST /customers/:id"` for an entry of the endpoint table. */
const tableRoute = (endpoint: Endpoint) => Api.routeKey(endpoint)

/** The wire fields of a schema (its encoded side), each with whether it is required. */
const wireFields = (schema: Schema.Schema.Any): Record<string, boolean> =>
  Object.fromEntries(
    SchemaAST.getPropertySignatures(Schema.encodedSchema(schema).ast).map((p) => [String(p.name), !p.isOptional])
  )

/** Follows a `$ref` inside the document. */
const resolve = (spec: Json, schema: Json): Json =>
  typeof schema["$ref"] === "string"
    ? resolve(spec, (schema["$ref"] as string).slice(2).split("/").reduce((node: Json, key) => node[key], spec))
    : schema

/** An object schema's properties, `allOf` parts merged, each with whether it is required. */
const specFields = (spec: Json, schema: Json): Record<string, boolean> => {
  const resolved = resolve(spec, schema)
  const own = Object.fromEntries(
    Object.keys(resolved["properties"] ?? {}).map((key) => [key, ((resolved["required"] ?? []) as Array<string>).includes(key)])
  )
  // A union (`XtopayEvent`) has the fields all its members have.
  const members = ((resolved["anyOf"] ?? []) as Array<Json>).map((part) => specFields(spec, part))
  const common = members.length === 0 ? {} : Object.fromEntries(
    Object.keys(members[0]!).filter((key) => members.every((fields) => key in fields))
      .map((key) => [key, members.every((fields) => fields[key])])
  )
  return Object.assign(own, common, ...((resolved["allOf"] ?? []) as Array<Json>).map((part) => specFields(spec, part)))
}

/** What in the document differs from one entry of the endpoint table. */
const differences = (spec: Json, endpoint: Endpoint): Array<string> => {
  const at = tableRoute(endpoint)
  const item = (spec["paths"] as Json)[endpoint.route.replace(/:(\w+)/g, "{$1}")]
  const operation = item?.[endpoint.method.toLowerCase()]
  if (operation === undefined) return [`${at}: no such operation`]
  const problems: Array<string> = []
  const parameters = [...(item["parameters"] ?? []), ...(operation["parameters"] ?? [])].map((p: Json) => resolve(spec, p))
  const named = (where: string) => parameters.filter((p) => p["in"] === where).map((p) => p["name"] as string).sort()
  if (JSON.stringify(named("path")) !== JSON.stringify([...pathParams(endpoint.route)].sort())) {
    problems.push(`${at}: path parameters ${named("path")} ≠ ${pathParams(endpoint.route)}`)
  }
  const inBody = endpoint.method === "POST" || endpoint.method === "PATCH"
  const expectedQuery = !inBody && endpoint.params !== undefined ? Object.keys(wireFields(endpoint.params)).sort() : []
  if (JSON.stringify(named("query")) !== JSON.stringify(expectedQuery)) {
    problems.push(`${at}: query parameters ${named("query")} ≠ ${expectedQuery}`)
  }
  if (named("header").includes("Idempotency-Key") !== endpoint.idempotencyKey) {
    problems.push(`${at}: Idempotency-Key header ${endpoint.idempotencyKey ? "missing" : "not expected"}`)
  }
  if (inBody && endpoint.params !== undefined) {
    const body = operation["requestBody"]?.["content"]?.["application/json"]?.["schema"]
    if (body === undefined) problems.push(`${at}: no JSON request body`)
    else assert.deepStrictEqual(specFields(spec, body), wireFields(endpoint.params), `${at}: request body fields`)
  }
  const responses = operation["responses"] as Json
  const success = responses[String(endpoint.status)]?.["content"]?.["application/json"]?.["schema"]
  if (success === undefined) problems.push(`${at}: no ${endpoint.status} JSON answer`)
  else {
    // Names only: the fake sends every field, which the client's schema tolerates being left out.
    const names = (fields: Record<string, boolean>) => Object.keys(fields).sort().join(", ")
    const [documented, decoded] = [names(specFields(spec, success)), names(wireFields(endpoint.response))]
    if (documented !== decoded) problems.push(`${at}: ${endpoint.status} answer fields ${documented} ≠ ${decoded}`)
  }
  const statuses: Array<[string, boolean]> = [
    ["401", true],
    ["403", true],
    ["429", true],
    ["404", endpoint.notFound],
    ["409", endpoint.idempotencyKey],
    ["422", endpoint.idempotencyKey],
    ["400", endpoint.params !== undefined]
  ]
  for (const [status, expected] of statuses) {
    if ((responses[status] !== undefined) !== expected) problems.push(`${at}: ${status} ${expected ? "missing" : "not expected"}`)
  }
  return problems
}

/** The property names a schema declares, its `allOf` parts included. */
const declaredKeys = (schema: Json): Array<string> => [
  ...Object.keys(schema["properties"] ?? {}),
  ...((schema["allOf"] ?? []) as Array<Json>).flatMap(declaredKeys)
]

/**
 * A small JSON Schema check (the keywords docs/openapi.yaml uses), stricter in one way: an object
 * may hold no property its schema does not declare. Returns what does not match.
 */
const mismatches = (schema: Json, value: unknown, at = "$", partOfAllOf = false): Array<string> => {
  const problems: Array<string> = []
  for (const part of (schema["allOf"] ?? []) as Array<Json>) problems.push(...mismatches(part, value, at, true))
  if (schema["anyOf"]) {
    const matching = (schema["anyOf"] as Array<Json>).filter((part) => mismatches(part, value, at).length === 0)
    if (matching.length === 0) problems.push(`${at}: matches none of anyOf`)
  }
  if (schema["oneOf"]) {
    const matching = (schema["oneOf"] as Array<Json>).filter((part) => mismatches(part, value, at).length === 0)
    if (matching.length !== 1) problems.push(`${at}: matches ${matching.length} of oneOf`)
  }
  const types: Array<string> | undefined = schema["type"] === undefined ? undefined : [schema["type"]].flat()
  if (types !== undefined) {
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : typeof value
    const ok = types.some((t) => t === actual || (t === "integer" && Number.isInteger(value)))
    if (!ok) return [...problems, `${at}: expected ${types.join("|")}, got ${actual}`]
  }
  if (schema["enum"] && !(schema["enum"] as Array<unknown>).includes(value)) problems.push(`${at}: ${String(value)} not in enum`)
  if ("const" in schema && schema["const"] !== value) problems.push(`${at}: expected ${String(schema["const"])}`)
  if (schema["pattern"] && typeof value === "string" && !new RegExp(schema["pattern"]).test(value)) {
    problems.push(`${at}: ${value} does not match ${schema["pattern"]}`)
  }
  if (schema["format"] === "date-time" && typeof value === "string" && Number.isNaN(Date.parse(value))) {
    problems.push(`${at}: not a date-time`)
  }
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const object = value as Json
    for (const key of schema["required"] ?? []) if (!(key in object)) problems.push(`${at}.${key}: missing`)
    const properties: Json = schema["properties"] ?? {}
    const additional = schema["additionalProperties"]
    const declared = declaredKeys(schema)
    for (const [key, item] of Object.entries(object)) {
      if (properties[key]) problems.push(...mismatches(properties[key], item, `${at}.${key}`))
      else if (additional !== undefined && typeof additional === "object") {
        problems.push(...mismatches(additional, item, `${at}.${key}`))
      } else if (!partOfAllOf && declared.length > 0 && !declared.includes(key)) problems.push(`${at}.${key}: not declared`)
    }
  }
  if (Array.isArray(value) && schema["items"]) value.forEach((item, i) => problems.push(...mismatches(schema["items"], item, `${at}[${i}]`)))
  return problems
}

/** Asserts the answer is one the document declares for this operation: status, required headers, body schema. */
const conforms = (spec: Json, route: string, result: RawResult) => {
  assert.strictEqual(result._tag, "Answered")
  if (result._tag !== "Answered") return
  const [method, path] = route.split(" ") as [string, string]
  const operation = (spec["paths"] as Json)[path.replace(/:(\w+)/g, "{$1}")]?.[method.toLowerCase()]
  assert.isDefined(operation, `${route} is not in the document`)
  const declared = operation["responses"][String(result.status)] ?? operation["responses"][`${String(result.status)[0]}XX`]
  assert.isDefined(declared, `${route} answered ${result.status}, which the document does not declare`)
  for (const [header, definition] of Object.entries(declared["headers"] ?? {})) {
    if ((definition as Json)["required"] === true) {
      assert.isDefined(result.headers[header.toLowerCase()], `${route} ${result.status} lacks ${header}`)
    }
  }
  const schema = declared["content"]?.["application/json"]?.["schema"]
  assert.isDefined(schema, `${route} ${result.status} declares no JSON body`)
  assert.deepStrictEqual(mismatches(schema, JSON.parse(result.text)), [], `${route} ${result.status}: ${result.text}`)
}

describe("docs/openapi.yaml", () => {
  it.live("is what `npm run openapi` writes from the description, the schemas and the fake's answers", () =>
    Effect.map(renderOpenApi, (text) =>
      assert.strictEqual(readFileSync(specPath, "utf8"), text, "run `npm run openapi` in editions/effect3")))

  it.live("is a valid OpenAPI 3.1 document: an operation per entry of the description, a webhook per known event, basic auth, the documented headers", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      assert.strictEqual(spec["openapi"], "3.1.0")
      assert.strictEqual(specRoutes(spec).length, operations.length)
      assert.deepStrictEqual(
        Object.keys(spec["webhooks"]).sort(),
        [...Xtopay.KnownEventType.literals].sort()
      )
      assert.deepStrictEqual(spec["components"]["securitySchemes"]["basic"], {
        type: "http",
        scheme: "basic",
        description: spec["components"]["securitySchemes"]["basic"]["description"]
      })
      assert.deepStrictEqual(spec["security"], [{ basic: [] }])
      assert.deepStrictEqual(spec["servers"][0]["url"], Xtopay.DEFAULT_BASE_URL)
      assert.deepStrictEqual(Object.keys(spec["components"]["headers"]).sort(), ["Idempotency-Replayed", "Retry-After", "X-Request-Id"])
      assert.isDefined(spec["components"]["responses"]["RateLimited"]["headers"]["Retry-After"])
      // Each family of the description is a tag, and each operation carries its family's.
      const tags = (spec["tags"] as Array<Json>).map((tag) => tag["name"] as string)
      for (const op of operations) {
        const operation = spec["paths"][op.route.replace(/:(\w+)/g, "{$1}")][op.method.toLowerCase()]
        assert.strictEqual(operation["operationId"], op.operation)
        assert.strictEqual(operation["tags"].length, 1)
        assert.include(tags, operation["tags"][0])
        assert.strictEqual(operation["summary"], op.summary)
      }
    }))

  it.live("every example (a body each operation sends, the fake's answer) matches its schema", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      const media = Object.values(spec["paths"] as Json).flatMap((item) =>
        METHODS.flatMap((method) => (item as Json)[method] ?? []).flatMap((operation: Json) => [
          ...(operation["requestBody"] ? [operation["requestBody"]["content"]["application/json"]] : []),
          ...Object.values(operation["responses"] as Json).map((answer: Json) => answer["content"]?.["application/json"])
        ]).filter((content): content is Json => content?.["example"] !== undefined)
      )
      // Every operation has an answer example, and every one that sends a body a body example.
      assert.isAtLeast(media.length, operations.length + operations.filter((op) => op.params !== undefined && takesBody(op)).length)
      assert.deepStrictEqual(media.flatMap((content) => mismatches(content["schema"], content["example"])), [])
    }))

  it.live("has every operation of the endpoint table, and none other", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      assert.deepStrictEqual(specRoutes(spec).sort(), endpoints.map(tableRoute).sort())
    }))

  it.live("has the control API's routes under their own tag, on the mock server's origin, each served by the mock server", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      const described = CONTROL_ROUTES.map((route) => `${route.method} ${CONTROL_PREFIX}${route.path}`)
      assert.deepStrictEqual(specRoutes(spec, true).sort(), [...described].sort())
      assert.include((spec["tags"] as Array<Json>).map((tag) => tag["name"]), CONTROL_TAG)
      const server = yield* MockServer
      const origin = server.baseUrl.replace(/\/v1$/, "")
      const headers = { authorization: `Basic ${btoa("cid_test_doc:csk_test_doc")}`, "content-type": "application/json" }
      for (const route of CONTROL_ROUTES) {
        const item = spec["paths"][`${CONTROL_PREFIX}${route.path}`.replace(/:(\w+)/g, "{$1}")]
        assert.deepStrictEqual(item["servers"].map((s: Json) => s["url"]), ["http://127.0.0.1:12111"])
        const operation = item[route.method.toLowerCase()]
        assert.deepStrictEqual(operation["tags"], [CONTROL_TAG])
        assert.isDefined(operation["responses"][String(route.status)]["content"]["application/json"]["schema"])
        assert.strictEqual(operation["requestBody"] !== undefined, route.body !== undefined, route.path)
        // Served: a 404 here may be an unknown setup intent, never an unrecognized control route.
        const result = yield* rawFetch(`${origin}${CONTROL_PREFIX}${route.path.replace(":id", "seti_none")}`, {
          method: route.method,
          headers,
          ...(route.body !== undefined ? { body: "{}" } : {})
        })
        if (result._tag !== "Answered") return assert.fail(result.message)
        assert.notInclude(result.text, "Unrecognized control request", `${route.method} ${route.path}`)
      }
    }).pipe(Effect.provide(MockServer.layer()), Effect.provide(FetchHttpClient.layer)))

  it.live("describes each operation as the table does: parameters, body and answer fields, statuses", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      assert.deepStrictEqual(endpoints.flatMap((endpoint) => differences(spec, endpoint)), [])
    }))

  it.live("the check catches a document that differs from the table", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      const [create, retrieve] = [endpoints[0]!, endpoints[1]!]
      assert.deepStrictEqual(differences(spec, { ...retrieve, notFound: false }), ["GET /customers/:id: 404 not expected"])
      assert.deepStrictEqual(differences(spec, { ...create, idempotencyKey: false }), [
        "POST /customers: Idempotency-Key header not expected",
        "POST /customers: 409 not expected",
        "POST /customers: 422 not expected"
      ])
      assert.deepStrictEqual(differences(spec, { ...retrieve, response: Schema.Struct({ id: Schema.String }) }), [
        "GET /customers/:id: 200 answer fields created_at, currency, email, id, metadata, name, payment_methods, phone, subscriptions ≠ id"
      ])
      assert.throws(() => differences(spec, { ...create, params: Schema.Struct({ email: Schema.String }) }))
      assert.deepStrictEqual(differences(spec, { ...retrieve, route: "/customers/:id/extra" }), ["GET /customers/:id/extra: no such operation"])
    }))

  it.live("the in-memory Xtopay (XtopayTest) answers every operation of the description, through its function, with the documented success status", () =>
    Effect.gen(function*() {
      for (const op of operations) {
        yield* Effect.gen(function*() {
          const control = yield* XtopayControl
          const world = yield* makeWorld
          const [, response] = yield* Xtopay.XtopayClient.withResponse(clientCall(op, world))
          assert.strictEqual(response.status, op.status, op.fn)
          const requests = yield* control.requests
          assert.strictEqual(requests[requests.length - 1]!.route, Api.routeKey(op), op.fn)
        }).pipe(Effect.provide(Xtopay.XtopayTest))
      }
    }))

  it.live("the mock server answers every operation of the description with the documented status and shape, success and error", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      const { baseUrl, control } = yield* MockServer
      const auth = { authorization: `Basic ${btoa("cid_test_default:csk_test_default")}` }
      const send = (op: Api.Operation, request: { readonly path: string; readonly body?: string | undefined }, headers: Record<string, string> = {}) =>
        rawFetch(`${baseUrl}${request.path}`, {
          method: op.method,
          headers: { ...auth, ...(request.body === undefined ? {} : { "content-type": "application/json" }), ...headers },
          ...(request.body === undefined ? {} : { body: request.body })
        })
      const statusOf = (result: RawResult) => (result._tag === "Answered" ? result.status : result.message)
      for (const [index, op] of operations.entries()) {
        const route = Api.routeKey(op)
        const world = yield* makeWorld
        const request = wireRequest(op, world)
        const key = op.idempotencyKey ? { "idempotency-key": `openapi-${index}` } : {}

        const first = yield* send(op, request, key)
        assert.strictEqual(statusOf(first), op.status, `${route}: ${first._tag === "Answered" ? first.text : ""}`)
        conforms(spec, route, first)
        if (op.idempotencyKey) {
          const replay = yield* send(op, request, key)
          assert.strictEqual(statusOf(replay), 200, route)
          assert.strictEqual(replay._tag === "Answered" ? replay.headers["idempotency-replayed"] : undefined, "true", route)
          conforms(spec, route, replay)
        }
        const unauthenticated = yield* send(op, request, { authorization: "" })
        assert.strictEqual(statusOf(unauthenticated), 401, route)
        conforms(spec, route, unauthenticated)
        if (op.notFound && pathParams(op.route).length > 0) {
          const missing = yield* send(op, { ...request, path: request.path.replace(/^\/[^/]+\/[^/?]+/, (head) => `${head}_missing`) })
          assert.strictEqual(statusOf(missing), 404, route)
          conforms(spec, route, missing)
        }
        if (op.params !== undefined) {
          // A body that is not JSON, or a page size out of range: refused before anything is done.
          const invalid = takesBody(op) ? { ...request, body: "{" } : wireRequest(op, world, { limit: 500 })
          const refused = yield* send(op, invalid)
          assert.strictEqual(statusOf(refused), 400, route)
          conforms(spec, route, refused)
        }
        yield* control.injectFaults({ times: 1, fault: { _tag: "RateLimit", retryAfterSeconds: 3 } })
        const limited = yield* send(op, request)
        assert.strictEqual(statusOf(limited), 429, route)
        conforms(spec, route, limited)
        yield* control.injectFaults({ times: 1, fault: { _tag: "Status", status: 503 } })
        const failed = yield* send(op, request)
        assert.strictEqual(statusOf(failed), 503, route)
        conforms(spec, route, failed)
      }
    }).pipe(Effect.provide(Layer.provideMerge(MockServer.layerClient(), Layer.merge(MockServer.layer(), FetchHttpClient.layer)))))
})
