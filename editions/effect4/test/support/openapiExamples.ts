/**
 * The examples of docs/openapi.yaml, each with the shape it is an example of, read from where it
 * stands: a request body is its operation's parameters, a 2xx answer its operation's response, any
 * other answer the error envelope (the operation found by its operationId, in core's description).
 * Every `example` of the document is returned, found or stray, so none can be passed over unseen.
 */
import * as Api from "#core/api.js"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { effect3Folder } from "./verdicts.js"

/** The committed document (written by the Effect 3 edition's `npm run openapi`). */
export const specPath = fileURLToPath(new URL("../../../../docs/openapi.yaml", import.meta.url))

/** The `yaml` package the document was written with, from the Effect 3 edition's dependencies (this edition has none). */
const yaml = createRequire(join(effect3Folder, "package.json"))("yaml") as { readonly parse: (text: string) => unknown }

export const readSpec = () => {
  const text = readFileSync(specPath, "utf8")
  return { text, document: yaml.parse(text) }
}

/** How many `example:` keys the text holds, counted line by line, apart from the parser and the walk below. */
export const exampleKeyLines = (text: string): number => text.match(/^[ \t-]*example:/gm)?.length ?? 0

/** One example, where it stands (a JSON path), the shape core says it is, and the component its schema names. */
export interface SpecExample {
  readonly where: string
  readonly shape: string
  readonly component: string | undefined
  readonly example: unknown
}

type Json = Record<string, unknown>

const isObject = (u: unknown): u is Json => typeof u === "object" && u !== null && !Array.isArray(u)

/** Every `example` (and any `examples`) key of the tree, with the keys leading to it. */
const exampleKeys = (node: unknown, at: ReadonlyArray<string> = []): ReadonlyArray<{ readonly at: ReadonlyArray<string>; readonly value: unknown }> => {
  if (Array.isArray(node)) return node.flatMap((child, i) => exampleKeys(child, [...at, String(i)]))
  if (!isObject(node)) return []
  return Object.entries(node).flatMap(([key, value]) =>
    key === "example" || key === "examples" ? [{ at: [...at, key], value }] : exampleKeys(value, [...at, key])
  )
}

/** `/customers/:id` → `/customers/{id}`, as the document writes a route. */
const openApiPath = (route: string) => route.replace(/:(\w+)/g, "{$1}")

const COMPONENTS = "#/components/schemas/"

/**
 * The document's examples: `found`, each with its shape; `stray`, where an example stands that no
 * shape is known for (an `examples` map, a control API or webhook example, a component's).
 */
export const specExamples = (document: unknown): { readonly found: ReadonlyArray<SpecExample>; readonly stray: ReadonlyArray<string> } => {
  const found: Array<SpecExample> = []
  const stray: Array<string> = []
  const operations = Api.operations as ReadonlyArray<Api.Operation>
  const valueAt = (keys: ReadonlyArray<string>): unknown => keys.reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), document)
  for (const { at, value } of exampleKeys(document)) {
    const where = at.join(".")
    // paths.<path>.<method>.requestBody.content.application/json.example, or paths.<path>.<method>.responses.<status>.content.…
    const [root, path, method, part, ...rest] = at
    const op = operations.find((o) => openApiPath(o.route) === path && o.method.toLowerCase() === method)
    const inMedia = rest.slice(-3).join("/") === "content/application/json/example"
    const status = part === "responses" && rest.length === 4 ? rest[0]! : undefined
    const shape = root !== "paths" || op === undefined || !inMedia
      ? undefined
      : part === "requestBody" && rest.length === 3
      ? op.params
      : status === undefined
      ? undefined
      : /^2\d\d$/.test(status)
      ? op.response
      : "ErrorEnvelope"
    // The operation in the document is the one core names so (its operationId), not another at that path.
    if (shape === undefined || valueAt([root!, path!, method!, "operationId"]) !== op?.operation) {
      stray.push(where)
      continue
    }
    const ref = valueAt([...at.slice(0, -1), "schema", "$ref"])
    const component = typeof ref === "string" && ref.startsWith(COMPONENTS) ? ref.slice(COMPONENTS.length) : undefined
    found.push({ where, shape, component, example: value })
  }
  return { found, stray }
}
