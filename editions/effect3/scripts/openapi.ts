/**
 * `npm run openapi`: writes docs/openapi.yaml from core's description of the API (core/api.ts) and
 * this edition's schemas. Each operation of the description becomes a path operation (its path,
 * query, idempotency header, body, success and error answers); each shape becomes a component
 * named by its schema's identifier (`JSONSchema.fromAST`, the shared-definitions form of
 * `JSONSchema.make`); each known event type becomes a webhook; each operation's examples are a
 * valid call and the in-memory Xtopay's answer (scripts/operation-examples.ts).
 * test/e2e/openapi.test.ts fails when the committed file differs from what this writes.
 */
import * as Api from "#core/api.js"
import { Effect, JSONSchema, type Schema } from "effect"
import { writeFileSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import { stringify } from "yaml"
import { pathIds, shapes } from "../src/internal/endpoints.js"
import * as Schemas from "../src/Schemas.js"
import { type Example, makeExamples } from "./operation-examples.js"
import { DEFAULT_PORT } from "../src/testing/cli.js"
import { CONTROL_PREFIX, CONTROL_ROUTES, type ControlRoute } from "../src/testing/internal/controlApi.js"
import { MAX_BODY_BYTES } from "../src/testing/server.js"
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from "../src/Webhooks.js"
import { DEFAULT_BASE_URL } from "../src/XtopayClient.js"

/** Where the document is committed. */
export const specPath = fileURLToPath(new URL("../../../docs/openapi.yaml", import.meta.url))

type Json = { [key: string]: unknown }

const COMPONENTS = "#/components/schemas/"

/** The JSON Schema of each shape, the schemas they reach, named by their identifiers. */
const makeComponents = () => {
  const definitions: Record<string, JSONSchema.JsonSchema7> = {}
  const options = {
    definitions,
    definitionPath: COMPONENTS,
    target: "openApi3.1",
    // Decoding ignores fields it does not know, so the document must not forbid them.
    additionalPropertiesStrategy: "allow"
  } as const
  const refOf = (schema: Schema.Schema.Any) => JSONSchema.fromAST(schema.ast, options) as unknown as Json
  const shapeRefs = Object.fromEntries(
    Object.entries(shapes).map(([name, schema]) => [name, refOf(schema)])
  ) as Record<Api.ShapeName, Json>
  const pathIdRefs = Object.fromEntries(
    Object.entries(pathIds).map(([name, schema]) => [name, refOf(schema)])
  ) as Record<Api.PathIdName, Json>
  const errorEnvelope = refOf(Schemas.ErrorEnvelope)
  const idempotencyKey = refOf(Schemas.IdempotencyKey)
  return { definitions: definitions as unknown as Record<string, Json>, shapeRefs, pathIdRefs, errorEnvelope, idempotencyKey }
}

let components: ReturnType<typeof makeComponents> | undefined
const schemaComponents = () => (components ??= makeComponents())

/** Drops what JSONSchema writes for `unknown` (`$id: /schemas/unknown`), which a resolver would take for a URL. */
const tidy = (node: unknown): unknown => {
  if (Array.isArray(node)) return node.map(tidy)
  if (node === null || typeof node !== "object") return node
  const object = node as Json
  if (typeof object["$id"] === "string" && object["$id"].startsWith("/schemas/")) return {}
  return Object.fromEntries(
    Object.entries(object)
      .filter(([key, value]) => !(key === "required" && Array.isArray(value) && value.length === 0))
      .map(([key, value]) => [key, tidy(value)])
  )
}

/** An error answer the API gives, by status: its component name and what it means. */
const errorAnswers = {
  "400": {
    name: "BadRequest",
    description: "Malformed JSON, a body that is not a JSON object or not `Content-Type: application/json` " +
      "(`invalid_request`), or an invalid parameter (`parameter_missing`, `parameter_invalid`, `invalid_phone`; " +
      "`param` names it)."
  },
  "401": { name: "Unauthorized", description: "Credentials missing (`credentials_missing`) or wrong (`invalid_credentials`)." },
  "403": { name: "Forbidden", description: "Live credentials sent to a test-mode Xtopay (`environment_mismatch`)." },
  "404": { name: "NotFound", description: "No such object for this client id (`customer_not_found`, `payment_method_not_found`, …)." },
  "409": {
    name: "IdempotencyKeyInUse",
    description: "A request with this `Idempotency-Key` is still being processed (`idempotency_key_in_use`)."
  },
  "413": {
    name: "PayloadTooLarge",
    description: `The mock server only. The request body is over ${MAX_BODY_BYTES / 1024 / 1024} MiB (\`invalid_request\`); ` +
      "the connection is closed after the answer."
  },
  "422": {
    name: "IdempotencyKeyMismatch",
    description: "This `Idempotency-Key` was used with another request (`idempotency_key_mismatch`)."
  },
  "409C": {
    name: "ControlConflict",
    description: "The control API only. The object is not in a state that allows it: a setup intent already completed " +
      "or expired, an id already in use (`resource_conflict`)."
  },
  "429": { name: "RateLimited", description: "Too many requests (`rate_limit_exceeded`); `Retry-After` says when to try again." },
  "5XX": { name: "ServerError", description: "An Xtopay server error (`api_error`)." }
} as const

type ErrorStatus = keyof typeof errorAnswers

const takesBody = (op: Api.Operation) => op.method === "POST" || op.method === "PATCH"

/** The answers behind each tagged error; the client's own failures (no answer, an undecodable one) have none. */
const statusesOf: Record<Api.ErrorTag, (op: Api.Operation) => ReadonlyArray<ErrorStatus>> = {
  InvalidRequest: (op) => (op.params === undefined ? [] : takesBody(op) ? ["400", "413"] : ["400"]),
  Unauthorized: () => ["401"],
  Forbidden: () => ["403"],
  NotFound: () => ["404"],
  IdempotencyConflict: () => ["409", "422"],
  RateLimited: () => ["429"],
  ServerError: () => ["5XX"],
  ConnectionError: () => [],
  UnexpectedResponse: () => []
}

/** `customers.create` → `Customers`, the endpoint module an operation belongs to. */
export const family = (op: Pick<Api.Operation, "fn">): string => op.fn.split(".")[0]!

/** `SetupIntents` → `Setup intents`: a family's tag. */
const tagOf = (moduleName: string) =>
  moduleName.replace(/(?<=[a-z])([A-Z])/g, (letter) => ` ${letter.toLowerCase()}`)

/** `/customers/:id` → `/customers/{id}`. */
const openApiPath = (route: string) => route.replace(/:(\w+)/g, "{$1}")

/** `x-xtopay-timestamp` → `X-Xtopay-Timestamp`. */
const headerName = (name: string) => name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`)

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` })
const json = (schema: Json, example?: unknown) => ({
  "application/json": example === undefined ? { schema } : { schema, example }
})

/** The control API's tag. */
export const CONTROL_TAG = "Control API (mock server only)"

/** Where the control API is served: the mock server's origin, without /v1. */
const MOCK_ORIGIN = { url: `http://127.0.0.1:${DEFAULT_PORT}`, description: "The mock server (`npx xtopay-mock`)" }

/** A control body's or answer's JSON Schema, written out in place (its schemas are the control API's own). */
const controlSchema = (schema: Schema.Schema.Any): Json => {
  const { definitions } = schemaComponents()
  return tidy(JSONSchema.fromAST(schema.ast, {
    definitions: definitions as unknown as Record<string, JSONSchema.JsonSchema7>,
    definitionPath: COMPONENTS,
    target: "openApi3.1",
    additionalPropertiesStrategy: "allow"
  })) as Json
}

/** The whole document, as plain data, with each operation's example body and answer. */
export const openApiDocument = (examples: ReadonlyMap<Api.Operation, Example>): Json => {
  const { definitions, errorEnvelope, idempotencyKey, pathIdRefs, shapeRefs } = schemaComponents()
  const definitionOf = (reference: Json): Json => definitions[String(reference["$ref"]).slice(COMPONENTS.length)]!
  const requestId = { "X-Request-Id": ref("headers", "X-Request-Id") }

  const operationOf = (op: Api.Operation): Json => {
    const parameters: Array<Json> = Api.pathParams(op.route).map((name) => ({
      name,
      in: "path",
      required: true,
      schema: pathIdRefs[op.pathId ?? "ObjectId"]
    }))
    if (op.params !== undefined && !takesBody(op)) {
      const query = definitionOf(shapeRefs[op.params])
      const required = (query["required"] ?? []) as ReadonlyArray<string>
      for (const [name, schema] of Object.entries((query["properties"] ?? {}) as Json)) {
        parameters.push({ name, in: "query", required: required.includes(name), schema })
      }
    }
    if (op.idempotencyKey) parameters.push(ref("parameters", "IdempotencyKey"))
    const example = examples.get(op)
    const answer = json(shapeRefs[op.response], example?.answer)
    const success = op.paging === undefined
      ? `The \`${op.response}\`.`
      : `One page: \`data\` (\`${op.paging.item}\` items) and \`pagination\`.`
    const responses: Json = {
      [String(op.status)]: {
        description: success,
        headers: op.idempotencyKey && op.status === 200
          ? { ...requestId, "Idempotency-Replayed": ref("headers", "Idempotency-Replayed") }
          : requestId,
        content: answer
      }
    }
    // A replay answers 200 whatever the first answer's status was.
    if (op.idempotencyKey && op.status !== 200) {
      responses["200"] = {
        description: "A replay of the first answer to this `Idempotency-Key`.",
        headers: { ...requestId, "Idempotency-Replayed": ref("headers", "Idempotency-Replayed") },
        content: answer
      }
    }
    if (op.onEmpty !== undefined) {
      responses["204"] = {
        description: `No body: the object is ${op.onEmpty} (the client answers \`${op.response}\` from the path id).`,
        headers: requestId
      }
    }
    for (const status of Api.errorTags(op).flatMap((tag) => statusesOf[tag](op))) {
      responses[status] = ref("responses", errorAnswers[status].name)
    }
    return {
      operationId: op.operation,
      tags: [tagOf(family(op))],
      summary: op.summary,
      description: `In effect-xtopay: \`${signature(op)}\`` +
        (op.paging !== undefined && op.paging.stream !== op.fn ? `, or \`${op.paging.stream}\` for every item of every page.` : "."),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(takesBody(op) && op.params !== undefined
        ? { requestBody: { required: true, content: json(shapeRefs[op.params], example?.body) } }
        : {}),
      responses
    }
  }

  const paths: Record<string, Json> = {}
  for (const op of Api.operations as ReadonlyArray<Api.Operation>) {
    const item = (paths[openApiPath(op.route)] ??= {})
    item[op.method.toLowerCase()] = operationOf(op)
  }

  // The control API lives beside /v1, not under it: its paths name their own server (the origin).
  const controlOperation = (route: ControlRoute): Json => ({
    operationId: `mock.${route.method.toLowerCase()}${route.path.replace(/\/:?(\w)([\w-]*)/g, (_, c: string, rest: string) =>
      c.toUpperCase() + rest.replace(/-(\w)/g, (__, l: string) => l.toUpperCase()))}`,
    tags: [CONTROL_TAG],
    summary: route.summary,
    description: "The mock server only: acts on the account the Basic credentials name, and on no other. Never faulted, " +
      "rate limited or recorded.",
    ...(Api.pathParams(route.path).length > 0
      ? { parameters: Api.pathParams(route.path).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })) }
      : {}),
    ...(route.body !== undefined ? { requestBody: { required: true, content: json(controlSchema(route.body)) } } : {}),
    responses: {
      [String(route.status)]: { description: "Done.", headers: requestId, content: json(controlSchema(route.answer)) },
      ...(route.body !== undefined ? { "400": ref("responses", "BadRequest") } : {}),
      "401": ref("responses", "Unauthorized"),
      "404": { ...ref("responses", "NotFound") },
      ...(route.path.includes(":id") && route.method === "POST" ? { "409": ref("responses", "ControlConflict") } : {})
    }
  })
  for (const route of CONTROL_ROUTES) {
    const item = (paths[openApiPath(`${CONTROL_PREFIX}${route.path}`)] ??= { servers: [MOCK_ORIGIN] })
    item[route.method.toLowerCase()] = controlOperation(route)
  }

  // One webhook per event type the SDK knows: the members of `XtopayEvent` whose `type` is one value.
  const eventMembers = ((definitionOf(shapeRefs.XtopayEvent)["anyOf"] ?? []) as Array<Json>).flatMap((member) => {
    const type = ((definitionOf(member)["properties"] as Json)["type"] as Json)["enum"]
    return Array.isArray(type) && type.length === 1 ? [{ type: String(type[0]), schema: member }] : []
  })
  const signing = `Signed with \`${headerName(TIMESTAMP_HEADER)}\` and \`${headerName(SIGNATURE_HEADER)}\` ` +
    "(`sha256=` HMAC-SHA256 of `<timestamp>.<raw body>`, keyed with the client secret; verify with " +
    "`Webhooks.constructEvent`). Answer 2xx; otherwise it is retried on the schedule in docs/webhooks.md."
  const webhooks = Object.fromEntries(eventMembers.map(({ schema, type }) => [type, {
    post: {
      operationId: `webhook.${type}`,
      tags: ["Webhooks"],
      summary: `\`${type}\`, sent to each active endpoint whose \`events\` holds it (or is empty)`,
      description: signing,
      security: [],
      parameters: [TIMESTAMP_HEADER, SIGNATURE_HEADER].map((name) => ({
        name: headerName(name),
        in: "header",
        required: true,
        schema: { type: "string" }
      })),
      requestBody: { required: true, content: json(schema) },
      responses: { "2XX": { description: "Received." } }
    }
  }]))

  const families = [...new Set(Api.operations.map(family))]
  return {
    openapi: "3.1.0",
    info: {
      title: "Xtopay Customers API (as effect-xtopay's in-memory Xtopay and mock server serve it)",
      version: "0.1.0",
      summary: "Customers, setup intents, payment methods, customer-portal sessions, webhook endpoints and events.",
      description: [
        "Generated by `npm run openapi` (editions/effect3/scripts/openapi.ts) from the API's description",
        "(core/api.ts) and the schemas of effect-xtopay (editions/effect3/src/Schemas.ts): edit those, not",
        "this file. It describes the API as the in-memory Xtopay (`XtopayTest`) and its mock HTTP server",
        "(`npx xtopay-mock`) serve it; where the vendor is silent it follows the project's decisions",
        "(docs/testing.md).",
        "",
        "Conventions:",
        "- JSON bodies (`Content-Type: application/json`), snake_case names, ISO 8601 UTC timestamps",
        "  ending in `Z`.",
        "- Every answer carries `X-Request-Id`; errors carry the `ErrorEnvelope`.",
        "- The operations with an `Idempotency-Key` parameter replay the first answer (a 2xx replayed",
        "  as 200, with `Idempotency-Replayed: true`) to the same key with the same request; with another",
        "  request it is a 422 `idempotency_key_mismatch`; while the first is still running, a 409",
        "  `idempotency_key_in_use`. Keys are kept 24 hours, per client id. A request refused with a 400",
        "  does not use up its key.",
        "- Test credentials only: any `cid_test_…` client id with a `csk_test_…` secret is an account (the",
        "  first secret a client id is used with becomes its secret). Live credentials are a 403",
        "  `environment_mismatch`.",
        "- Object fields not listed may be added: clients should ignore what they do not know.",
        ""
      ].join("\n"),
      license: { name: "MIT", identifier: "MIT" }
    },
    servers: [
      { url: DEFAULT_BASE_URL, description: "Xtopay" },
      { url: `http://127.0.0.1:${DEFAULT_PORT}/v1`, description: "The mock server (`npx xtopay-mock`)" }
    ],
    security: [{ basic: [] }],
    tags: [
      ...families.map((name) => ({ name: tagOf(name), description: `effect-xtopay's \`${name}\` module.` })),
      { name: "Webhooks", description: "What Xtopay POSTs to your webhook endpoints; `Webhooks.handler` verifies and decodes it." },
      {
        name: CONTROL_TAG,
        description: `The mock server's control API under \`${CONTROL_PREFIX}\`, beside \`/v1\` (not part of Xtopay): ` +
          "seed data, complete setup intents, inject faults, set a rate limit, read requests and delivery attempts, reset. " +
          "What `XtopayControl` does for an Effect test, for any HTTP client (docs/testing.md)."
      }
    ],
    paths,
    webhooks,
    components: {
      securitySchemes: {
        basic: {
          type: "http",
          scheme: "basic",
          description: "The client id as the user name and the client secret as the password."
        }
      },
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description: "Makes a retry safe. 1 to 255 printable ASCII characters, no leading or trailing space; " +
            "otherwise 400 `parameter_invalid`. effect-xtopay sends one on every call that takes it.",
          schema: idempotencyKey
        }
      },
      headers: {
        "X-Request-Id": {
          description: "The id of this request; quote it to support. Every answer has one.",
          required: true,
          schema: { type: "string" }
        },
        "Idempotency-Replayed": {
          description: "Present (`true`) when the answer is a replay of the first answer to this `Idempotency-Key`.",
          schema: { type: "string", enum: ["true"] }
        },
        "Retry-After": {
          description: "Whole seconds to wait before retrying.",
          required: true,
          schema: { type: "integer", minimum: 1 }
        }
      },
      responses: Object.fromEntries(Object.entries(errorAnswers).map(([status, { description, name }]) => [name, {
        description,
        headers: status === "429" ? { ...requestId, "Retry-After": ref("headers", "Retry-After") } : requestId,
        content: json(errorEnvelope)
      }])),
      schemas: Object.fromEntries(Object.keys(definitions).sort().map((name) => [name, tidy(definitions[name])]))
    }
  }
}

/** `Customers.update(id, params, options?)`: the call's arguments, read from its route, method and parameters' shape. */
export const signature = (op: Api.Operation, fn: string = op.fn): string => {
  const { definitions, shapeRefs } = schemaComponents()
  const args = [...Api.pathParams(op.route)]
  if (op.params !== undefined) {
    const params = definitions[String(shapeRefs[op.params]["$ref"]).slice(COMPONENTS.length)]!
    // A body is always given; a query with no required field may be left out.
    const optional = !takesBody(op) && ((params["required"] ?? []) as ReadonlyArray<string>).length === 0
    args.push(optional ? "params?" : "params")
  }
  args.push("options?")
  return `${fn}(${args.join(", ")})`
}

const HEADER = "# Generated by `npm run openapi` (editions/effect3/scripts/openapi.ts) from core/api.ts, the\n" +
  "# edition's schemas and the in-memory Xtopay's answers (the examples). Do not edit:\n" +
  "# test/e2e/openapi.test.ts fails when this file is stale.\n"

/** docs/openapi.yaml's text; its examples are what the in-memory Xtopay answers. */
export const renderOpenApi: Effect.Effect<string> = Effect.map(
  makeExamples,
  // Every `$ref` object is written out where it is used: YAML aliases would hide them from readers.
  // YAML 1.1 quoting: a reader on 1.1 rules (js-yaml) would take an unquoted timestamp for a Date.
  (examples) => HEADER + stringify(openApiDocument(examples), { aliasDuplicateObjects: false, lineWidth: 0, version: "1.1" })
)

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(specPath, await Effect.runPromise(renderOpenApi))
  console.log(`Wrote ${specPath}`)
}
