/**
 * Input both editions must judge alike: each scalar schema, the core rule it wraps, values the
 * Effect 3 edition's validation tests refuse, and values it takes.
 */
import type { Schema } from "effect"
import * as Rules from "#core/rules.js"
import * as S from "../../src/Schemas.js"

export interface Refusal {
  /** The schema's exported name, and its identifier. */
  readonly name: string
  readonly schema: Schema.Codec<any, any>
  /** What refuses the same values with the same words in core. */
  readonly rule: Rules.Check<any>
  readonly bad: ReadonlyArray<unknown>
  readonly good: ReadonlyArray<unknown>
}

const prefixed = (prefix: string): Rules.Check<string> => (s) => Rules.objectId(s) ?? Rules.prefixedId(prefix)(s)

export const refusals: ReadonlyArray<Refusal> = [
  {
    name: "Email",
    schema: S.Email,
    rule: Rules.email,
    bad: ["not-an-email", "ama@", "@example.com", "ama @example.com", "ama@example", ""],
    good: ["ama@example.com"]
  },
  {
    name: "E164Phone",
    schema: S.E164Phone,
    rule: Rules.e164Phone,
    bad: ["0244000000", "233244000000", "+0233244000", "+233 244 000000", "+23324400000000000", "+233-24"],
    good: ["+233244000000"]
  },
  { name: "CurrencyCode", schema: S.CurrencyCode, rule: Rules.currencyCode, bad: ["ghs", "GH", "GHSS", "G1S", "", "Ghs"], good: ["GHS", "USD"] },
  {
    name: "ObjectId",
    schema: S.ObjectId,
    rule: Rules.objectId,
    bad: ["", "a/b", "cus_1?x=1", "cus_1#frag", "cus 1", "cus\t1", "cus_1\n", ".", ".."],
    good: ["cus_a1b2c3"]
  },
  {
    name: "HttpUrl",
    schema: S.HttpUrl,
    rule: Rules.httpUrl,
    bad: ["/account", "account", "ftp://example.com/back", "javascript:alert(1)", "mailto:a@b.co", ""],
    good: ["https://shop.example.com/back", "http://shop.example"]
  },
  {
    name: "WebhookUrl",
    schema: S.WebhookUrl,
    rule: Rules.webhookUrl,
    bad: ["http://shop.example/hooks", "ftp://localhost/x", "/hooks", ""],
    good: ["https://shop.example/hooks", "http://localhost:3000/hooks", "http://127.0.0.1/h", "http://[::1]/h"]
  },
  { name: "PageLimit", schema: S.PageLimit, rule: Rules.pageLimit, bad: [0, 101, 1.5, -1, Number.NaN], good: [1, 100] },
  {
    name: "IdempotencyKey",
    schema: S.IdempotencyKey,
    rule: Rules.idempotencyKey,
    bad: ["k".repeat(256), "key\u0000", "key\nnext", "key\u007f", "ключ", "", " leading", "trailing "],
    good: ["order-1", "k".repeat(255)]
  },
  { name: "EventId", schema: S.EventId, rule: prefixed("evt_"), bad: ["evt_", "we_1", "evt_1/2", ""], good: ["evt_1"] },
  { name: "WebhookEndpointId", schema: S.WebhookEndpointId, rule: prefixed("we_"), bad: ["we_", "evt_1", "we 1"], good: ["we_1"] }
]
