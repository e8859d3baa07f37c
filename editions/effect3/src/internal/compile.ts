/**
 * A fast decoder compiled from a public schema's AST: the response schemas of `Schemas.ts`, walked
 * once, become plain closures that check and copy a value in one pass. The schema stays the one
 * description of the shape: a field added to it is decoded here too.
 *
 * Effect Schema's interpreter is general: it can report every issue, run effects and handle any
 * schema. Decoding an answer that fits needs none of that. A compiled decoder answers `MISMATCH`
 * whenever the value does not fit, and the caller then decodes it with the schema itself, which
 * gives the real result or the real error message; so it never gives a value the schema would
 * not. `compile` returns `undefined` for an AST with a kind it does not know (a suspended schema,
 * a declaration outside a transformation, …): that schema then always decodes with Schema.
 *
 * What it runs of the schema: its checks (keywords, literals, unions, arrays, records, structs with
 * required and optional fields, refinements' filters), its struct transformations (the defaults of
 * `optionalWith`) and its plain transformations (`Timestamp`'s decode), each through the schema's
 * own functions.
 */
import { Either, Option, type SchemaAST as AST } from "effect"

/** What a compiled decoder gives for a value that does not fit the schema. */
export const MISMATCH: unique symbol = Symbol.for("effect-xtopay/internal/compile/MISMATCH")

/** Checks `u` and gives its decoded copy, or `MISMATCH`. */
type Step = (u: unknown) => unknown

const PARSE_OPTIONS: AST.ParseOptions = {}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const isNullLiteral = (ast: AST.AST) => ast._tag === "Literal" && ast.literal === null

/** The value of a schema function's `Either` result, or `MISMATCH` (a failure, or an effect a plain call cannot run). */
const valueOf = (result: unknown): unknown => {
  if (!Either.isEither(result)) return MISMATCH
  return Either.isRight(result) ? result.right : MISMATCH
}

const compileAst = (ast: AST.AST): Step | undefined => {
  switch (ast._tag) {
    case "StringKeyword":
      return (u) => typeof u === "string" ? u : MISMATCH
    case "NumberKeyword":
      return (u) => typeof u === "number" && !Number.isNaN(u) ? u : MISMATCH
    case "BooleanKeyword":
      return (u) => typeof u === "boolean" ? u : MISMATCH
    case "UndefinedKeyword":
      return (u) => u === undefined ? u : MISMATCH
    case "UnknownKeyword":
    case "AnyKeyword":
      return (u) => u
    case "Literal": {
      const literal = ast.literal
      return (u) => u === literal ? u : MISMATCH
    }
    case "Union":
      return compileUnion(ast)
    case "TupleType":
      return compileArray(ast)
    case "TypeLiteral":
      return compileTypeLiteral(ast)
    case "Refinement":
      return compileRefinement(ast)
    case "Transformation":
      return compileTransformation(ast)
    default:
      return undefined
  }
}

const compileUnion = (ast: AST.Union): Step | undefined => {
  const members: Array<Step> = []
  for (const member of ast.types) {
    const step = compileAst(member)
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

/** Only `Schema.Array(item)`: no fixed elements, one rest element. */
const compileArray = (ast: AST.TupleType): Step | undefined => {
  if (ast.elements.length !== 0 || ast.rest.length !== 1) return undefined
  const item = compileAst(ast.rest[0]!.type)
  if (item === undefined) return undefined
  return (u) => {
    if (!Array.isArray(u)) return MISMATCH
    const out = new Array<unknown>(u.length)
    for (let i = 0; i < u.length; i++) {
      const value = item(u[i])
      if (value === MISMATCH) return MISMATCH
      out[i] = value
    }
    return out
  }
}

const compileTypeLiteral = (ast: AST.TypeLiteral): Step | undefined => {
  if (ast.propertySignatures.length > 0 && ast.indexSignatures.length > 0) return undefined
  if (ast.indexSignatures.length > 0) {
    // Only `Schema.Record({ key, value })` with string keys, refined or not (`Metadata`'s refuse `__proto__`).
    if (ast.indexSignatures.length !== 1) return undefined
    const signature = ast.indexSignatures[0]!
    const parameter = signature.parameter
    const stringKeys = parameter._tag === "StringKeyword" || (parameter._tag === "Refinement" && parameter.from._tag === "StringKeyword")
    const keyCheck = stringKeys ? compileAst(parameter) : undefined
    if (keyCheck === undefined) return undefined
    const value = compileAst(signature.type)
    if (value === undefined) return undefined
    return (u) => {
      if (!isRecord(u)) return MISMATCH
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(u)) {
        // Leave the odd key to the schema rather than set a prototype by accident; a refused key too,
        // which the schema may skip or refuse (its parse options say which).
        if (key === "__proto__" || keyCheck(key) === MISMATCH) return MISMATCH
        const decoded = value(u[key])
        if (decoded === MISMATCH) return MISMATCH
        out[key] = decoded
      }
      return out
    }
  }
  const names: Array<string> = []
  const optional: Array<boolean> = []
  const steps: Array<Step> = []
  for (const property of ast.propertySignatures) {
    if (typeof property.name !== "string" || property.name === "__proto__") return undefined
    const step = compileAst(property.type)
    if (step === undefined) return undefined
    names.push(property.name)
    optional.push(property.isOptional)
    steps.push(step)
  }
  return (u) => {
    if (!isRecord(u)) return MISMATCH
    // Only the shape's keys, in its order: the schema drops the rest.
    const out: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      if (!Object.hasOwn(u, name)) {
        // A missing key is not `undefined`: a required field needs the key itself.
        if (optional[i]) continue
        return MISMATCH
      }
      const value = steps[i]!(u[name])
      if (value === MISMATCH) return MISMATCH
      out[name] = value
    }
    return out
  }
}

const compileRefinement = (ast: AST.Refinement): Step | undefined => {
  const from = compileAst(ast.from)
  if (from === undefined) return undefined
  return (u) => {
    const value = from(u)
    if (value === MISMATCH) return MISMATCH
    return Option.isNone(ast.filter(value, PARSE_OPTIONS, ast)) ? value : MISMATCH
  }
}

const compileTransformation = (ast: AST.Transformation): Step | undefined => {
  const from = compileAst(ast.from)
  if (from === undefined) return undefined
  const transformation = ast.transformation
  switch (transformation._tag) {
    case "FinalTransformation": {
      // The type side is what the schema's own decode makes (a `DateTime.Utc` for `Timestamp`): a
      // declaration there is the decode's promise, anything else is checked as the schema does.
      const to = ast.to._tag === "Declaration" ? (u: unknown) => u : compileAst(ast.to)
      if (to === undefined) return undefined
      return (u) => {
        const input = from(u)
        if (input === MISMATCH) return MISMATCH
        const output = valueOf(transformation.decode(input, PARSE_OPTIONS, ast, u))
        return output === MISMATCH ? MISMATCH : to(output)
      }
    }
    case "TypeLiteralTransformation": {
      // A struct's property transformations (`optionalWith`'s defaults): each runs on the key's
      // `Option`, as the schema runs it. The type side holds no more checks than the fields'.
      const fields = transformation.propertySignatureTransformations
      return (u) => {
        const input = from(u)
        if (input === MISMATCH) return MISMATCH
        const out = input as Record<PropertyKey, unknown>
        for (const field of fields) {
          const given: Option.Option<unknown> = Object.hasOwn(out, field.from) ? Option.some(out[field.from]) : Option.none()
          if (field.from !== field.to) delete out[field.from]
          const decoded = field.decode(given)
          if (Option.isSome(decoded)) out[field.to] = decoded.value
          else delete out[field.to]
        }
        return out
      }
    }
    default:
      return undefined
  }
}

/**
 * The compiled decoder of `ast`, or `undefined` when it has a kind this module does not compile.
 * The decoder gives a new value (it never changes the one it is given), or `MISMATCH`.
 */
export const compile = <A>(ast: AST.AST): ((u: unknown) => A | typeof MISMATCH) | undefined =>
  compileAst(ast) as ((u: unknown) => A | typeof MISMATCH) | undefined
