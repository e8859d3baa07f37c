/**
 * The edition's schemas as the plain functions core's fake takes: `decode` checks a body or query
 * against an operation's shape and hands back its wire form; `checks` judge seed data and keys.
 */
import type { ShapeName } from "#core/api.js"
import type { Decode, Decoded } from "#core/fake/decode.js"
import type { Checks } from "#core/fake/seed.js"
import { Result, Schema } from "effect"
import { shapes } from "../../internal/endpoints.js"
import { firstIssue } from "../../internal/issues.js"
import { CurrencyCode, E164Phone, Email, IdempotencyKey, ObjectId } from "../../Schemas.js"

type Check = (input: unknown) => Decoded

/** A missing field "is missing", in the Effect 3 edition's words (Effect 4's formatter says "Missing key"): one behaviour. */
const invalid = (error: Schema.SchemaError): Decoded => {
  const issue = firstIssue(error)
  return { _tag: "Invalid", ...issue, message: issue.missing ? "is missing" : issue.message }
}

/** Decodes, then encodes what was decoded: the fake keeps wire JSON, normalised as the schema reads it. */
const checkWith = (schema: Schema.Codec<any, any>): Check => {
  const decode = Schema.decodeUnknownResult(schema, { errors: "first" })
  const encode = Schema.encodeResult(schema)
  return (input) => {
    const decoded = decode(input)
    if (Result.isFailure(decoded)) return invalid(decoded.failure)
    const encoded = encode(decoded.success)
    return Result.isFailure(encoded) ? invalid(encoded.failure) : { _tag: "Valid", value: encoded.success }
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
  metadata: Schema.is(Schema.Record(Schema.String, Schema.String)),
  objectId: Schema.is(ObjectId),
  idempotencyKey: Schema.is(IdempotencyKey)
}
