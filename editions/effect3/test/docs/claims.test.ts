/**
 * Lists in the docs that restate the code are checked against it: the mock server's flag tables
 * against `xtopay-mock --help`, and every place that says which statuses are retried against the
 * retry rule itself (core's `isRetryableFailure`, called with the error each status becomes).
 */
import { assert, describe, it } from "@effect/vitest"
import { readdir, readFile } from "node:fs/promises"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { isRetryableFailure as isRetryable } from "#core/retry.js"
import { main } from "../../src/testing/cli.js"
import {
  ConnectionError,
  Forbidden,
  fromResponse,
  IdempotencyConflict,
  InvalidRequest,
  NotFound,
  RateLimited,
  ServerError,
  Unauthorized,
  UnexpectedResponse,
  type XtopayError
} from "../../src/XtopayError.js"

const root = fileURLToPath(new URL("../../../..", import.meta.url)) // the repository: README.md and docs/

interface Doc {
  readonly file: string
  readonly lines: ReadonlyArray<string>
}

const markdownFiles = async (directory: string): Promise<Array<string>> => {
  const entries = await readdir(directory, { withFileTypes: true })
  const nested = await Promise.all(entries.map((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return entry.name === "api" ? [] : markdownFiles(path) // generated from JSDoc
    return Promise.resolve(entry.name.endsWith(".md") ? [path] : [])
  }))
  return nested.flat()
}

const docs = async (): Promise<Array<Doc>> => {
  const files = [join(root, "README.md"), ...(await markdownFiles(join(root, "docs")))].sort()
  return Promise.all(files.map(async (file) => ({
    file: relative(root, file),
    // Code blocks are examples, not claims: blank them, keeping line numbers.
    lines: (await readFile(file, "utf8")).split("\n").reduce<{ fenced: boolean; out: Array<string> }>(
      (acc, line) => {
        const fence = /^\s*(```|~~~)/.test(line)
        acc.out.push(acc.fenced || fence ? "" : line)
        if (fence) acc.fenced = !acc.fenced
        return acc
      },
      { fenced: false, out: [] }
    ).out
  })))
}

/** The rows of every Markdown table, with the file and line of each. */
const tables = (doc: Doc) => {
  const found: Array<{ readonly header: Array<string>; readonly rows: Array<{ line: number; cells: Array<string> }> }> = []
  const cells = (line: string) => line.trim().replace(/^\||\|$/g, "").split(/(?<!\\)\|/).map((c) => c.trim())
  doc.lines.forEach((line, index) => {
    const next = doc.lines[index + 1] ?? ""
    if (line.trim().startsWith("|") && /^\s*\|[\s:|-]+\|\s*$/.test(next) && !/^\s*\|[\s:|-]+\|\s*$/.test(line)) {
      const table = { header: cells(line), rows: [] as Array<{ line: number; cells: Array<string> }> }
      for (let i = index + 2; i < doc.lines.length && doc.lines[i]!.trim().startsWith("|"); i++) {
        table.rows.push({ line: i + 1, cells: cells(doc.lines[i]!) })
      }
      found.push(table)
    }
  })
  return found
}

describe("the mock server's flags in the docs", () => {
  it("are the flags, arguments and defaults of `xtopay-mock --help`", async () => {
    let help = ""
    const write = process.stdout.write
    process.stdout.write = ((chunk: string) => ((help += chunk), true)) as typeof process.stdout.write
    try {
      await main(["--help"])
    } finally {
      process.stdout.write = write
    }
    const fromHelp = new Map<string, { readonly argument: string; readonly default: string | undefined }>()
    for (const match of help.matchAll(/^\s+(?:-\w, )?(--[\w-]+)(?: (<[^>]+>))?\s{2,}(.*)$/gm)) {
      if (match[1] === "--help") continue
      fromHelp.set(match[1]!, { argument: match[2] ?? "", default: /\(default ([^;)]+)/.exec(match[3]!)?.[1]?.trim() })
    }
    assert.isAbove(fromHelp.size, 3, `no options found in --help:\n${help}`)

    const flagTables = (await docs()).flatMap((doc) =>
      tables(doc)
        .filter((table) => /^flag$/i.test(table.header[0] ?? ""))
        .map((table) => ({ where: `${doc.file}:${table.rows[0]?.line ?? 0}`, table }))
    )
    assert.isNotEmpty(flagTables, "docs/testing.md has a table of the mock server's flags")
    for (const { table, where } of flagTables) {
      const defaultColumn = table.header.findIndex((h) => /^default$/i.test(h))
      const documented = new Map(table.rows.map(({ cells }) => {
        const [, flag = cells[0]!, argument = ""] = /^`(--[\w-]+)(?: (<[^>]+>))?`$/.exec(cells[0]!) ?? []
        return [flag, { argument, default: defaultColumn >= 0 ? cells[defaultColumn]!.replaceAll("`", "") : undefined }]
      }))
      assert.deepStrictEqual([...documented.keys()].sort(), [...fromHelp.keys()].sort(), `${where}: the flags`)
      for (const [flag, fromCli] of fromHelp) {
        assert.strictEqual(documented.get(flag)?.argument, fromCli.argument, `${where}: the argument of ${flag}`)
        if (fromCli.default !== undefined) {
          assert.strictEqual(documented.get(flag)?.default, fromCli.default, `${where}: the default of ${flag}`)
        }
      }
    }
  })
})

// --- the retried statuses -------------------------------------------------------------------

const IN_USE = "idempotency_key_in_use"
const MISMATCH = "idempotency_key_mismatch"

/**
 * `404`, `429s`, `500/502`, `5xx`: the statuses a piece of text names (a number with a unit is not
 * one); "other 5xx" is the class without the statuses in `named`.
 */
const statusesIn = (text: string, named: ReadonlyArray<number> = []): Array<number> =>
  [...text.matchAll(/(other\s+)?\b([1-5])(\d\d|xx)s?\b(?!\s*(?:ms|s|µs|seconds|calls|customers|requests|%)\b)/g)].flatMap(
    (m) => {
      const first = Number(m[2]) * 100
      if (m[3] !== "xx") return [first + Number(m[3])]
      const all = Array.from({ length: 100 }, (_, i) => first + i)
      return m[1] === undefined ? all : all.filter((status) => !named.includes(status))
    }
  )

/** The error an answer with this status (and Xtopay error code) becomes: the client's own mapping. */
const answered = (status: number, code?: string): XtopayError =>
  fromResponse({
    status,
    envelope: code === undefined ? undefined : { error: { type: "invalid_request_error", code, message: "m" } } as never,
    requestId: undefined,
    retryAfter: undefined,
    attempts: 1
  })

/** What the client retries, in the docs' words: `409 idempotency_key_in_use` and the plain statuses. */
const retriedStatuses = (): Array<number> =>
  Array.from({ length: 300 }, (_, i) => 300 + i).filter((status) => isRetryable(answered(status, status === 409 ? IN_USE : undefined)))

const TAGS: Record<string, (status: number | undefined, code: string | undefined) => XtopayError> = {
  InvalidRequest: (status, code) => new InvalidRequest({ message: "m", ...fields(status, code) }),
  Unauthorized: (status, code) => new Unauthorized({ message: "m", ...fields(status, code) }),
  Forbidden: (status, code) => new Forbidden({ message: "m", ...fields(status, code) }),
  NotFound: (status, code) => new NotFound({ message: "m", ...fields(status, code) }),
  IdempotencyConflict: (status, code) => new IdempotencyConflict({ message: "m", ...fields(status, code) }),
  RateLimited: (status, code) => new RateLimited({ message: "m", ...fields(status, code) }),
  ServerError: (status, code) => new ServerError({ message: "m", ...fields(status, code) }),
  ConnectionError: (status, code) => new ConnectionError({ message: "m", reason: "Timeout", ...fields(status, code) }),
  UnexpectedResponse: (status, code) => new UnexpectedResponse({ message: "m", ...fields(status, code) })
}

const fields = (status: number | undefined, code: string | undefined) => ({
  ...(status !== undefined ? { status } : {}),
  ...(code !== undefined ? { code } : {})
})

/** `409 key-in-use`, `idempotency_key_in_use`: the two ways the docs name the retried 409. */
const namesInUse = (text: string) => text.includes(IN_USE) || /key-in-use/.test(text)

describe("the retried statuses in the docs", () => {
  it("the client's mapping and retry rule retry 408, 409 key-in-use, 429, 500, 502, 503 and 504 (the lists below are checked against these)", () => {
    assert.deepStrictEqual(retriedStatuses(), [408, 409, 429, 500, 502, 503, 504])
    assert.isFalse(isRetryable(answered(409, MISMATCH)))
    assert.isFalse(isRetryable(answered(422, MISMATCH)))
  })

  it("every table with a Retried column says, row by row, what isRetryable decides", async () => {
    const wrong: Array<string> = []
    let rows = 0
    for (const doc of await docs()) {
      for (const table of tables(doc)) {
        const column = table.header.findIndex((h) => /^retried\??$/i.test(h))
        if (column < 0) continue
        // The statuses the table names one by one: "any other 5xx" means the rest.
        const named = table.rows.flatMap(({ cells }) => statusesIn(cells.slice(0, column).join(" ").replace(/\b\dxx\b/g, "")))
        for (const { cells, line } of table.rows) {
          rows++
          const described = cells.slice(0, column).join(" | ")
          const tags = [...described.matchAll(/`(\w+)`/g)].map((m) => m[1]!).filter((tag) => tag in TAGS)
          const statuses = statusesIn(described, named)
          const codes = [IN_USE, MISMATCH].filter((code) => described.includes(code) || (code === IN_USE && namesInUse(described)))
          const said = cells[column]!
          // A row that is not a call's failure (a refused webhook delivery) has no retry to check.
          if (/^not a request\b/i.test(said)) continue
          // Only what comes before a "not" names retried cases: "500, 502, 503, 504; not 501".
          const positive = said.split(/\bnot\b/)[0]!
          const expected = (status: number | undefined, code: string | undefined): boolean => {
            if (/^(no|never)\b/i.test(said)) return false
            if (/^yes\b/i.test(said)) return true
            const listed = statusesIn(positive)
            if (listed.length === 0 && !namesInUse(positive)) throw new Error(`${doc.file}:${line}: cannot read "${said}"`)
            return (listed.length === 0 || (status !== undefined && listed.includes(status))) &&
              (!namesInUse(positive) || code === IN_USE)
          }
          if (tags.length === 0) wrong.push(`${doc.file}:${line}: no error tag in "${described}"`)
          for (const tag of tags) {
            for (const status of statuses.length > 0 ? statuses : [undefined]) {
              for (const code of codes.length > 0 ? codes : [undefined]) {
                const error = TAGS[tag]!(status, code)
                if (isRetryable(error) !== expected(status, code)) {
                  wrong.push(`${doc.file}:${line}: ${tag} ${status ?? ""} ${code ?? ""} is ${isRetryable(error) ? "" : "not "}retried, the row says "${said}"`)
                }
              }
            }
          }
        }
      }
    }
    assert.isAbove(rows, 10, "the errors tables of README.md, docs/errors.md and docs/resilience.md were read")
    assert.deepStrictEqual(wrong, [])
  })

  it("every sentence that lists retried statuses lists exactly those, with no 5xx shorthand", async () => {
    const retried = retriedStatuses()
    const wrong: Array<string> = []
    let sentences = 0
    for (const doc of await docs()) {
      // Paragraphs and list items outside tables and code, joined across their wrapped lines.
      const blocks: Array<{ line: number; text: string }> = []
      doc.lines.forEach((text, index) => {
        const last = blocks[blocks.length - 1]
        const starts = /^\s*([-*]|\d+\.)\s/.test(text) || /^#/.test(text)
        if (text.trim() === "" || text.trim().startsWith("|")) blocks.push({ line: index + 1, text: "" })
        else if (last === undefined || starts || last.text === "") blocks.push({ line: index + 1, text })
        else last.text += ` ${text.trim()}`
      })
      for (const { line, text } of blocks) {
        for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z`*])/)) {
          if (!/\bretr(y|ies|ied|ying)\b/i.test(sentence)) continue
          // Xtopay retrying a webhook delivery is the server's schedule, not the client's rule.
          if (/\bXtopay retr(y|ies)\b/.test(sentence)) continue
          // The part that says what is retried, up to a "not" or "never".
          const positive = sentence.split(/\b(?:not|never)\b|n't\b/)[0]!
          const named = [...new Set(statusesIn(positive))]
          if (named.length < 3) continue // a passing mention ("a retried 500"), not a list
          sentences++
          const where = `${doc.file}:${line}: "${sentence.trim()}"`
          if (/\b[1-5]xx\b/.test(positive)) wrong.push(`${where} says Nxx; list the statuses`)
          else if (named.sort((a, b) => a - b).join() !== retried.join()) {
            wrong.push(`${where} names ${named.join(", ")}; the client retries ${retried.join(", ")}`)
          } else if (!namesInUse(positive)) wrong.push(`${where}: only the 409 idempotency_key_in_use is retried; say so`)
        }
      }
    }
    assert.isAbove(sentences, 1, "the sentences of getting-started.md, testing.md and architecture.md were read")
    assert.deepStrictEqual(wrong, [])
  })
})
