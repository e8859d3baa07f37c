/**
 * Records kept sorted by (`created_at`, id), and the cursor pages over them: a page is found by
 * binary search, so listing costs O(log n + limit) however many records an account holds.
 */
import { encodeCursor } from "./cursor.js"

/** What a sorted record is ordered by. `created_at` never changes, so neither does a record's place. */
export interface Keyed {
  readonly id: string
  readonly millis: number
}

const compareKeys = (a: Keyed, b: Keyed): number =>
  a.millis !== b.millis ? a.millis - b.millis : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/**
 * A position between records: just below the record with this key (`above: false`), or just
 * above it. A cursor names a position, not a record, so inserting or deleting records never makes
 * a walk skip or repeat one.
 */
export interface Boundary extends Keyed {
  readonly above: boolean
}

/** Records in ascending key order; the newest is last. */
export class SortedIndex<A extends Keyed> {
  private items: Array<A> = []

  get size(): number {
    return this.items.length
  }

  get(index: number): A | undefined {
    return this.items[index]
  }

  /** O(1) when `item` is the newest (the usual case), a binary search and a shift otherwise. */
  insert(item: A): void {
    const items = this.items
    const last = items[items.length - 1]
    if (last === undefined || compareKeys(last, item) < 0) {
      items.push(item)
      return
    }
    items.splice(this.countBelow({ id: item.id, millis: item.millis, above: false }), 0, item)
  }

  /** Inserts records given in ascending order: appended when they are all newer, merged otherwise. */
  insertMany(batch: ReadonlyArray<A>): void {
    const items = this.items
    const first = batch[0]
    if (first === undefined) return
    const last = items[items.length - 1]
    if (last === undefined || compareKeys(last, first) < 0) {
      for (let i = 0; i < batch.length; i++) items.push(batch[i]!)
      return
    }
    const merged: Array<A> = new Array(items.length + batch.length)
    let i = 0
    let j = 0
    for (let k = 0; k < merged.length; k++) {
      merged[k] = j >= batch.length || (i < items.length && compareKeys(items[i]!, batch[j]!) < 0) ? items[i++]! : batch[j++]!
    }
    this.items = merged
  }

  remove(item: A): boolean {
    const at = this.countBelow({ id: item.id, millis: item.millis, above: false })
    if (this.items[at] !== item) return false
    this.items.splice(at, 1)
    return true
  }

  /** How many records sort below `boundary`. */
  countBelow(boundary: Boundary): number {
    const items = this.items
    let low = 0
    let high = items.length
    while (low < high) {
      const mid = (low + high) >>> 1
      const c = compareKeys(items[mid]!, boundary)
      if (c < 0 || (c === 0 && boundary.above)) low = mid + 1
      else high = mid
    }
    return low
  }
}

/** Which page to read: `limit` records after (older than) or before (newer than) a position. */
export interface PageQuery {
  readonly limit: number
  readonly after?: Boundary | undefined
  readonly before?: Boundary | undefined
}

export interface PageOf<A> {
  /** Newest first. */
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
  readonly previousCursor: string | null
  readonly totalCount: number
}

/** One page, newest first. `nextCursor` is null when nothing older is left; `previousCursor` when nothing newer. */
export const readPage = <A extends Keyed>(index: SortedIndex<A> | undefined, query: PageQuery): PageOf<A> => {
  const total = index?.size ?? 0
  if (index === undefined || total === 0) return { items: [], nextCursor: null, previousCursor: null, totalCount: 0 }
  // [from, to) is the slice of the ascending array the page shows, reversed.
  let from: number
  let to: number
  if (query.before !== undefined) {
    from = index.countBelow(query.before)
    to = Math.min(total, from + query.limit)
  } else {
    to = query.after !== undefined ? index.countBelow(query.after) : total
    from = Math.max(0, to - query.limit)
  }
  const items: Array<A> = []
  for (let i = to - 1; i >= from; i--) items.push(index.get(i)!)
  const oldest = index.get(from)
  const newest = index.get(to - 1)
  const emptyAt = query.before ?? query.after
  const nextCursor = from === 0
    ? null
    : encodeCursor(items.length > 0 && oldest !== undefined ? { id: oldest.id, millis: oldest.millis, above: false } : emptyAt!)
  const previousCursor = to === total
    ? null
    : encodeCursor(items.length > 0 && newest !== undefined ? { id: newest.id, millis: newest.millis, above: true } : emptyAt!)
  return { items, nextCursor, previousCursor, totalCount: total }
}
