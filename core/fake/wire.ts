/**
 * What the in-memory Xtopay takes and gives, whoever reaches it: an edition's in-memory
 * `HttpClient` and its mock HTTP server both translate to and from these plain values.
 */

/** A request as it arrived. */
export interface WireRequest {
  readonly method: string
  /** The path below the base URL, e.g. `/customers/cus_a1b2c3` (still percent-encoded). */
  readonly path: string
  readonly query: URLSearchParams
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>
  /** The raw body text ("" when none). */
  readonly body: string
}

/**
 * What to do with a request.
 *
 * - `Answer`: a complete HTTP answer.
 * - `Drop`: the connection fails. `when: "before-headers"` resets it before any answer;
 *   `"mid-body"` sends the headers of `answer` and part of its body, then resets.
 * - `Stall`: sends the headers of `answer` and part of its body, then sends nothing more
 *   (until the client gives up).
 */
export type WireOutcome =
  | { readonly _tag: "Answer"; readonly status: number; readonly headers: Readonly<Record<string, string>>; readonly body: string }
  | { readonly _tag: "Drop"; readonly when: "before-headers" | "mid-body"; readonly answer?: WireAnswer | undefined }
  | { readonly _tag: "Stall"; readonly answer: WireAnswer }

/** A complete answer. */
export type WireAnswer = Extract<WireOutcome, { readonly _tag: "Answer" }>
