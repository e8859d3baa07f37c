/**
 * The client's URL rules, shared by both editions: the base URL (https, plain http only to this
 * machine), loopback hosts, and the raw path `XtopayClient.request` takes. Each check answers a
 * message (or the normalised value); the edition wraps it in its own error type.
 */

const LOOPBACK_HOSTS = new Set(["localhost", "[::1]"])

/** This machine: `localhost`, `[::1]`, or any address in 127.0.0.0/8 (the URL parser has normalised the host). */
export const isLoopbackHost = (hostname: string): boolean =>
  LOOPBACK_HOSTS.has(hostname) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)

/** A base URL read: the normalised URL (no trailing `/`), or why it is refused. */
export type BaseUrlCheck =
  | { readonly _tag: "Valid"; readonly baseUrl: string }
  | { readonly _tag: "Invalid"; readonly message: string }

const refused = (message: string): BaseUrlCheck => ({ _tag: "Invalid", message })

/**
 * https everywhere, plain http only to this machine unless `allowInsecureHttp`; no credentials,
 * query or fragment in the URL.
 */
export const checkBaseUrl = (baseUrl: string, allowInsecureHttp: boolean): BaseUrlCheck => {
  if (!URL.canParse(baseUrl)) return refused(`Expected an absolute URL for the Xtopay base URL, got ${JSON.stringify(baseUrl)}`)
  const url = new URL(baseUrl)
  // Credentials in the URL would travel outside the Authorization header (and into span attributes).
  if (url.username !== "" || url.password !== "") {
    return refused("The Xtopay base URL must not hold credentials; pass clientId and clientSecret")
  }
  if (url.search !== "" || url.hash !== "") {
    return refused(`The Xtopay base URL must not have a query or fragment, got ${url.origin}${url.pathname}…`)
  }
  if (url.protocol === "https:" || (url.protocol === "http:" && (allowInsecureHttp || isLoopbackHost(url.hostname)))) {
    return { _tag: "Valid", baseUrl: `${url.origin}${url.pathname}`.replace(/\/+$/, "") }
  }
  return refused(
    "The Xtopay base URL must use https (plain http is allowed only for a loopback host: localhost, " +
      `127.0.0.0/8, ::1, or with allowInsecureHttp), got ${url.protocol}//${url.host}`
  )
}

/** Plain http to another machine: the one case `allowInsecureHttp` lets through; its host, else `undefined`. */
export const insecureHost = (baseUrl: string): string | undefined => {
  const url = new URL(baseUrl)
  return url.protocol === "http:" && !isLoopbackHost(url.hostname) ? url.host : undefined
}

/** A path under the base URL: `/`, then segments with no query, fragment, space, backslash, `.` or `..` (encoded or not). */
export const isRawPath = (path: string): boolean => {
  const segments = path.split("/").slice(1)
  return path.startsWith("/") && !path.startsWith("//") && !/[?#\s\\]/.test(path) &&
    segments.every((segment) => segment !== "." && segment !== ".." && !/%2e%2e|^%2e$/i.test(segment))
}
