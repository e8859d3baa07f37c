/**
 * `npm run docs:tables`: rewrites the endpoint tables of README.md and docs/*.md from core's
 * description of the API (core/api.ts). A table lives between `<!-- generated:NAME -->` and
 * `<!-- /generated:NAME -->`, NAME one of `tables` below; the prose around it is hand-written.
 * test/docs/endpoint-tables.test.ts fails when a region differs from what this writes.
 */
import * as Api from "#core/api.js"
import { readdirSync, readFileSync, writeFileSync } from "node:fs"
import { fileURLToPath, pathToFileURL } from "node:url"
import type { ReadOptions, RequestOptions } from "../src/RequestOptions.js"
import { signature } from "./openapi.js"

/** The repository: README.md and docs/. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url))

/** The Markdown files that may hold generated tables, relative to the repository (docs/api/ is typedoc's). */
export const docFiles = (): ReadonlyArray<string> => [
  "README.md",
  ...readdirSync(`${repoRoot}docs`).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/${name}`)
]

const operations = Api.operations as ReadonlyArray<Api.Operation>

/** One public function: a call of the description, or the `Stream` that walks a list's pages. */
interface Call {
  readonly op: Api.Operation
  readonly fn: string
  readonly walksPages: boolean
}

/** The functions of an operation: its own, then the stream over its pages when that is another function. */
export const callsOf = (op: Api.Operation): ReadonlyArray<Call> => [
  { op, fn: op.fn, walksPages: op.paging !== undefined && op.paging.stream === op.fn },
  ...(op.paging !== undefined && op.paging.stream !== op.fn ? [{ op, fn: op.paging.stream, walksPages: true }] : [])
]

const calls = (): ReadonlyArray<Call> => operations.flatMap(callsOf)

const code = (text: string) => `\`${text}\``
const row = (cells: ReadonlyArray<string>) => `| ${cells.join(" | ")} |`
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>) =>
  [row(header), `|${header.map(() => "---").join("|")}|`, ...rows.map(row)].join("\n")

/** A POST first answers 201, anything else 200; the docs say so only when a call differs. */
const usualStatus = (op: Api.Operation) => (op.method === "POST" ? 201 : 200)

const request = (call: Call) => {
  const { op } = call
  const pages = op.paging === undefined ? "" : call.walksPages ? ", every page" : ", one page"
  const status = op.status === usualStatus(op) ? "" : ` (answered ${op.status})`
  return `${op.method} ${op.route}${pages}${status}`
}

const returns = (call: Call) => {
  const { op } = call
  if (op.paging === undefined) return code(op.response)
  return code(call.walksPages ? `Stream<${op.paging.item}>` : `Page<${op.paging.item}>`)
}

/** `Customers.listPage` → `Customers.ListError`: the union each endpoint module exports for a call. */
export const errorTypeOf = (op: Api.Operation): string => {
  const [module, name] = op.fn.split(".") as [string, string]
  const base = name.endsWith("Page") ? name.slice(0, -"Page".length) : name
  return `${module}.${base.charAt(0).toUpperCase()}${base.slice(1)}Error`
}

/** The tags every call can fail with: `CommonError`. */
export const commonErrors = Api.errorTags({ notFound: false, idempotencyKey: false })

/** Every key of `T`, listed once, or the list does not compile. */
const allKeys = <T>() =>
<const K extends ReadonlyArray<keyof T>>(keys: K & (Exclude<keyof T, K[number]> extends never ? unknown : never)) => keys

const optionFields = {
  RequestOptions: allKeys<RequestOptions>()(["idempotencyKey", "timeout", "maxRetries", "maxResponseBytes"]),
  ReadOptions: allKeys<ReadOptions>()(["timeout", "maxRetries", "maxResponseBytes"])
}

/** Each table, by the name its markers carry. */
export const tables: Record<string, () => string> = {
  /** README.md: every public function of the description. */
  endpoints: () =>
    table(
      ["Function", "Request", "Returns", "What it does"],
      calls().map((call) => [code(signature(call.op, call.fn)), request(call), returns(call), call.op.summary])
    ),
  /** docs/errors.md: each call's error union. */
  "error-unions": () =>
    table(
      ["Call", "Type", "Is"],
      operations.map((op) => {
        const own = Api.errorTags(op).filter((tag) => !commonErrors.includes(tag))
        return [
          callsOf(op).map((call) => code(call.fn)).join(", "),
          code(errorTypeOf(op)),
          code(["CommonError", ...own].join(" \\| "))
        ]
      })
    ),
  /** docs/configuration.md: which options type each call takes. */
  "request-options": () =>
    table(
      ["Calls", "Type", "Fields"],
      (["RequestOptions", "ReadOptions"] as const).map((type) => [
        calls().filter((call) => call.op.idempotencyKey === (type === "RequestOptions")).map((call) => code(call.fn)).join(", "),
        code(type),
        optionFields[type].map(code).join(", ")
      ])
    ),
  /** docs/pagination.md: the calls that walk every page, and those that give one. */
  "list-calls": () => {
    const lists = calls().filter((call) => call.op.paging !== undefined)
    return table(["Call", "Gives"], [
      [
        lists.filter((call) => call.walksPages).map((call) => code(signature(call.op, call.fn))).join(", "),
        "a lazy `Stream` of every item, walking the pages for you"
      ],
      [
        lists.filter((call) => !call.walksPages).map((call) => code(signature(call.op, call.fn))).join(", "),
        "one `Page`: `data` and `pagination`"
      ]
    ])
  }
}

const REGION = /<!-- generated:([\w-]+)[^>]*-->\n([\s\S]*?)<!-- \/generated:\1 -->/g

/** The generated regions a Markdown text holds, by name. */
export const regionsOf = (text: string): ReadonlyArray<string> => [...text.matchAll(REGION)].map((match) => match[1]!)

/** `text` with every generated region rewritten; a region whose name has no table is an error. */
export const regenerate = (text: string): string =>
  text.replace(REGION, (whole, name: string) => {
    const render = tables[name]
    if (render === undefined) throw new Error(`No table is generated for the region "${name}"`)
    const start = whole.slice(0, whole.indexOf("\n") + 1)
    return `${start}${render()}\n<!-- /generated:${name} -->`
  })

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const file of docFiles()) {
    const text = readFileSync(`${repoRoot}${file}`, "utf8")
    const next = regenerate(text)
    if (next !== text) {
      writeFileSync(`${repoRoot}${file}`, next)
      console.log(`Rewrote the tables of ${file}`)
    }
  }
}
