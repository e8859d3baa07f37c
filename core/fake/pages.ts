/**
 * The mock server's hosted pages, on its own origin: `GET|POST /setup/tok_…` saves a test card or
 * mobile-money wallet and completes the setup intent; `GET /portal/sess_…` lists the customer's
 * payment methods, `POST /portal/sess_…/remove` detaches one and redirects back. Plain HTML forms,
 * no script; every value is escaped (`html.ts`) and every form is checked here.
 */
import type { GoneReason, Hosted, PortalView, SetupView } from "./hosted.js"
import { Html, html, type HtmlValue } from "./html.js"
import { PORTAL_PATH, SETUP_PATH } from "./links.js"
import type { WirePaymentMethod as PaymentMethod } from "./objects.js"
import type { PaymentMethodDetails } from "./seed.js"
import { isControlFailure } from "./seed.js"
import type { WireAnswer, WireRequest } from "./wire.js"

/** Whether a path (as sent, below the origin) is one of the hosted pages'. */
export const isPagePath = (path: string): boolean => path.startsWith(SETUP_PATH) || path.startsWith(PORTAL_PATH)

// -- answers -----------------------------------------------------------------------------------

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // The token in the URL is the only key to the page: never send it on in a Referer.
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
fieldset{border:1px solid #ccc;border-radius:6px;margin:0 0 1.5rem;padding:1rem}label{display:block;margin:.5rem 0 .2rem}
input,select{font:inherit;padding:.3rem;width:100%;box-sizing:border-box}button{font:inherit;margin-top:1rem;padding:.4rem 1rem}
.errors{border:1px solid #b00020;background:#fdecee;padding:.5rem 1rem;border-radius:6px}.notice{background:#e7f6ec;padding:.5rem 1rem;border-radius:6px}
li{margin:.5rem 0}li form{display:inline;margin-left:1rem}li button{margin:0}.test{color:#666;font-size:.85rem}`

const page = (status: number, title: string, body: Html): WireAnswer => ({
  _tag: "Answer",
  status,
  headers: PAGE_HEADERS,
  body: html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Xtopay (mock)</title><style>${Html.unsafe(STYLE)}</style></head>
<body><main>
<h1>${title}</h1>
${body}
<p class="test">Served by the mock Xtopay server: test data only, nothing is charged.</p>
</main></body></html>
`.text
})

const GONE_TEXT: Record<GoneReason, { readonly title: string; readonly text: string }> = {
  expired: { title: "This link has expired", text: "Links last 30 minutes. Ask the site that sent you for a new one." },
  used: { title: "This link was already used", text: "The payment method was saved already. Each link works once." },
  "customer-deleted": { title: "This link no longer works", text: "The customer it was made for was deleted." }
}

const gone = (reason: GoneReason): WireAnswer => page(410, GONE_TEXT[reason].title, html`<p>${GONE_TEXT[reason].text}</p>`)

const unknownLink = (): WireAnswer =>
  page(404, "No such link", html`<p>This link is not one the mock Xtopay handed out (or its account was reset).</p>`)

const notAllowed = (allow: string): WireAnswer => {
  const answer = page(405, "Method not allowed", html`<p>This page answers ${allow} only.</p>`)
  return { ...answer, headers: { ...answer.headers, allow } }
}

const redirect = (location: string): WireAnswer => ({
  _tag: "Answer",
  status: 303,
  headers: { location, "cache-control": "no-store", "referrer-policy": "no-referrer" },
  body: ""
})

// -- the setup form ----------------------------------------------------------------------------

const NETWORKS = { mtn: "MTN", telecel: "Telecel", airteltigo: "AirtelTigo" } as const

const E164 = /^\+[1-9]\d{6,14}$/

const FIELD_LABELS: Readonly<Record<string, string>> = {
  brand: "Card brand",
  last4: "Last 4 digits",
  exp_month: "Expiry month",
  exp_year: "Expiry year",
  network: "Network",
  phone: "Phone number"
}

type FormErrors = ReadonlyArray<{ readonly field: string; readonly message: string }>

/** One form field's rule: its value, or why not (said after the field's label). */
type Rule<A> = (text: string) => { readonly ok: A } | { readonly problem: string }

const wholeNumber = (label: string, min: number, max: number): Rule<number> => (text) => {
  const n = text.trim() === "" ? Number.NaN : Number(text)
  if (Number.isNaN(n)) return { problem: `Unable to decode ${JSON.stringify(text)} into a number` }
  return Number.isInteger(n) && n >= min && n <= max ? { ok: n } : { problem: `${label} must be a whole number from ${min} to ${max}` }
}

const cardRules = {
  brand: (text: string) => {
    const brand = text.trim()
    return brand.length >= 1 && brand.length <= 30 ? { ok: brand } : { problem: "Card brand must be 1 to 30 characters" }
  },
  last4: (text: string) => (/^\d{4}$/.test(text) ? { ok: text } : { problem: "Last 4 digits must be exactly four digits" }),
  exp_month: wholeNumber("Expiry month", 1, 12),
  exp_year: wholeNumber("Expiry year", 2000, 2099)
} satisfies Record<string, Rule<unknown>>

const walletRules = {
  network: (text: string) =>
    Object.hasOwn(NETWORKS, text) ? { ok: text } : { problem: "Network must be MTN, Telecel or AirtelTigo" },
  phone: (text: string) =>
    E164.test(text)
      ? { ok: text }
      : { problem: `Expected an E.164 phone number such as "+233244000000", got ${JSON.stringify(text)}` }
} satisfies Record<string, Rule<unknown>>

type Checked<R> = { readonly [K in keyof R]: R[K] extends Rule<infer A> ? A : never }

/** Every field through its rule: the values, or every field's problem. */
const checkForm = <R extends Record<string, Rule<unknown>>>(
  rules: R,
  fields: Record<string, string>
): { readonly ok: Checked<R> } | { readonly errors: FormErrors } => {
  const values: Record<string, unknown> = {}
  const errors: Array<{ readonly field: string; readonly message: string }> = []
  for (const [field, rule] of Object.entries(rules)) {
    const label = FIELD_LABELS[field] ?? field
    const text = fields[field]
    if (text === undefined) {
      errors.push({ field, message: `${label} is required` })
      continue
    }
    const result = rule(text)
    if ("ok" in result) values[field] = result.ok
    else errors.push({ field, message: `${label}: ${result.problem}` })
  }
  return errors.length > 0 ? { errors } : { ok: values as Checked<R> }
}

/** Form fields as a record: the first value of each name. */
const formFields = (body: string): Record<string, string> => {
  const fields: Record<string, string> = {}
  for (const [name, value] of new URLSearchParams(body)) if (!(name in fields)) fields[name] = value
  return fields
}

/** The submitted form as payment-method details, or what is wrong with it. */
const readSetupForm = (
  fields: Record<string, string>,
  now: number
): { readonly ok: PaymentMethodDetails } | { readonly errors: FormErrors } => {
  switch (fields["type"]) {
    case "card": {
      const checked = checkForm(cardRules, fields)
      if ("errors" in checked) return checked
      const card = checked.ok
      const today = new Date(now)
      const expired = card.exp_year < today.getUTCFullYear() ||
        (card.exp_year === today.getUTCFullYear() && card.exp_month < today.getUTCMonth() + 1)
      return expired
        ? { errors: [{ field: "exp_year", message: "The card has expired: give an expiry month and year from now on" }] }
        : { ok: { type: "card", card } }
    }
    case "mobile_money": {
      const checked = checkForm(walletRules, fields)
      return "errors" in checked ? checked : { ok: { type: "mobile_money", mobile_money: checked.ok } }
    }
    default:
      return { errors: [{ field: "type", message: "Choose a card or a mobile-money wallet" }] }
  }
}

const describeMethod = (method: PaymentMethod): string => {
  if (method.card !== null) {
    return `${method.card.brand} ending ${method.card.last4}, expires ${String(method.card.exp_month).padStart(2, "0")}/${method.card.exp_year}`
  }
  if (method.mobile_money !== null) {
    const network = NETWORKS[method.mobile_money.network as keyof typeof NETWORKS] ?? method.mobile_money.network
    return `${network} mobile money ${method.mobile_money.phone}`
  }
  return `${method.type} payment method`
}

const field = (name: string, control: Html, errors: FormErrors): Html => {
  const error = errors.find((e) => e.field === name)
  return html`<label for="${name}">${FIELD_LABELS[name]}</label>${control}${
    error === undefined ? null : html`<small id="${name}-error">${error.message}</small>`
  }`
}

const input = (name: string, value: string | undefined, attributes: Html) =>
  html`<input id="${name}" name="${name}" value="${value ?? ""}" required ${attributes}>`

const setupPage = (
  view: SetupView,
  status: number,
  submitted: Record<string, string> = {},
  errors: FormErrors = []
): WireAnswer => {
  const card = submitted["type"] === "mobile_money" ? {} : submitted
  const wallet = submitted["type"] === "mobile_money" ? submitted : {}
  const cardErrors = submitted["type"] === "mobile_money" ? [] : errors
  const walletErrors = submitted["type"] === "mobile_money" ? errors : []
  const network = wallet["network"] ?? "mtn"
  return page(
    status,
    "Save a payment method",
    html`<p>For <strong>${view.customer.name ?? view.customer.email}</strong> (${view.customer.email}). Use test details only.</p>
${
      errors.length === 0 ? null : html`<div class="errors" role="alert"><p>The payment method was not saved:</p><ul>${
        errors.map((e) => html`<li>${e.message}</li>`)
      }</ul></div>`
    }
<form method="post" id="card-form"><fieldset><legend>Card</legend><input type="hidden" name="type" value="card">
${field("brand", input("brand", card["brand"] ?? "visa", html`maxlength="30"`), cardErrors)}
${field("last4", input("last4", card["last4"], html`inputmode="numeric" maxlength="4" placeholder="4242"`), cardErrors)}
${field("exp_month", input("exp_month", card["exp_month"], html`inputmode="numeric" placeholder="12"`), cardErrors)}
${field("exp_year", input("exp_year", card["exp_year"], html`inputmode="numeric" placeholder="2030"`), cardErrors)}
<button type="submit">Save card</button></fieldset></form>
<form method="post" id="mobile-money-form"><fieldset><legend>Mobile money</legend><input type="hidden" name="type" value="mobile_money">
${
      field(
        "network",
        html`<select id="network" name="network">${
          Object.entries(NETWORKS).map(([value, label]) =>
            html`<option value="${value}"${value === network ? html` selected` : null}>${label}</option>`
          )
        }</select>`,
        walletErrors
      )
    }
${field("phone", input("phone", wallet["phone"], html`type="tel" placeholder="+233244000000"`), walletErrors)}
<button type="submit">Save wallet</button></fieldset></form>`
  )
}

const savedPage = (method: PaymentMethod, view: SetupView): WireAnswer =>
  page(
    200,
    "Payment method saved",
    html`<p class="notice" role="status">${describeMethod(method)} is saved for ${view.customer.email}.</p>
<p>Payment method <code id="payment-method-id">${method.id}</code>. You can close this page.</p>`
  )

const setup = (hosted: Hosted, request: WireRequest, token: string, now: number): WireAnswer => {
  const view = hosted.setup(token, now)
  if (view._tag === "Unknown") return unknownLink()
  if (view._tag === "Gone") return gone(view.reason)
  if (request.method === "GET") return setupPage(view, 200)
  if (request.method !== "POST") return notAllowed("GET, POST")
  const fields = formFields(request.body)
  const form = readSetupForm(fields, now)
  if ("errors" in form) return setupPage(view, 400, fields, form.errors)
  const method = hosted.completeSetup(view.intent.id, view.account, form.ok, now)
  if (!isControlFailure(method)) return savedPage(method, view)
  // Lost a race with another completion (or an account reset): the page says what the link is now.
  const after = hosted.setup(token, now)
  return after._tag === "Unknown" ? unknownLink() : gone(after._tag === "Gone" ? after.reason : "used")
}

// -- the portal --------------------------------------------------------------------------------

const portalPage = (view: PortalView, token: string, removed: string | null): WireAnswer => {
  const returnUrl = new URL(view.session.returnUrl)
  const methods: ReadonlyArray<HtmlValue> = view.paymentMethods.map((method) =>
    html`<li data-payment-method="${method.id}"><span>${describeMethod(method)}</span><form method="post" action="${PORTAL_PATH}${token}/remove">
<input type="hidden" name="payment_method" value="${method.id}"><button type="submit" aria-label="${`Remove ${describeMethod(method)}`}">Remove</button></form></li>`
  )
  return page(
    200,
    "Your payment methods",
    html`<p>For <strong>${view.customer.name ?? view.customer.email}</strong> (${view.customer.email}).</p>
${removed === null ? null : html`<p class="notice" role="status">Payment method ${removed} was removed.</p>`}
${methods.length === 0 ? html`<p id="no-payment-methods">No saved payment methods.</p>` : html`<ul id="payment-methods">${methods}</ul>`}
<p><a id="return" href="${returnUrl.href}">Back to ${returnUrl.host}</a></p>`
  )
}

const portal = (hosted: Hosted, request: WireRequest, token: string, action: string | undefined, now: number): WireAnswer => {
  const view = hosted.portal(token, now)
  if (view._tag === "Unknown") return unknownLink()
  if (view._tag === "Gone") return gone(view.reason)
  if (action === undefined) {
    return request.method === "GET" ? portalPage(view, token, request.query.get("removed")) : notAllowed("GET")
  }
  if (action !== "remove") return unknownLink()
  if (request.method !== "POST") return notAllowed("POST")
  const id = formFields(request.body)["payment_method"] ?? ""
  if (!hosted.removePaymentMethod(view, id, now)) {
    return page(404, "No such payment method", html`<p>${id} is not one of this customer's payment methods.</p>`)
  }
  // Redirect after the post, so that reloading the portal does not post again.
  return redirect(`${PORTAL_PATH}${token}?removed=${encodeURIComponent(id)}`)
}

// -- routing -----------------------------------------------------------------------------------

const SETUP = /^\/setup\/(tok_[a-z0-9]+)$/
const PORTAL = /^\/portal\/(sess_[a-z0-9]+)(?:\/([a-z-]+))?$/

/** The hosted pages' handler, for a request whose path `isPagePath` (the whole path, e.g. `/setup/tok_…`). */
export const makePages = (hosted: Hosted) => (request: WireRequest, now: number): WireAnswer => {
  const method = request.method.toUpperCase()
  const normalized = method === request.method ? request : { ...request, method }
  const setupMatch = SETUP.exec(request.path)
  if (setupMatch !== null) return setup(hosted, normalized, setupMatch[1]!, now)
  const portalMatch = PORTAL.exec(request.path)
  if (portalMatch !== null) return portal(hosted, normalized, portalMatch[1]!, portalMatch[2], now)
  return unknownLink()
}
