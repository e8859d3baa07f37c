/**
 * The edition's schemas as the plain functions core's fake takes: `decode` checks a body or query
 * against an operation's shape and hands back its wire form; `checks` judge seed data and keys.
 */
import type { Decode, Decoded } from "#core/fake/decode.js"
import type { Checks } from "#core/fake/seed.js"
import type { ShapeName } from "#core/api.js"
import { Either, ParseResult, Schema } from "effect"
import { shapes } from "../../internal/endpoints.js"
import { CurrencyCode, E164Phone, Email, IdempotencyKey, ObjectId } from "../../Schemas.js"

type Check = (input: unknown) => Decoded

const invalid = (error: ParseResult.ParseError): Decoded => {
  const [issue] = ParseResult.ArrayFormatter.formatErrorSync(error)
  if (issue === undefined) return { _tag: "Invalid", path: [], message: "Invalid request parameters", missing: false }
  return { _tag: "Invalid", path: issue.path.map(String), message: issue.message, missing: issue._tag === "Missing" }
}

/** Decodes, then encodes what was decoded: the fake keeps wire JSON, normalised as the schema reads it. */
const checkWith = (schema: Schema.Schema<any, any>): Check => {
  const decode = Schema.decodeUnknownEither(schema, { errors: "first" })
  const encode = Schema.encodeEither(schema)
  return (input) => {
    const decoded = decode(input)
    if (Either.isLeft(decoded)) return invalid(decoded.left)
    const encoded = encode(decoded.right)
    return Either.isLeft(encoded) ? invalid(encoded.left) : { _tag: "Valid", value: encoded.right }
  }
}

const byShape = new Map<ShapeName, Check>()

/** Checks input against the schema of `shape` (each shape's decoder made once). */
export const decode: Decode = (shape, input) => {
  let check = byShape.get(shape)
  if (check === undefined) {
    check = checkWith(shapes[shape])
    byShape.set(shape, check)
  }
  return check(input)
}

export const checks: Checks = {
  email: Schema.is(Email),
  phone: Schema.is(E164Phone),
  currency: Schema.is(CurrencyCode),
  // Only that values are strings: core's metadataProblem judges the keys, naming the one it refuses.
  metadata: Schema.is(Schema.Record({ key: Schema.String, value: Schema.String })),
  objectId: Schema.is(ObjectId),
  idempotencyKey: Schema.is(IdempotencyKey)
}
