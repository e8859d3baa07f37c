/**
 * The cursor walk: pages of a list, as a lazy `Stream` of their items.
 *
 * @since 1.0.0
 */
import { Effect, Option, Stream } from "effect"
import type { Page } from "./Schemas.js"
import { UnexpectedResponse } from "./XtopayError.js"

/**
 * Walks a list from `after` (or its start) with `after = next_cursor`, until `has_more` is false
 * or `next_cursor` is null. Lazy: page N+1 is fetched only when the consumer pulls past page N,
 * unless `prefetch` asks for up to that many pages to be fetched ahead, in order. Empty pages are
 * walked through; a cursor that comes back (no progress, or a cycle) fails with `UnexpectedResponse`.
 *
 * @since 1.0.0
 */
export const paginate = <A, E, R>(
  fetchPage: (after: string | undefined) => Effect.Effect<Page<A>, E, R>,
  options: { readonly after?: string | undefined; readonly prefetch?: number | undefined } = {}
): Stream.Stream<A, E | UnexpectedResponse, R> => {
  // Fresh per run, so the same stream can be run again.
  const pages = Stream.suspend(() => {
    // Brent's cycle check: compare each cursor with one saved at every power-of-two step, so a
    // walk that loops is caught in O(1) memory however long the list is.
    let saved = options.after
    let power = 1
    let steps = 0
    return Stream.paginate(options.after, (after: string | undefined) =>
      Effect.flatMap(fetchPage(after), (page) => {
        const next = page.pagination.has_more ? page.pagination.next_cursor : null
        if (next !== null && next === saved) {
          return Effect.fail(
            new UnexpectedResponse({
              message: `The list cursor did not advance: ${next} came back after ${after ?? "the first page"}`
            })
          )
        }
        if (next !== null && ++steps === power) {
          saved = next
          power *= 2
          steps = 0
        }
        return Effect.succeed([page.data, next === null ? Option.none<string>() : Option.some(next)] as const)
      }))
  })
  const prefetch = options.prefetch ?? 0
  // Each page is one array of the stream, so the buffer holds whole pages; its producer holds one
  // more while it waits to put it in, so capacity n - 1 is n pages ahead.
  return prefetch > 0 ? Stream.bufferArray(pages, { capacity: prefetch - 1 }) : pages
}
