/**
 * Authentication of the in-memory Xtopay: HTTP Basic with test-mode credentials. Any
 * `cid_test_…` id with a `csk_test_…` secret is an account; the first secret an id is used with
 * becomes its secret.
 */

export interface Credentials {
  readonly clientId: string
  readonly secret: string
}

/** Why a request was refused. */
export type AuthFailure =
  | { readonly status: 401; readonly code: "credentials_missing" | "invalid_credentials"; readonly message: string }
  | { readonly status: 403; readonly code: "environment_mismatch"; readonly message: string }

const decodeBase64Utf8 = (encoded: string): string | undefined => {
  try {
    const binary = atob(encoded)
    const bytes = new Uint8Array(binary.length)
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    return undefined
  }
}

/** The id and secret of an `Authorization: Basic …` header, or `undefined` when it is not one. */
export const parseBasic = (header: string | undefined): Credentials | undefined => {
  const match = header === undefined ? null : /^basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header)
  if (match === null) return undefined
  const decoded = decodeBase64Utf8(match[1]!)
  const colon = decoded?.indexOf(":") ?? -1
  if (decoded === undefined || colon < 0) return undefined
  return { clientId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

const TEST_ID = "cid_test_"
const TEST_SECRET = "csk_test_"

/** Checks the header's form and environment; the secret binding is the caller's (it owns the accounts). */
export const checkCredentials = (header: string | undefined): Credentials | AuthFailure => {
  if (header === undefined || header.trim() === "") {
    return {
      status: 401,
      code: "credentials_missing",
      message: "No credentials were sent: use HTTP Basic auth with your client id and client secret"
    }
  }
  const credentials = parseBasic(header)
  if (credentials === undefined) {
    return {
      status: 401,
      code: "invalid_credentials",
      message: "The Authorization header is not HTTP Basic auth of `client_id:client_secret`"
    }
  }
  const { clientId, secret } = credentials
  if (clientId.startsWith("cid_live_") || secret.startsWith("csk_live_")) {
    return {
      status: 403,
      code: "environment_mismatch",
      message: "Live credentials were sent to a test-mode Xtopay: use cid_test_… and csk_test_… credentials"
    }
  }
  if (
    !clientId.startsWith(TEST_ID) || clientId.length === TEST_ID.length ||
    !secret.startsWith(TEST_SECRET) || secret.length === TEST_SECRET.length
  ) {
    return { status: 401, code: "invalid_credentials", message: "Invalid client id or client secret" }
  }
  return credentials
}

export const isAuthFailure = (result: Credentials | AuthFailure): result is AuthFailure => "status" in result
