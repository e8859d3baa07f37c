/**
 * The mock server's hosted pages in a real browser (Debian's chromium, driven by playwright-core):
 * a customer opens `setup_url`, saves a card or a wallet, and the API then shows the payment
 * method, and a loopback receiver gets `customer.payment_method_added`
 * (verified with an HMAC computed here with node:crypto, as well as by Webhooks.constructEventWith); in the portal
 * they remove one, the API no longer finds it, and the receiver gets `customer.payment_method_removed`.
 * Hostile customer data and form input stay text. Screenshots go to test-output/pages/ (ignored by git).
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Layer, Redacted, Schedule } from "effect"
import { execFileSync } from "node:child_process"
import { createHmac } from "node:crypto"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"
import { CustomerPortal, Customers, PaymentMethods, SetupIntents, WebhookEndpoints, Webhooks, type XtopayEvent } from "../../src/index.js"
import { MockServer, type MockServerOptions } from "../../src/testing/server.js"

const SCREENSHOTS = fileURLToPath(new URL("../../test-output/pages/", import.meta.url))
const INSTALL = "apt-get install -y chromium"
const HOSTILE_NAME = `<script>window.__pwned = 1</script>"'&amp; <img src=x onerror="window.__pwned = 2">`

/** The chromium on the PATH; a clear failure (not a skip) naming the install line when there is none. */
const chromiumOnPath = (): string => {
  let found = ""
  try {
    found = execFileSync("sh", ["-c", "command -v chromium"], { encoding: "utf8", timeout: 5_000 }).trim()
  } catch {
    // `command -v` exits non-zero when chromium is missing: reported below.
  }
  if (found === "") throw new Error(`The hosted-page browser tests need Debian's chromium on the PATH; install it with: ${INSTALL}`)
  return found
}

/** A headless chromium for the test, closed at the end (bounded, like every wait here). */
const browser = Effect.acquireRelease(
  Effect.try({ try: chromiumOnPath, catch: (error) => error as Error }).pipe(
    Effect.flatMap((executablePath) =>
      Effect.tryPromise({
        try: () =>
          chromium.launch({
            executablePath,
            headless: true,
            timeout: 30_000,
            args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"]
          }),
        catch: (error) => new Error(`chromium at ${executablePath} did not start: ${String(error)}`)
      })
    ),
    Effect.orDie
  ),
  (browser: Browser) => Effect.promise(() => browser.close()).pipe(Effect.timeout("10 seconds"), Effect.ignore)
)

/** A fresh page with every wait bounded to 10 s. */
const newPage = Effect.flatMap(browser, (browser) =>
  Effect.promise(async () => {
    const page = await browser.newPage()
    page.setDefaultTimeout(10_000)
    page.setDefaultNavigationTimeout(10_000)
    return page
  }))

/** Runs a step in the browser; a Playwright failure (a timeout, say) fails the test with its message. */
const inBrowser = <A>(step: () => Promise<A>) => Effect.tryPromise({ try: step, catch: (error) => error }).pipe(Effect.orDie)

const screenshot = (page: Page, name: string) =>
  inBrowser(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true })
    await page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true })
  })

/** A fresh mock server, and the real client of it over fetch. */
const Mock = (options: MockServerOptions = {}) =>
  MockServer.layerClient().pipe(Layer.provideMerge(MockServer.layer(options)), Layer.provide(FetchTransport))

/** The browser's view of the page: status of the last navigation, title, text, and whether any script got in. */
const pageState = (page: Page) =>
  inBrowser(() =>
    page.evaluate(() => ({
      h1: document.querySelector("h1")?.textContent ?? null,
      text: document.body.innerText,
      scripts: document.scripts.length,
      pwned: (window as { __pwned?: number }).__pwned ?? null
    }))
  )

const postAndWait = (page: Page, click: () => Promise<void>) =>
  inBrowser(async () => {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === "POST", { timeout: 10_000 }),
      click()
    ])
    await page.waitForLoadState("load")
    return response.status()
  })

/** The account's secret (MockServer.layerClient's default credentials): what deliveries are signed with. */
const SECRET = "csk_test_default"

/**
 * A webhook receiver (plain node:http) on a free loopback port, registered for `eventType`:
 * `Webhooks.constructEventWith` verifies and decodes each delivery, and each one's signature is
 * also checked here, independently, with node:crypto. Closed with the scope.
 */
const receiver = (eventType: string) =>
  Effect.gen(function*() {
    const seen: Array<{ readonly event: XtopayEvent; readonly signedHere: boolean }> = []
    const received: Array<{ readonly headers: Record<string, string>; readonly body: string }> = []
    const server = yield* Effect.acquireRelease(
      Effect.callback<Server>((resume) => {
        const server = createServer((request, response) => {
          const chunks: Array<Buffer> = []
          request.on("data", (chunk: Buffer) => chunks.push(chunk))
          request.on("end", () => {
            const headers: Record<string, string> = {}
            for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers[name] = value
            received.push({ headers, body: Buffer.concat(chunks).toString("utf8") })
            response.writeHead(204).end()
          })
        })
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.callback<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const { port } = server.address() as AddressInfo
    yield* WebhookEndpoints.create({ url: `http://127.0.0.1:${port}/webhooks/xtopay`, events: [eventType] })
    const verified = Effect.gen(function*() {
      while (received.length > 0) {
        const { body, headers } = received.shift()!
        const timestamp = headers["x-xtopay-timestamp"] ?? ""
        const expected = `sha256=${createHmac("sha256", SECRET).update(`${timestamp}.${body}`).digest("hex")}`
        const event = yield* Webhooks.constructEventWith(body, headers, { secrets: [Redacted.make(SECRET)] })
        seen.push({ event, signedHere: headers["x-xtopay-signature"] === expected })
      }
      return [...seen]
    }).pipe(Effect.orDie)
    // Deliveries cross real sockets: poll for up to 10 s.
    return verified.pipe(
      Effect.filterOrFail((all) => all.length > 0, () => "no delivery yet"),
      Effect.retry(Schedule.spaced("25 millis")),
      Effect.timeoutOrElse({ duration: "10 seconds", orElse: () => Effect.die(new Error(`no ${eventType} delivery within 10 s`)) })
    )
  })

describe("hosted pages in chromium", () => {
  it.live("the setup page saves a card: the page says so, the API has it, and the used link answers 410", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const delivered = yield* receiver("customer.payment_method_added")
      const customer = yield* Customers.create({ email: "ama@example.com", name: HOSTILE_NAME })
      const intent = yield* SetupIntents.create({ customer_id: customer.id })
      assert.isTrue(intent.setup_url.startsWith(`http://127.0.0.1:${server.port}/setup/tok_`), intent.setup_url)

      const page = yield* newPage
      const opened = yield* inBrowser(() => page.goto(intent.setup_url))
      assert.strictEqual(opened?.status(), 200)
      const before = yield* pageState(page)
      assert.strictEqual(before.h1, "Save a payment method")
      // The customer's name is shown as the text it is, and nothing in it ran.
      assert.include(before.text, HOSTILE_NAME)
      assert.strictEqual(before.scripts, 0)
      assert.strictEqual(before.pwned, null)

      const expYear = new Date().getUTCFullYear() + 2
      yield* inBrowser(async () => {
        const form = page.locator("#card-form")
        await form.getByLabel("Card brand").fill("mastercard")
        await form.getByLabel("Last 4 digits").fill("5454")
        await form.getByLabel("Expiry month").fill("7")
        await form.getByLabel("Expiry year").fill(String(expYear))
      })
      const status = yield* postAndWait(page, () => page.getByRole("button", { name: "Save card" }).click())
      assert.strictEqual(status, 200)
      const after = yield* pageState(page)
      assert.strictEqual(after.h1, "Payment method saved")
      assert.include(after.text, `mastercard ending 5454, expires 07/${expYear} is saved for ama@example.com`)
      yield* screenshot(page, "setup-card-saved")

      // Over the API, the customer has exactly that card.
      const shownId = yield* inBrowser(() => page.locator("#payment-method-id").textContent())
      const details = yield* Customers.retrieve(customer.id)
      assert.deepStrictEqual(details.payment_methods.map((m) => [m.id, m.type, m.card]), [
        [shownId, "card", { brand: "mastercard", last4: "5454", exp_month: 7, exp_year: expYear }]
      ])
      const method = yield* PaymentMethods.retrieve(shownId!)
      assert.strictEqual(method.customer_id, customer.id)

      // The receiver got the event, signed with the account's secret.
      const [added] = yield* delivered
      assert.strictEqual(added?.event.type, "customer.payment_method_added")
      assert.strictEqual((added?.event.data as { id?: string } | undefined)?.id, shownId)
      assert.isTrue(added?.signedHere)

      // The link worked once: opening it again says it was used.
      const again = yield* inBrowser(() => page.goto(intent.setup_url))
      assert.strictEqual(again?.status(), 410)
      assert.strictEqual((yield* pageState(page)).h1, "This link was already used")
      yield* screenshot(page, "setup-used-410")
    }).pipe(Effect.provide(Mock())))

  it.live("the setup page refuses a bad wallet with 400 and the errors shown (input kept as text), then saves a good one", () =>
    Effect.gen(function*() {
      const customer = yield* Customers.create({ email: "kofi@example.com" })
      const intent = yield* SetupIntents.create({ customer_id: customer.id })
      const page = yield* newPage
      yield* inBrowser(() => page.goto(intent.setup_url))

      const hostilePhone = `"><script>window.__pwned = 3</script>`
      yield* inBrowser(async () => {
        const form = page.locator("#mobile-money-form")
        await form.getByLabel("Network").selectOption("telecel")
        await form.getByLabel("Phone number").fill(hostilePhone)
      })
      assert.strictEqual(yield* postAndWait(page, () => page.getByRole("button", { name: "Save wallet" }).click()), 400)
      const refused = yield* pageState(page)
      assert.strictEqual(refused.h1, "Save a payment method")
      assert.include(refused.text, "The payment method was not saved")
      assert.include(refused.text, "Phone number: Expected an E.164 phone number")
      assert.strictEqual(refused.scripts, 0)
      assert.strictEqual(refused.pwned, null)
      // What was typed comes back in the field, as typed, with the network still chosen.
      assert.strictEqual(yield* inBrowser(() => page.locator("#phone").inputValue()), hostilePhone)
      assert.strictEqual(yield* inBrowser(() => page.locator("#network").inputValue()), "telecel")
      yield* screenshot(page, "setup-wallet-400")
      assert.deepStrictEqual((yield* Customers.retrieve(customer.id)).payment_methods, [])

      yield* inBrowser(() => page.locator("#phone").fill("+233201234567"))
      assert.strictEqual(yield* postAndWait(page, () => page.getByRole("button", { name: "Save wallet" }).click()), 200)
      assert.include((yield* pageState(page)).text, "Telecel mobile money +233201234567 is saved for kofi@example.com")
      const details = yield* Customers.retrieve(customer.id)
      assert.deepStrictEqual(details.payment_methods.map((m) => [m.type, m.mobile_money]), [
        ["mobile_money", { network: "telecel", phone: "+233201234567" }]
      ])
    }).pipe(Effect.provide(Mock())))

  it.live("the portal lists the payment methods, removes one (redirect after post), and links to return_url", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const delivered = yield* receiver("customer.payment_method_removed")
      const customer = yield* Customers.create({ email: "esi@example.com", name: "Esi" })
      const card = yield* server.control.seedPaymentMethod(customer.id, {
        type: "card",
        card: { brand: "visa", last4: "4242", exp_month: 3, exp_year: 2031 }
      })
      const wallet = yield* server.control.seedPaymentMethod(customer.id, {
        type: "mobile_money",
        mobile_money: { network: "airteltigo", phone: "+233271234567" }
      })
      const returnUrl = "https://shop.example/account?tab=billing&from=portal"
      const session = yield* CustomerPortal.createSession({ customer_id: customer.id, return_url: returnUrl })
      assert.isTrue(session.url.startsWith(`http://127.0.0.1:${server.port}/portal/sess_`), session.url)

      const page = yield* newPage
      assert.strictEqual((yield* inBrowser(() => page.goto(session.url)))?.status(), 200)
      const listed = () =>
        inBrowser(() => page.locator("#payment-methods li span").allTextContents().catch(() => [] as Array<string>))
      assert.deepStrictEqual(yield* listed(), [
        "AirtelTigo mobile money +233271234567",
        "visa ending 4242, expires 03/2031"
      ])
      assert.strictEqual(yield* inBrowser(() => page.locator("a#return").getAttribute("href")), returnUrl)
      yield* screenshot(page, "portal-before")

      const status = yield* postAndWait(page, () => page.getByRole("button", { name: "Remove visa ending 4242, expires 03/2031" }).click())
      // The post is answered with a redirect back to the portal page, which the browser follows.
      assert.strictEqual(status, 303)
      assert.strictEqual(page.url(), `${session.url}?removed=${card.id}`)
      const after = yield* pageState(page)
      assert.strictEqual(after.h1, "Your payment methods")
      assert.include(after.text, `Payment method ${card.id} was removed`)
      assert.deepStrictEqual(yield* listed(), ["AirtelTigo mobile money +233271234567"])
      yield* screenshot(page, "portal-after-removal")

      // Over the API, the card is gone and the wallet stays.
      const gone = yield* Effect.flip(PaymentMethods.retrieve(card.id))
      assert.strictEqual(gone._tag, "NotFound")
      assert.strictEqual((yield* PaymentMethods.retrieve(wallet.id)).customer_id, customer.id)

      // The receiver got the removal, signed with the account's secret.
      const [removed] = yield* delivered
      assert.strictEqual(removed?.event.type, "customer.payment_method_removed")
      assert.strictEqual((removed?.event.data as { id?: string } | undefined)?.id, card.id)
      assert.isTrue(removed?.signedHere)

      // Reloading shows the same list and posts nothing again.
      yield* inBrowser(() => page.reload())
      assert.deepStrictEqual(yield* listed(), ["AirtelTigo mobile money +233271234567"])
      assert.strictEqual((yield* PaymentMethods.retrieve(wallet.id)).customer_id, customer.id)
    }).pipe(Effect.provide(Mock())))

  it.live("expired setup and portal links answer 410 pages that say so", () => {
    // The server's clock runs 31 minutes ahead once `ahead` is set: both links are made before.
    let ahead = 0
    const real = Clock.Clock.defaultValue()
    const shifted: Clock.Clock = {
      currentTimeMillisUnsafe: () => real.currentTimeMillisUnsafe() + ahead,
      currentTimeMillis: Effect.sync(() => real.currentTimeMillisUnsafe() + ahead),
      currentTimeNanosUnsafe: () => real.currentTimeNanosUnsafe() + BigInt(ahead) * 1_000_000n,
      currentTimeNanos: Effect.sync(() => real.currentTimeNanosUnsafe() + BigInt(ahead) * 1_000_000n),
      monotonicTimeNanosUnsafe: () => real.monotonicTimeNanosUnsafe(),
      monotonicTimeNanos: real.monotonicTimeNanos,
      sleep: (duration) => real.sleep(duration)
    }
    return Effect.gen(function*() {
      const customer = yield* Customers.create({ email: "yaw@example.com" })
      const intent = yield* SetupIntents.create({ customer_id: customer.id })
      const session = yield* CustomerPortal.createSession({ customer_id: customer.id, return_url: "https://shop.example/" })
      ahead = Duration.toMillis("31 minutes")

      const page = yield* newPage
      assert.strictEqual((yield* inBrowser(() => page.goto(intent.setup_url)))?.status(), 410)
      assert.strictEqual((yield* pageState(page)).h1, "This link has expired")
      yield* screenshot(page, "setup-expired-410")
      assert.strictEqual((yield* inBrowser(() => page.goto(session.url)))?.status(), 410)
      assert.strictEqual((yield* pageState(page)).h1, "This link has expired")
    }).pipe(Effect.provide(Mock()), Effect.provideService(Clock.Clock, shifted))
  })
})
