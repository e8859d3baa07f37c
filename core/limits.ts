/**
 * How much of an answer the client reads (`maxResponseBytes`), with no Effect in it: the default,
 * the rule for a limit given, the failure's words, and the counting of a body as it arrives. Each
 * edition's request path reads its transport's stream through these, so both stop at the same byte
 * and say the same thing.
 */

/** 16 MiB: far above any Xtopay answer (a page of 100 customers is tens of kB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024

/** A response size limit: a whole number of bytes ≥ 1. */
export const isMaxResponseBytes = (value: number): boolean => Number.isSafeInteger(value) && value >= 1

/** The `UnexpectedResponse` message (reason `ResponseTooLarge`) for `where`'s answer past `limit`. */
export const responseTooLargeMessage = (where: string, limit: number): string =>
  `Xtopay's answer to ${where} is larger than maxResponseBytes (${limit} bytes); it was not read further`

/**
 * Does a `Content-Length` promise a body within `limit`? Then the transport's own whole-body read
 * is safe (it holds the body to that length); without one, or past the limit, count the stream.
 */
export const declaredWithin = (contentLength: string | undefined, limit: number): boolean =>
  contentLength !== undefined && /^\d+$/.test(contentLength) && Number(contentLength) <= limit

/** A body counted as it arrives: `add` refuses the chunk that crosses the limit, `text` decodes what was kept. */
export interface BoundedBody {
  /** Keeps `chunk`; `false` (keeping nothing more) once the body would pass the limit. */
  readonly add: (chunk: Uint8Array) => boolean
  readonly text: () => string
}

/** A `BoundedBody` of at most `limit` bytes. */
export const boundedBody = (limit: number): BoundedBody => {
  const chunks: Array<Uint8Array> = []
  let size = 0
  return {
    add: (chunk) => {
      if (size + chunk.length > limit) return false
      size += chunk.length
      chunks.push(chunk)
      return true
    },
    text: () => {
      const bytes = new Uint8Array(size)
      let offset = 0
      for (const chunk of chunks) {
        bytes.set(chunk, offset)
        offset += chunk.length
      }
      return new TextDecoder().decode(bytes)
    }
  }
}
