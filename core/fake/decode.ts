/**
 * How the fake reads a request's body and query: the edition passes a `Decode` built from its
 * schemas (so the fake accepts exactly what the client's schemas describe), and the fake writes
 * its own 400 answers from what it reports.
 */
import type { ShapeName } from "../api.js"
import { errorAnswer } from "./answers.js"
import { decodeCursor } from "./cursor.js"
import { jsonDepthExceeds, MAX_JSON_DEPTH } from "../json.js"
import type { Boundary, PageQuery } from "./sortedIndex.js"
import type { WireAnswer, WireRequest } from "./wire.js"

/** What a schema said of an input: its value in wire form (decoded, then encoded again), or the first problem. */
export type Decoded =
  | { readonly _tag: "Valid"; readonly value: unknown }
  | {
    readonly _tag: "Invalid"
    /** Where the problem is, e.g. `["metadata", "plan"]`; empty for the whole input. */
    readonly path: ReadonlyArray<string>
    readonly message: string
    /** A required field is absent (`parameter_missing`), rather than wrong. */
    readonly missing: boolean
  }

/** Checks `input` against the edition's schema for `shape`. */
export type Decode = (shape: ShapeName, input: unknown) => Decoded

/** Either the value or the answer refusing the request. */
export type Read<A> = { readonly _tag: "Read"; readonly value: A } | { readonly _tag: "Refused"; readonly answer: WireAnswer }

const read = <A>(value: A): Read<A> => ({ _tag: "Read", value })
const refused = (answer: WireAnswer): Read<never> => ({ _tag: "Refused", answer })

/** A 400 naming the field: `parameter_missing`, `invalid_phone` or `parameter_invalid`, as the reference lists them. */
export const invalidAnswer = (failure: Extract<Decoded, { readonly _tag: "Invalid" }>): WireAnswer => {
  const field = failure.path.length > 0 ? failure.path[0]! : null
  const code = failure.missing ? "parameter_missing" : field === "phone" ? "invalid_phone" : "parameter_invalid"
  const message = failure.path.length > 0 ? `Invalid ${failure.path.join(".")}: ${failure.message}` : failure.message
  return errorAnswer(400, code, message, field)
}

/** The JSON body as an object: `""` is `{}`; anything else that is not a JSON object is `invalid_request`. */
export const jsonBody = (body: string): Read<unknown> => {
  if (body.trim() === "") return read({})
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return refused(errorAnswer(400, "invalid_request", "The request body is not valid JSON"))
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return refused(errorAnswer(400, "invalid_request", "The request body must be a JSON object"))
  }
  // Refused before any schema reads it: deep values are what overflow a decoder's stack.
  const deep = jsonDepthExceeds(parsed)
  return deep === undefined
    ? read(parsed)
    : refused(errorAnswer(400, "parameter_invalid", `Invalid ${deep}: nested more than ${MAX_JSON_DEPTH} levels deep`, deep))
}

const checked = <A>(decode: Decode, shape: ShapeName, input: unknown): Read<A> => {
  const decoded = decode(shape, input)
  return decoded._tag === "Valid" ? read(decoded.value as A) : refused(invalidAnswer(decoded))
}

/**
 * The body, checked against `shape`. A field the shape does not take is refused, not ignored, so a
 * typo (`"emial"`) is seen: what the schema kept is what it takes.
 */
export const readBody = <A>(decode: Decode, shape: ShapeName, request: WireRequest): Read<A> => {
  const body = jsonBody(request.body)
  if (body._tag === "Refused") return body
  const read = checked<A>(decode, shape, body.value)
  if (read._tag === "Refused") return read
  const taken = read.value as Record<string, unknown>
  const unknown = Object.keys(body.value as object).find((field) => !Object.hasOwn(taken, field))
  return unknown === undefined
    ? read
    : refused(errorAnswer(400, "parameter_unknown", `Unknown parameter ${unknown}: this operation does not take it`, unknown))
}

const NUMERIC = /^-?\d+(\.\d+)?$/

/** What every list query holds. */
export interface ListQuery {
  readonly limit?: number | undefined
  readonly after?: string | undefined
  readonly before?: string | undefined
}

/** The query as the list shape's input (the first value of each of `names`, `limit` a number when it reads as one), and the page it asks for. */
export const readQuery = <A extends ListQuery>(
  decode: Decode,
  shape: ShapeName,
  names: ReadonlyArray<string>,
  request: WireRequest
): Read<{ readonly params: A; readonly page: PageQuery }> => {
  const input: Record<string, unknown> = {}
  for (const name of names) {
    const value = request.query.get(name)
    if (value !== null) input[name] = name === "limit" && NUMERIC.test(value) ? Number(value) : value
  }
  const decoded = checked<A>(decode, shape, input)
  if (decoded._tag === "Refused") return decoded
  const params = decoded.value
  if (params.after !== undefined && params.before !== undefined) {
    return refused(errorAnswer(400, "parameter_invalid", "Give either after or before, not both", "before"))
  }
  let after: Boundary | undefined
  let before: Boundary | undefined
  if (params.after !== undefined && (after = decodeCursor(params.after)) === undefined) {
    return refused(errorAnswer(400, "parameter_invalid", `Invalid after: not a cursor of this list`, "after"))
  }
  if (params.before !== undefined && (before = decodeCursor(params.before)) === undefined) {
    return refused(errorAnswer(400, "parameter_invalid", `Invalid before: not a cursor of this list`, "before"))
  }
  return read({ params, page: { limit: params.limit ?? 20, after, before } })
}
