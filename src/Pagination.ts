/**
 * The cursor walk: pages of a list, as a lazy `Stream` of their items.
 *
 * @since 0.1.0
 */
import { Effect, Option, Stream } from "effect"
import type { Page } from "./Schemas.js"
import { UnexpectedResponse } from "./XtopayError.js"

/**
 * Walks a list from `after` (or its start) with `after = next_cursor`, until `has_more` is false
 * or `next_cursor` is null. Lazy: page N+1 is fetched only when the consumer pulls past page N,
 * unless `prefetch` asks for up to that many pages to be fetched ahead, in order. Empty pages are
 * walked through. Only one page (plus the prefetched ones) is held at a time.
 *
 * @since 0.1.0
 */
export const paginate = <A, E, R>(
  fetchPage: (after: string | undefined) => Effect.Effect<Page<A>, E, R>,
  options: { readonly after?: string | undefined; readonly prefetch?: number | undefined } = {}
): Stream.Stream<A, E | UnexpectedResponse, R> => {
  const pages = Stream.paginateEffect(options.after, (after: string | undefined) =>
    Effect.flatMap(fetchPage(after), (page) => {
      const next = page.pagination.has_more ? page.pagination.next_cursor : null
      if (next !== null && next === after) {
        // A cursor that does not move would walk the same page forever.
        return new UnexpectedResponse({ message: `The list cursor did not advance past ${after}` })
      }
      return Effect.succeed([page.data, next === null ? Option.none() : Option.some(next)] as const)
    }))
  const prefetch = options.prefetch ?? 0
  const buffered = prefetch > 0 ? Stream.buffer(pages, { capacity: prefetch }) : pages
  return Stream.flattenIterables(buffered)
}
