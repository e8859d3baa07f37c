/**
 * The links a setup intent and a portal session hand out, and what each token leads to. In memory
 * they point at Xtopay's own hosts; the mock server points them at itself (`useOrigin`), where
 * `pages.ts` serves them.
 */
import type { Account } from "./state.js"

/** What a portal link opens: a customer's payment methods, until it expires. */
export interface PortalSessionRecord {
  readonly account: Account
  readonly customerId: string
  readonly returnUrl: string
  readonly expiresAtMillis: number
}

/** The paths the links take (the same below Xtopay's hosts and the mock server's origin). */
export const SETUP_PATH = "/setup/"
export const PORTAL_PATH = "/portal/"

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"

/**
 * 24 characters from Web Crypto, never from the id seed: the pages act on a token without
 * credentials, so it must not be guessable from ids a test can predict.
 */
const randomToken = (): string => {
  let out = ""
  while (out.length < 24) {
    // Bytes of 252 and above are skipped (252 = 7 × 36), so every character is equally likely.
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) if (byte < 252 && out.length < 24) out += ALPHABET[byte % 36]
  }
  return out
}

const XTOPAY_ORIGINS = { setup: "https://checkout.xtopay.co", portal: "https://billing.xtopay.co" } as const

export class HostedLinks {
  private origins: { readonly setup: string; readonly portal: string } = XTOPAY_ORIGINS
  /** Setup token → setup intent id. */
  private readonly setupTokens = new Map<string, string>()
  private readonly portalSessions = new Map<string, PortalSessionRecord>()


  /** Links made from now on open pages below `origin` (e.g. `http://127.0.0.1:4010`). */
  useOrigin(origin: string): void {
    this.origins = { setup: origin, portal: origin }
  }

  setupUrl(setupIntentId: string): string {
    const token = `tok_${randomToken()}`
    this.setupTokens.set(token, setupIntentId)
    return `${this.origins.setup}${SETUP_PATH}${token}`
  }

  portalUrl(session: PortalSessionRecord): string {
    const token = `sess_${randomToken()}`
    this.portalSessions.set(token, session)
    return `${this.origins.portal}${PORTAL_PATH}${token}`
  }

  setupIntentOf(token: string): string | undefined {
    return this.setupTokens.get(token)
  }

  portalSessionOf(token: string): PortalSessionRecord | undefined {
    return this.portalSessions.get(token)
  }

  /** Forgets the portal sessions of a removed account (its setup intents go with the intents). */
  forgetAccount(account: Account): void {
    for (const [token, session] of this.portalSessions) if (session.account === account) this.portalSessions.delete(token)
  }
}
