/**
 * The links a setup intent and a portal session hand out, and what each token leads to. In memory
 * they point at Xtopay's own hosts; the mock server points them at itself (`useOrigin`), where
 * `pages.ts` serves them.
 */
import type { Account } from "./state.js"

/** `length` characters of [a-z0-9], unguessable: the fake's caller supplies the randomness. */
export type RandomToken = (length: number) => string

/** What a portal link opens: a customer's payment methods, until it expires. */
export interface PortalSessionRecord {
  readonly account: Account
  readonly customerId: string
  readonly returnUrl: string
  readonly expiresAtMillis: number
}

/** What a setup link opens: one account's setup intent. */
export interface SetupLink {
  readonly account: Account
  readonly setupIntentId: string
}

/** The paths the links take (the same below Xtopay's hosts and the mock server's origin). */
export const SETUP_PATH = "/setup/"
export const PORTAL_PATH = "/portal/"

const XTOPAY_ORIGINS = { setup: "https://checkout.xtopay.co", portal: "https://billing.xtopay.co" } as const

/**
 * Link tokens never come from the id seed: the pages act on a token without credentials, so it
 * must not be guessable from ids a test can predict.
 */
export class HostedLinks {
  constructor(private readonly randomToken: RandomToken) {}

  private origins: { readonly setup: string; readonly portal: string } = XTOPAY_ORIGINS
  /** Setup token → the account and setup intent it opens. */
  private readonly setupTokens = new Map<string, SetupLink>()
  private readonly portalSessions = new Map<string, PortalSessionRecord>()

  /** Links made from now on open pages below `origin` (e.g. `http://127.0.0.1:4010`). */
  useOrigin(origin: string): void {
    this.origins = { setup: origin, portal: origin }
  }

  setupUrl(account: Account, setupIntentId: string): string {
    const token = `tok_${this.randomToken(24)}`
    this.setupTokens.set(token, { account, setupIntentId })
    return `${this.origins.setup}${SETUP_PATH}${token}`
  }

  portalUrl(session: PortalSessionRecord): string {
    const token = `sess_${this.randomToken(24)}`
    this.portalSessions.set(token, session)
    return `${this.origins.portal}${PORTAL_PATH}${token}`
  }

  setupIntentOf(token: string): SetupLink | undefined {
    return this.setupTokens.get(token)
  }

  portalSessionOf(token: string): PortalSessionRecord | undefined {
    return this.portalSessions.get(token)
  }

  /** Forgets the links of a removed account. */
  forgetAccount(account: Account): void {
    for (const [token, link] of this.setupTokens) if (link.account === account) this.setupTokens.delete(token)
    for (const [token, session] of this.portalSessions) if (session.account === account) this.portalSessions.delete(token)
  }
}
