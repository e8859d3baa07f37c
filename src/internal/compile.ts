/**
 * A fast decoder compiled from a schema's AST: for the exact wire shapes in `decoders.ts`, and for
 * the request schemas that check users' input (`validate.ts`) and the in-memory Xtopay's input.
 *
 * Effect Schema's interpreter is general: it can report every issue, run effects and handle any
 * schema. These shapes need none of that. Their values are strings, numbers, booleans, null,
 * undefined, literals, arrays, string records, refinements (`Schema.filter`), optional fields and
 * timestamps. For those, this module walks the AST once and builds plain closures that check and
 * copy a value in one pass, following the interpreter's rules (own keys for optional fields, excess
 * keys dropped, the refinement's own filter).
 *
 * A compiled decoder answers `MISMATCH` whenever the value is not accepted. The caller then falls
 * back to the schema itself, which gives the real result or the real error message. The decoder
 * never gives a value the schema would not. `compile` returns `undefined` for an AST it does not
 * know (a transformation it was not told about, a default, a suspended schema, …), so a new field
 * of an unsupported kind slows decoding down but cannot change what it gives.
 */
import { Either, Option, type ParseResult, Schema, type SchemaAST as AST } from "effect"

/** What a compiled decoder gives for a value that is not exactly the shape. */
export const MISMATCH: unique symbol = Symbol.for("effect-xtopay/internal/compile/MISMATCH")

type Step = (u: unknown) => unknown

/** A transformation the compiler may run itself: the schema's AST, and its decode as a plain function. */
export interface KnownTransformation {
  readonly ast: AST.AST
  /** The decoded value, or `MISMATCH`. */
  readonly decode: (u: unknown) => unknown
}

const PARSE_OPTIONS: AST.ParseOptions = {}

const hasOwn = (u: object, key: string) => Object.prototype.hasOwnProperty.call(u, key)

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === "object" && u !== null && !Array.isArray(u)

const isNullLiteral = (ast: AST.AST) => ast._tag === "Literal" && ast.literal === null

const compileAst = (ast: AST.AST, known: ReadonlyArray<KnownTransformation>): Step | undefined => {
  const transformation = known.find((entry) => entry.ast === ast)
  if (transformation !== undefined) return transformation.decode
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string" ? u : MISMATCH
    case "NumberKeyword":
      return (u) => typeof u === "number" ? u : MISMATCH
    case "BooleanKeyword":
      return (u) => typeof u === "boolean" ? u : MISMATCH
    case "UndefinedKeyword":
      return (u) => u === undefined ? u : MISMATCH
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal ? u : MISMATCH
    }
    case "Union": {
      const members: Array<Step> = []
      for (const member of ast.types) {
        const step = compileAst(member, known)
        if (step === undefined) return undefined
        members.push(step)
      }
      // `NullOr(x)`, the common case, without the loop.
      if (members.length === 2 && isNullLiteral(ast.types[1]!)) {
        const first = members[0]!
        return (u) => u === null ? null : first(u)
      }
      return (u) => {
        for (const member of members) {
          const out = member(u)
          if (out !== MISMATCH) return out
        }
        return MISMATCH
      }
    }
    case "TupleType": {
      // Only `Schema.Array(item)`: no fixed elements, one rest element.
      if (ast.elements.length !== 0 || ast.rest.length !== 1) return undefined
      const item = compileAst(ast.rest[0]!.type, known)
      if (item === undefined) return undefined
      return (u) => {
        if (!Array.isArray(u)) return MISMATCH
        const out = new Array(u.length)
        for (let i = 0; i < u.length; i++) {
          const value = item(u[i])
          if (value === MISMATCH) return MISMATCH
          out[i] = value
        }
        return out
      }
    }
    case "TypeLiteral":
      return compileTypeLiteral(ast, known)
    case "Refinement": {
      // The refinement's own check (`Schema.filter`), on what its base decoded to.
      const from = compileAst(ast.from, known)
      if (from === undefined) return undefined
      return (u) => {
        const value = from(u)
        return value !== MISMATCH && Option.isNone(ast.filter(value, PARSE_OPTIONS, ast)) ? value : MISMATCH
      }
    }
    default:
      return undefined
  }
}

const compileTypeLiteral = (ast: AST.TypeLiteral, known: ReadonlyArray<KnownTransformation>): Step | undefined => {
  if (ast.propertySignatures.length > 0 && ast.indexSignatures.length > 0) return undefined
  if (ast.indexSignatures.length > 0) {
    // Only `Schema.Record({ key: Schema.String, value })`.
    if (ast.indexSignatures.length !== 1) return undefined
    const signature = ast.indexSignatures[0]!
    if (signature.parameter._tag !== "StringKeyword") return undefined
    const value = compileAst(signature.type, known)
    if (value === undefined) return undefined
    return (u) => {
      if (!isRecord(u)) return MISMATCH
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(u)) {
        // Leave the odd key to the schema rather than set a prototype by accident.
        if (key === "__proto__") return MISMATCH
        const decoded = value(u[key])
        if (decoded === MISMATCH) return MISMATCH
        out[key] = decoded
      }
      return out
    }
  }
  const names: Array<string> = []
  const steps: Array<Step> = []
  const optional: Array<boolean> = []
  for (const property of ast.propertySignatures) {
    if (typeof property.name !== "string") return undefined
    const step = compileAst(property.type, known)
    if (step === undefined) return undefined
    names.push(property.name)
    steps.push(step)
    optional.push(property.isOptional)
  }
  return (u) => {
    if (!isRecord(u)) return MISMATCH
    const out: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      // As the schema does: an optional field counts only as the value's own key.
      if (optional[i] && !hasOwn(u, name)) continue
      const input = u[name]
      // A missing required key is not `undefined`: leave it to the schema.
      if (input === undefined && !(name in u)) return MISMATCH
      const value = steps[i]!(input)
      if (value === MISMATCH) return MISMATCH
      out[name] = value
    }
    return out
  }
}

/**
 * The compiled decoder of `schema`, or `undefined` when its AST has a kind this module does not
 * compile. `known` lists transformations (by AST) the compiler may run as plain functions.
 */
export const compile = <A>(
  schema: Schema.Schema<A, any>,
  known: ReadonlyArray<KnownTransformation> = []
): ((u: unknown) => A | typeof MISMATCH) | undefined =>
  compileAst(schema.ast, known) as ((u: unknown) => A | typeof MISMATCH) | undefined

/**
 * `decode`, with `schema` compiled in front of it: a value the compiled decoder accepts is the
 * answer, anything else goes to `decode` (for its result or its error). Without a compiled decoder
 * (an AST this module does not know), `decode` alone. `schema` must never accept what `decode`
 * refuses, nor decode a value differently: the decoders' and validators' property tests hold them
 * to it.
 */
export const compiledFirst = <A>(
  schema: Schema.Schema<A, any>,
  decode: (u: unknown) => Either.Either<A, ParseResult.ParseError>,
  known: ReadonlyArray<KnownTransformation> = []
): (u: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const fast = compile(schema, known)
  if (fast === undefined) return decode
  return (u) => {
    const result = fast(u)
    return result !== MISMATCH ? Either.right(result) : decode(u)
  }
}

/**
 * `Schema.decodeUnknownEither(schema, options)`, compiled where the schema allows. For schemas
 * that are their own wire shape, as the request schemas are.
 */
export const decodeEither = <A, I>(
  schema: Schema.Schema<A, I>,
  options?: AST.ParseOptions
): (u: unknown) => Either.Either<A, ParseResult.ParseError> =>
  compiledFirst(schema, Schema.decodeUnknownEither(schema, options))
