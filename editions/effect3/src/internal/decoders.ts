/**
 * The response decoders: each response schema of `Schemas.ts`, compiled (`compile.ts`) into a
 * plain function, with the schema itself behind it. A value the compiled decoder does not accept
 * is decoded by the schema, which gives the real result or the real error. Streaming 100k
 * customers decodes ≈ 1.3× faster than with plain Schema decoding (docs/performance.md, the
 * "decode" rows); a property test holds the two to the same result.
 */
import { Either, ParseResult, Schema } from "effect"
import { compile, MISMATCH } from "./compile.js"

/** Decodes an answer's parsed JSON. */
export type Decoder<A> = (u: unknown) => Either.Either<A, ParseResult.ParseError>

/** `schema`'s decoder: compiled from its AST when it compiles, Schema's own behind it. */
const makeDecoder = <A>(schema: Schema.Schema<A, any>): Decoder<A> => {
  const decode = Schema.decodeUnknownEither(schema)
  // JSON nested thousands deep can overflow Schema's decoding (a union reads a discriminant with `String()`).
  const slow: Decoder<A> = (u) => {
    try {
      return decode(u)
    } catch (error) {
      if (!(error instanceof RangeError)) throw error
      return Either.left(
        new ParseResult.ParseError({ issue: new ParseResult.Type(schema.ast, undefined, "nests deeper than the client reads") })
      )
    }
  }
  const fast = compile<A>(schema.ast)
  if (fast === undefined) return slow
  return (u) => {
    const result = fast(u)
    return result !== MISMATCH ? Either.right(result) : slow(u)
  }
}

const decoders = new WeakMap<Schema.Schema<any, any>, Decoder<any>>()

/** The decoder of a response schema, made once per schema. */
export const decoderFor = <A>(schema: Schema.Schema<A, any>): Decoder<A> => {
  let decoder = decoders.get(schema)
  if (decoder === undefined) {
    decoder = makeDecoder(schema)
    decoders.set(schema, decoder)
  }
  return decoder
}
