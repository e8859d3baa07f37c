/**
 * docs/openapi.yaml describes the API exactly as the endpoint table and its schemas do: it is a
 * valid OpenAPI document; each operation of the table is in it with its path and query
 * parameters, body and response fields, success and error statuses, and no other operation is;
 * and the mock server's real answers (status, headers, bodies) match what it declares.
 */
import SwaggerParser from "@apidevtools/swagger-parser"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema, SchemaAST } from "effect"
import { fileURLToPath } from "node:url"
import { type Endpoint, endpoints, pathParams } from "../../src/internal/endpoints.js"
import { MockServer } from "../../src/testing/server.js"
import { type RawResult, rawFetch } from "./support.js"

const specPath = fileURLToPath(new URL("../../../../docs/openapi.yaml", import.meta.url))

type Json = Record<string, any>
const loadSpec = Effect.promise(() => SwaggerParser.validate(specPath) as Promise<Json>)

const METHODS = ["get", "post", "put", "patch", "delete", "head", "options"] as const

/** `"POST /customers/:id"`-style keys of every operation in the document. */
const specRoutes = (spec: Json): Array<string> =>
  Object.entries(spec["paths"] as Json).flatMap(([path, item]) =>
    METHODS.filter((method) => (item as Json)[method] !== undefined).map((method) =>
      `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`
    )
  )

/** `"POST /customers/:id"` for an entry of the endpoint table. */
const tableRoute = (endpoint: Endpoint) => `${endpoint.method} ${endpoint.route}`

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
  return Object.assign(own, ...((resolved["allOf"] ?? []) as Array<Json>).map((part) => specFields(spec, part)))
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
  it.live("is a valid OpenAPI 3.1 document with nineteen operations, six webhooks, basic auth and the documented headers", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      assert.strictEqual(spec["openapi"], "3.1.0")
      assert.strictEqual(specRoutes(spec).length, 19)
      assert.strictEqual(Object.keys(spec["webhooks"]).length, 6)
      assert.deepStrictEqual(spec["components"]["securitySchemes"]["basic"], {
        type: "http",
        scheme: "basic",
        description: spec["components"]["securitySchemes"]["basic"]["description"]
      })
      assert.deepStrictEqual(Object.keys(spec["components"]["headers"]).sort(), ["Idempotency-Replayed", "Retry-After", "X-Request-Id"])
      const keyed = Object.values(spec["paths"] as Json).flatMap((item) =>
        ["post", "patch"].filter((m) => (item as Json)[m]).map((m) => (item as Json)[m])
      )
      for (const operation of keyed) {
        assert.isTrue(operation.parameters.some((p: Json) => p["name"] === "Idempotency-Key" && p["in"] === "header"))
      }
      assert.isDefined(spec["components"]["responses"]["RateLimited"]["headers"]["Retry-After"])
    }))

  it.live("has every operation of the endpoint table, and none other", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      assert.deepStrictEqual(specRoutes(spec).sort(), endpoints.map(tableRoute).sort())
    }))

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

  it.live("matches the mock server's real answers, success and error, for every operation", () =>
    Effect.gen(function*() {
      const spec = yield* loadSpec
      const { baseUrl, control } = yield* MockServer
      const auth = { authorization: `Basic ${btoa("cid_test_default:csk_test_default")}` }
      const json = { ...auth, "content-type": "application/json" }
      const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
        rawFetch(`${baseUrl}${path}`, {
          method,
          headers: { ...(body === undefined ? auth : json), ...headers },
          ...(body === undefined ? {} : { body: JSON.stringify(body) })
        })
      const check = (route: string, result: RawResult) => conforms(spec, route, result)
      const bodyOf = (result: RawResult) => (result._tag === "Answered" ? JSON.parse(result.text) : undefined)

      const created = yield* call("POST", "/customers", { email: "ama@example.com", phone: "+233244000000" }, { "idempotency-key": "k1" })
      check("POST /customers", created)
      const customer = bodyOf(created).id as string
      check("POST /customers", yield* call("POST", "/customers", { email: "ama@example.com", phone: "+233244000000" }, { "idempotency-key": "k1" }))
      check("POST /customers", yield* call("POST", "/customers", { email: "kofi@example.com" }, { "idempotency-key": "k1" }))
      check("POST /customers", yield* call("POST", "/customers", { email: "ama@example.com", phone: "0244" }))
      check("POST /customers", yield* rawFetch(`${baseUrl}/customers`, { method: "POST", headers: json, body: "{" }))
      check("POST /customers", yield* rawFetch(`${baseUrl}/customers`, { method: "POST" }))
      check("POST /customers", yield* call("POST", "/customers", { email: "ama@example.com", name: "x".repeat(1024 * 1024) }))
      check("GET /customers", yield* call("GET", "/customers?limit=1"))
      check("GET /customers", yield* call("GET", "/customers?limit=500"))
      yield* control.seedSubscription(customer, { plan_id: "plan_basic" })
      check("GET /customers/:id", yield* call("GET", `/customers/${customer}`))
      check("GET /customers/:id", yield* call("GET", "/customers/cus_missing"))
      check("PATCH /customers/:id", yield* call("PATCH", `/customers/${customer}`, { name: null, metadata: { a: "b" } }))
      const intent = yield* call("POST", "/setup-intents", { customer_id: customer })
      check("POST /setup-intents", intent)
      check("POST /setup-intents", yield* call("POST", "/setup-intents", { customer_id: "cus_missing" }))
      const card = yield* control.completeSetupIntent(bodyOf(intent).id, { type: "card" })
      yield* control.seedPaymentMethod(customer, { type: "mobile_money" })
      check("GET /customers/:id", yield* call("GET", `/customers/${customer}`))
      check("GET /payment-methods", yield* call("GET", `/payment-methods?customer_id=${customer}&limit=1`))
      check("GET /payment-methods", yield* call("GET", "/payment-methods"))
      check("GET /payment-methods/:id", yield* call("GET", `/payment-methods/${card.id}`))
      check("DELETE /payment-methods/:id", yield* call("DELETE", `/payment-methods/${card.id}`))
      check("DELETE /payment-methods/:id", yield* call("DELETE", `/payment-methods/${card.id}`))
      check("POST /customer-portal/sessions", yield* call("POST", "/customer-portal/sessions", { customer_id: customer, return_url: "https://shop.example" }))
      check("POST /customer-portal/sessions", yield* call("POST", "/customer-portal/sessions", { customer_id: customer, return_url: "ftp://x" }))
      const hook = yield* call("POST", "/webhook-endpoints", { url: "http://127.0.0.1:9/hooks", events: ["customer.updated"] })
      check("POST /webhook-endpoints", hook)
      check("POST /webhook-endpoints", yield* call("POST", "/webhook-endpoints", { url: "http://example.com/hooks" }))
      const hookId = bodyOf(hook).id as string
      check("GET /webhook-endpoints", yield* call("GET", "/webhook-endpoints?limit=1"))
      check("GET /webhook-endpoints/:id", yield* call("GET", `/webhook-endpoints/${hookId}`))
      check("GET /webhook-endpoints/:id", yield* call("GET", "/webhook-endpoints/we_missing"))
      check("PATCH /webhook-endpoints/:id", yield* call("PATCH", `/webhook-endpoints/${hookId}`, { status: "disabled", description: null }))
      const events = yield* call("GET", "/events?limit=2&type=customer.updated")
      check("GET /events", events)
      check("GET /events", yield* call("GET", "/events?created_after=yesterday"))
      const eventId = bodyOf(events).data[0].id as string
      check("GET /events/:id", yield* call("GET", `/events/${eventId}`))
      check("GET /events/:id", yield* call("GET", "/events/evt_missing"))
      check("POST /events/:id/replay", yield* call("POST", `/events/${eventId}/replay`, undefined, { "idempotency-key": "r1" }))
      check("POST /events/:id/replay", yield* call("POST", `/events/${eventId}/replay`, undefined, { "idempotency-key": "r1" }))
      check("GET /events/:id/delivery-attempts", yield* call("GET", `/events/${eventId}/delivery-attempts?limit=5`))
      check("GET /events/:id/delivery-attempts", yield* call("GET", "/events/evt_missing/delivery-attempts"))
      check("DELETE /webhook-endpoints/:id", yield* call("DELETE", `/webhook-endpoints/${hookId}`))
      yield* control.injectFaults({ times: 1, fault: { _tag: "RateLimit", retryAfterSeconds: 3 } })
      check("GET /customers", yield* call("GET", "/customers"))
      yield* control.injectFaults({ times: 1, fault: { _tag: "Status", status: 503 } })
      check("GET /customers", yield* call("GET", "/customers"))
      check("GET /customers", yield* rawFetch(`${baseUrl}/customers`))
      check("GET /customers", yield* rawFetch(`${baseUrl}/customers`, { headers: { authorization: `Basic ${btoa("cid_live_x:csk_live_x")}` } }))
      check("DELETE /customers/:id", yield* call("DELETE", `/customers/${customer}`))
      check("DELETE /customers/:id", yield* call("DELETE", `/customers/${customer}`))
    }).pipe(Effect.provide(MockServer.layer())))
})
