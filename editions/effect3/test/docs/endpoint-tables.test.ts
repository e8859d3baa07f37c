/**
 * The endpoint tables in README.md and docs/ say what the endpoint table says: every row that
 * names an endpoint function and a request (`| \`Customers.create(params, options?)\` | POST
 * /customers |`) names the table's method and route for it, and README lists every operation.
 */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Endpoint, endpoints } from "../../src/internal/endpoints.js"

const root = fileURLToPath(new URL("../../../../", import.meta.url)) // the repository: README.md and docs/
const docs = ["README.md", ...readdirSync(`${root}docs`).filter((name) => name.endsWith(".md")).map((name) => `docs/${name}`)]

interface Row {
  readonly file: string
  readonly line: number
  readonly fn: string
  readonly method: string
  readonly path: string
}

/** Rows whose first cell is a function call and whose second is `METHOD /path…`. */
const rowsOf = (file: string): Array<Row> =>
  readFileSync(`${root}${file}`, "utf8").split("\n").flatMap((text, index) => {
    const match = /^\| `([A-Z]\w*\.\w+)\([^`]*\)`[^|]*\| (GET|POST|PATCH|DELETE) (\/[^\s,|]*)/.exec(text)
    return match === null ? [] : [{ file, line: index + 1, fn: match[1]!, method: match[2]!, path: match[3]! }]
  })

/** The endpoint functions a piece of text names in backticks (`Customers.create`, `Events.list`). */
const callsIn = (text: string): Array<string> => [...text.matchAll(/`([A-Z]\w*\.\w+)`/g)].map((match) => match[1]!)

/** `customers.listPage` → `Customers.listPage`; a `list` stream is its `listPage`. */
const functionName = (endpoint: Endpoint) => endpoint.operation.charAt(0).toUpperCase() + endpoint.operation.slice(1)
const endpointOf = (fn: string): Endpoint | undefined =>
  endpoints.find((endpoint) => functionName(endpoint) === fn || functionName(endpoint) === `${fn}Page`)

const mismatches = (rows: ReadonlyArray<Row>): Array<string> =>
  rows.flatMap((row) => {
    const endpoint = endpointOf(row.fn)
    if (endpoint === undefined) return [`${row.file}:${row.line}: ${row.fn} is not in the endpoint table`]
    return endpoint.method === row.method && endpoint.route === row.path
      ? []
      : [`${row.file}:${row.line}: ${row.fn} is ${endpoint.method} ${endpoint.route}, not ${row.method} ${row.path}`]
  })

describe("endpoint tables in the docs", () => {
  const rows = docs.flatMap(rowsOf)

  it("every row names the method and route the endpoint table gives its function", () => {
    assert.isAbove(rows.length, 0)
    assert.deepStrictEqual(mismatches(rows), [])
  })

  it("README's table lists every operation of the endpoint table", () => {
    const listed = new Set(rows.filter((row) => row.file === "README.md").map((row) => endpointOf(row.fn)))
    assert.deepStrictEqual(endpoints.filter((endpoint) => !listed.has(endpoint)).map(functionName), [])
  })

  it("docs/errors.md gives the error union of every operation", () => {
    const section = readFileSync(`${root}docs/errors.md`, "utf8").split("### Each endpoint's error union")[1]!.split("\n\n`CommonError`")[0]!
    // The first cell of each row names the calls; the second names their error type.
    const calls = section.split("\n").filter((line) => line.startsWith("| `")).flatMap((line) => callsIn(line.split("|")[1]!))
    assert.deepStrictEqual(calls.filter((fn) => endpointOf(fn) === undefined), [])
    const named = new Set(calls.map(endpointOf))
    assert.deepStrictEqual(endpoints.filter((endpoint) => !named.has(endpoint)).map(functionName), [])
  })

  it("docs/configuration.md gives `RequestOptions` to exactly the calls that carry an idempotency key", () => {
    const optionRows = readFileSync(`${root}docs/configuration.md`, "utf8").split("\n")
      .filter((line) => /^\| .*\| `(RequestOptions|ReadOptions)` \|/.test(line))
    const typeOf = new Map<Endpoint, string>()
    const unknown: Array<string> = []
    for (const line of optionRows) {
      const type = line.includes("| `RequestOptions` |") ? "RequestOptions" : "ReadOptions"
      for (const fn of callsIn(line.split("|")[1]!)) {
        const endpoint = endpointOf(fn)
        if (endpoint === undefined) unknown.push(fn)
        else typeOf.set(endpoint, type)
      }
    }
    assert.deepStrictEqual(unknown, [])
    assert.deepStrictEqual(
      endpoints.filter((endpoint) => typeOf.get(endpoint) !== (endpoint.idempotencyKey ? "RequestOptions" : "ReadOptions"))
        .map(functionName),
      []
    )
  })

  it("a row that disagrees is reported at its file and line", () => {
    assert.deepStrictEqual(
      mismatches([
        { file: "x.md", line: 3, fn: "Customers.retrieve", method: "GET", path: "/customer/:id" },
        { file: "x.md", line: 4, fn: "Customers.archive", method: "POST", path: "/customers/:id/archive" }
      ]),
      [
        "x.md:3: Customers.retrieve is GET /customers/:id, not GET /customer/:id",
        "x.md:4: Customers.archive is not in the endpoint table"
      ]
    )
  })
})
