/**
 * A fast decoder compiled from a schema's AST, for the exact wire shapes in `decoders.ts`.
 *
 * Effect Schema's interpreter is general: it can report every issue, run effects and handle any
 * schema. The exact wire shapes need none of that. Every field is required, the values are
 * strings, numbers, booleans, null, arrays, string records and timestamps. For those, this module
 * walks the AST once and builds plain closures that check and copy a value in one pass.
 *
 * A compiled decoder answers `MISMATCH` whenever the value is not exactly the shape. The caller
 * then falls back to the schema itself, which gives the real result or the real error message.
 * The decoder never gives a value the schema would not. `compile` returns `undefined` for an AST
 * it does not know (a refinement, an optional field, a suspended schema, …), so a new field of an
 * unsupported kind slows decoding down but cannot change what it gives.
 *
 * It decodes in place: the value it is given (fresh from `JSON.parse`, owned by the caller) becomes
 * the result, with only the transformed fields (timestamps) replaced. A copy allocates every object
 * of an answer a second time; in place, a walk of 100k customers over `XtopayNode` measured about
 * 8% less CPU. An object with a key the shape does not name is copied instead (the schema drops that
 * key), and so is one that is not a plain object. On a mismatch every replaced field is put back, so
 * the schema sees the value as it came.
 */
import type { Schema, SchemaAST as AST } from "effect"

/** What a compiled decoder gives for a value that is not exactly the shape. */
export const MISMATCH: unique symbol = Symbol.for("effect-xtopay/internal/compile/MISMATCH")

/** Checks `u` and replaces what it transforms, in place (through `replace`); the decoded value, or `MISMATCH`. */
type Step = (u: unknown) => unknown

/**
 * The fields replaced since the current decode began, to put back on a mismatch. One log for the
 * module: a decode is synchronous, so two never interleave.
 */
const replaced: Array<unknown> = []

/** Sets `container[key] = value`, noting what was there. */
const replace = (container: Record<PropertyKey, unknown>, key: PropertyKey, before: unknown, value: unknown) => {
  replaced.push(container, key, before)
  container[key] = value
}

/** Puts back what `replace` changed, newest first. */
const restore = () => {
  for (let i = replaced.length - 3; i >= 0; i -= 3) {
    ;(replaced[i] as Record<PropertyKey, unknown>)[replaced[i + 1] as PropertyKey] = replaced[i + 2]
  }
  replaced.length = 0
}

/** An object as `JSON.parse` makes them, which can become its own result. */
const isPlain = (u: Record<string, unknown>): boolean => Object.getPrototypeOf(u) === Object.prototype

/** How many own enumerable keys a plain object has, without making their array. */
const keyCount = (u: Record<string, unknown>): number => {
  let count = 0
  for (const key in u) if (Object.hasOwn(u, key)) count++
  return count
}

/** A transformation the compiler may run itself: the schema's AST, and its decode as a plain function. */
export interface KnownTransformation {
  readonly ast: AST.AST
  /** The decoded value, or `MISMATCH`. */
  readonly decode: (u: unknown) => unknown
}

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
        for (let i = 0; i < u.length; i++) {
          const input: unknown = u[i]
          const value = item(input)
          if (value === MISMATCH) return MISMATCH
          if (value !== input) replace(u as unknown as Record<number, unknown>, i, input, value)
        }
        return u
      }
    }
    case "TypeLiteral":
      return compileTypeLiteral(ast, known)
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
      const inPlace = isPlain(u)
      const out: Record<string, unknown> = inPlace ? u : {}
      for (const key of Object.keys(u)) {
        // Leave the odd key to the schema rather than set a prototype by accident.
        if (key === "__proto__") return MISMATCH
        const input = u[key]
        const decoded = value(input)
        if (decoded === MISMATCH) return MISMATCH
        if (!inPlace) out[key] = decoded
        else if (decoded !== input) replace(u, key, input, decoded)
      }
      return out
    }
  }
  const names: Array<string> = []
  const steps: Array<Step> = []
  for (const property of ast.propertySignatures) {
    if (property.isOptional || typeof property.name !== "string") return undefined
    const step = compileAst(property.type, known)
    if (step === undefined) return undefined
    names.push(property.name)
    steps.push(step)
  }
  return (u) => {
    if (!isRecord(u)) return MISMATCH
    // In place when the object has exactly the shape's keys; else a copy of those (the schema drops the rest).
    const inPlace = isPlain(u) && keyCount(u) === names.length
    const out: Record<string, unknown> = inPlace ? u : {}
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      // A missing key is not `undefined`: the schema requires the key itself.
      if (!Object.hasOwn(u, name)) return MISMATCH
      const input = u[name]
      const value = steps[i]!(input)
      if (value === MISMATCH) return MISMATCH
      if (!inPlace) out[name] = value
      else if (value !== input) replace(u, name, input, value)
    }
    return out
  }
}

/**
 * The compiled decoder of `schema`, or `undefined` when its AST has a kind this module does not
 * compile. `known` lists transformations (by AST) the compiler may run as plain functions. The
 * decoder takes a value the caller owns and may change it: the result is that value decoded in
 * place; on `MISMATCH` it is as it was.
 */
export const compile = <A>(
  schema: Schema.Schema<A, any>,
  known: ReadonlyArray<KnownTransformation> = []
): ((u: unknown) => A | typeof MISMATCH) | undefined => {
  const step = compileAst(schema.ast, known)
  if (step === undefined) return undefined
  return (u) => {
    const result = step(u)
    if (result === MISMATCH) restore()
    // Cleared either way: the log must not keep a decoded page alive.
    else replaced.length = 0
    return result as A | typeof MISMATCH
  }
}
