/**
 * The baseline side of every comparison, with no Effect in it: hand-written `fetch` +
 * `JSON.parse` sending the requests the client sends, with the same headers, and the hand-written
 * cursor loop over `GET /customers`. Both editions measure against these same lines.
 */

/** The mock server's default test account (`xtopay-mock` seeds it). */
export const CLIENT_ID = "cid_test_default"
export const CLIENT_SECRET = "csk_test_default"

/** The headers the client sends on every request. */
export const HEADERS = {
  authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")}`,
  accept: "application/json",
  "user-agent": "effect-xtopay-bench"
}

/** Points `XtopayLive` and `XtopayNode` (which read the environment, as in production) at `baseUrl`. */
export const useEnvironment = (baseUrl: string) => {
  process.env["XTOPAY_CLIENT_ID"] = CLIENT_ID
  process.env["XTOPAY_CLIENT_SECRET"] = CLIENT_SECRET
  process.env["XTOPAY_BASE_URL"] = baseUrl
}

const readJson = async (response: Response): Promise<unknown> => {
  const text = await response.text()
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${text}`)
  return JSON.parse(text)
}

/** The baseline: one `fetch`, body read as text, `JSON.parse`. */
export const raw = {
  get: (url: string): Promise<unknown> => fetch(url, { headers: HEADERS }).then(readJson),
  post: (url: string, body: unknown, idempotencyKey: string): Promise<unknown> =>
    fetch(url, {
      method: "POST",
      headers: { ...HEADERS, "content-type": "application/json", "idempotency-key": idempotencyKey },
      body: JSON.stringify(body)
    }).then(readJson)
}

/** The body of call `i` of every create: a unique email, so the fake never sees the same customer twice. */
export const createParams = (i: number) => ({ email: `bench${i}@example.com`, name: "Bench Customer" })

/** The shape of a list page, as the baseline reads it (no schema). */
export interface RawPage {
  readonly data: ReadonlyArray<{ readonly id: string }>
  readonly pagination: { readonly has_more: boolean; readonly next_cursor: string | null }
}

/** The URL of one page of `GET /customers`. */
export const customersPageUrl = (baseUrl: string, limit: number, after: string | null): string =>
  `${baseUrl}/customers?limit=${limit}${after !== null ? `&after=${encodeURIComponent(after)}` : ""}`

/** The id of the first customer the server lists (the one the retrieve scenarios ask for). */
export const firstCustomerId = async (baseUrl: string): Promise<string> =>
  ((await raw.get(customersPageUrl(baseUrl, 1, null))) as RawPage).data[0]!.id

/** The page size of every walk. */
export const WALK_LIMIT = 100

/** The hand-written loop (the streaming baseline): fetch a page, JSON.parse it, follow `next_cursor`. */
export const rawWalk = async (baseUrl: string, onItem: () => void, onPage?: () => Promise<void>) => {
  let after: string | null = null
  do {
    const page = (await raw.get(customersPageUrl(baseUrl, WALK_LIMIT, after))) as RawPage
    for (let i = 0; i < page.data.length; i++) onItem()
    if (onPage !== undefined) await onPage()
    after = page.pagination.has_more ? page.pagination.next_cursor : null
  } while (after !== null)
}

/** Resolves after `millis` (the consumer's work per page, awaited as a database write is). */
export const pause = (millis: number) => new Promise<void>((resolve) => setTimeout(resolve, millis))
