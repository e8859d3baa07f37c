/**
 * (d) Decoding 100k customers (1,000 pages of 100, as `GET /customers` answers them) with the
 * response schema the client uses, against `JSON.parse` alone.
 */
import { Either, Schema } from "effect"
import { CustomerPage, decoderFor } from "../harness/sdk.js"
import { alternate, median, timed } from "../../../../bench/measure.js"
import type { Scenario } from "../../../../bench/scenario.js"

interface Input {
  readonly customers: number
  readonly rounds: number
}

/** A customer as the wire carries it; some with a name, a phone and metadata, as real lists are. */
const wireCustomer = (i: number) => ({
  id: `cus_${i.toString(36).padStart(12, "0")}`,
  email: `customer${i}@example.com`,
  name: i % 2 === 0 ? `Customer ${i}` : null,
  phone: i % 3 === 0 ? `+23324${String(i % 10_000_000).padStart(7, "0")}` : null,
  currency: "GHS",
  metadata: i % 4 === 0 ? { crm_id: `crm_${i}`, tier: "gold" } : {},
  created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString().replace(".000Z", "Z")
})

const pageTexts = (customers: number): Array<string> => {
  const texts: Array<string> = []
  for (let start = 0; start < customers; start += 100) {
    const data = Array.from({ length: Math.min(100, customers - start) }, (_, k) => wireCustomer(start + k))
    texts.push(JSON.stringify({
      data,
      pagination: { has_more: true, next_cursor: `cur_${start}`, previous_cursor: null, total_count: customers }
    }))
  }
  return texts
}

export const measure = async ({ customers, rounds }: Input) => {
  // What the client decodes a page with (compiled from CustomerPage, the schema behind it), and plain Schema decoding beside it.
  const decodePage = decoderFor(CustomerPage)
  const decodePlain = Schema.decodeUnknownEither(CustomerPage)
  const texts = pageTexts(customers)
  // Each timed round gets pages parsed afresh, outside the clock, as the client gets them from JSON.parse.
  const parsedAfresh = () => texts.map((text) => JSON.parse(text) as unknown)
  const variants = {
    parse: () => timed(async () => texts.forEach((text) => JSON.parse(text))),
    parseAndDecode: () =>
      timed(async () =>
        texts.forEach((text) => {
          if (Either.isLeft(decodePage(JSON.parse(text)))) throw new Error("a page failed to decode")
        })
      ),
    decodeOnly: () => {
      const parsed = parsedAfresh()
      return timed(async () =>
        parsed.forEach((json) => {
          if (Either.isLeft(decodePage(json))) throw new Error("a page failed to decode")
        })
      )
    },
    plainSchema: () => {
      const parsed = parsedAfresh()
      return timed(async () =>
        parsed.forEach((json) => {
          if (Either.isLeft(decodePlain(json))) throw new Error("a page failed to decode")
        })
      )
    }
  }
  await alternate(2, variants) // warm-up
  const times = await alternate(rounds, variants)
  return {
    parse: median(times.parse),
    parseAndDecode: median(times.parseAndDecode),
    decodeOnly: median(times.decodeOnly),
    plainSchema: median(times.plainSchema)
  }
}

export const scenario: Scenario = {
  id: "decode",
  title: "Decoding with the response schema",
  run: async ({ inChild, quick }) => {
    const customers = 100_000
    const result = await inChild<Input, Awaited<ReturnType<typeof measure>>>(import.meta.url, {
      customers,
      rounds: quick ? 3 : 7
    })
    const baseline = { label: "JSON.parse alone", value: result.parse }
    return [
      {
        id: "decode.parse-and-decode",
        figure: "100k customers (1,000 pages): JSON.parse + the client's page decoder (CustomerPage), as the client reads a page",
        value: result.parseAndDecode,
        unit: "ms",
        baseline,
        target: { kind: "ratio-at-most", limit: 3 }
      },
      {
        id: "decode.decode-only",
        figure: "100k customers: the page decoder alone (already parsed)",
        value: result.decodeOnly,
        unit: "ms",
        baseline
      },
      {
        id: "decode.compiled-vs-schema",
        figure: "100k customers, already parsed: the client's decoder compiled from CustomerPage against plain Schema decoding of it (compile.ts stays while it is at least 15% faster)",
        value: result.decodeOnly,
        unit: "ms",
        baseline: { label: "Schema.decodeUnknownEither(CustomerPage)", value: result.plainSchema },
        target: { kind: "ratio-at-most", limit: 0.85 }
      }
    ]
  }
}
