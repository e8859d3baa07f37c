/**
 * The signature scheme as docs/webhooks.md states it, for teams that don't write Node: the doc's
 * Python snippet, run by python3, verifies and reproduces the signatures that the Effect 4
 * edition's `Webhooks.sign` makes and that the in-memory Xtopay's deliveries to a `webhookApp`
 * and the mock server's deliveries carry; and the doc's worked example is what `Webhooks.sign` makes. Skipped where python3 is absent.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted, Ref, Result, Schedule } from "effect"
import * as HttpRouter from "effect/http/HttpRouter"
import * as HttpServerRequest from "effect/http/HttpServerRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import { TestClock } from "effect/testing"
import { execFile, execFileSync } from "node:child_process"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Customers, WebhookEndpoints, Webhooks, XtopayControl, XtopayTestWith } from "../../src/index.js"
import { MockServer } from "../../src/testing/server.js"
import { FetchTransport } from "../../src/XtopayClient.js"
import { NOW_MILLIS, NOW_SECONDS, OTHER_SECRET, SECRET } from "./support.js"

/** Is python3 on this machine? */
const hasPython = (() => {
  try {
    execFileSync("python3", ["--version"], { stdio: "ignore", timeout: 10_000 })
    return true
  } catch {
    return false
  }
})()

const doc = fileURLToPath(new URL("../../../../docs/webhooks.md", import.meta.url))

/** The doc's Python block that defines `verify`. */
const pythonSnippet = async (): Promise<string> => {
  const markdown = await readFile(doc, "utf8")
  const blocks = [...markdown.matchAll(/^```python\n([\s\S]*?)^```$/gm)].map((match) => match[1]!)
  const snippet = blocks.find((block) => block.includes("def verify("))
  if (snippet === undefined) throw new Error("docs/webhooks.md has no ```python block defining verify")
  return snippet
}

/** One check for the snippet: verify these headers, and sign the body at the header's timestamp. */
interface Case {
  readonly name: string
  readonly secrets: ReadonlyArray<string>
  readonly body: Uint8Array
  readonly timestamp: string
  readonly signature: string
  readonly now: number
}

interface Outcome {
  readonly name: string
  readonly verified: boolean
  /** `sign(secrets[0], body, timestamp)["X-Xtopay-Signature"]`. */
  readonly signed: string
}

// Reads the cases from stdin (secrets never go on a command line) and prints what the snippet says.
const DRIVER = `
import base64, json, sys
from xtopay_webhooks import sign, verify

outcomes = []
for case in json.load(sys.stdin):
    body = base64.b64decode(case["body"])
    outcomes.append({
        "name": case["name"],
        "verified": verify(case["secrets"], body, case["timestamp"], case["signature"], now=case["now"]),
        "signed": sign(case["secrets"][0], body, int(case["timestamp"]))["X-Xtopay-Signature"],
    })
print(json.dumps(outcomes))
`

const runPython = (cases: ReadonlyArray<Case>): Effect.Effect<ReadonlyArray<Outcome>> =>
  Effect.acquireUseRelease(
    Effect.promise(() => mkdtemp(join(tmpdir(), "xtopay-python-"))),
    (dir) =>
      Effect.promise(async () => {
        await writeFile(join(dir, "xtopay_webhooks.py"), await pythonSnippet())
        await writeFile(join(dir, "driver.py"), DRIVER)
        const input = JSON.stringify(cases.map((c) => ({ ...c, body: Buffer.from(c.body).toString("base64") })))
        const stdout = await new Promise<string>((resolve, reject) => {
          const child = execFile("python3", [join(dir, "driver.py")], { cwd: dir, timeout: 30_000 }, (error, out, err) =>
            error === null ? resolve(out) : reject(new Error(`python3 failed: ${error.message}\n${err}`)))
          child.stdin!.end(input)
        })
        return JSON.parse(stdout) as ReadonlyArray<Outcome>
      }),
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  )

/** A mock server, and the real client of it over fetch, whose credential signs the deliveries with MOCK_SECRET. */
const MOCK_SECRET = "csk_test_python_receiver"
const mockServer = MockServer.layerClient({ clientSecret: Redacted.make(MOCK_SECRET) }).pipe(
  Layer.provideMerge(MockServer.layer()),
  Layer.provide(FetchTransport),
  Layer.orDie
)

const bytes = (text: string) => new TextEncoder().encode(text)

describe.runIf(hasPython)("docs/webhooks.md's signature scheme, in Python", () => {
  it.effect("the worked example is what Webhooks.sign makes", () =>
    Effect.gen(function*() {
      const markdown = yield* Effect.promise(() => readFile(doc, "utf8"))
      const cell = (label: string) => new RegExp(`^\\| ${label} \\| \`([^\`]+)\` \\|$`, "m").exec(markdown)?.[1]
      const [secret, timestamp, body, signature] = ["secret", "timestamp", "body", "`X-Xtopay-Signature`"].map(cell)
      assert.isString(signature, "the worked example's signature row")
      const headers = yield* Webhooks.sign({ payload: body!, secret: Redacted.make(secret!), timestamp: Number(timestamp) })
      assert.strictEqual(headers["x-xtopay-signature"], signature)
    }))

  it.effect("verifies and reproduces Webhooks.sign's signatures; refuses a changed body, an old timestamp, another secret", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      // Non-ASCII text, so that the body's UTF-8 bytes (not its characters) are what is signed.
      const body = bytes(JSON.stringify({ id: "evt_py1", type: "customer.created", data: { name: "Ama Ọwụsụ", note: "₵ 5 — ok" } }))
      const signed = yield* Webhooks.sign({ payload: body, secret: Redacted.make(SECRET) })
      const changed = Uint8Array.from(body)
      const flip = changed.length - 2
      changed[flip] = changed[flip]! ^ 1
      const old = yield* Webhooks.sign({ payload: body, secret: Redacted.make(SECRET), timestamp: NOW_SECONDS - 301 })
      const base = {
        secrets: [SECRET],
        body,
        timestamp: signed["x-xtopay-timestamp"],
        signature: signed["x-xtopay-signature"],
        now: NOW_SECONDS
      }
      const outcomes = yield* runPython([
        { ...base, name: "genuine" },
        { ...base, name: "rotation", secrets: [OTHER_SECRET, SECRET] },
        { ...base, name: "two entries", signature: `sha256=${"0".repeat(64)}, ${signed["x-xtopay-signature"]}` },
        { ...base, name: "changed body", body: changed },
        { ...base, name: "other secret", secrets: [OTHER_SECRET] },
        { ...base, name: "old", timestamp: old["x-xtopay-timestamp"], signature: old["x-xtopay-signature"] },
        { ...base, name: "upper-case hex", signature: signed["x-xtopay-signature"].toUpperCase() }
      ])
      const verified = Object.fromEntries(outcomes.map((outcome) => [outcome.name, outcome.verified]))
      assert.deepStrictEqual(verified, {
        genuine: true,
        rotation: true,
        "two entries": true,
        "changed body": false,
        "other secret": false,
        old: false,
        "upper-case hex": false
      })
      // Python's sign makes what Webhooks.sign makes.
      assert.strictEqual(outcomes[0]!.signed, signed["x-xtopay-signature"])
      assert.strictEqual(outcomes.find((o) => o.name === "old")!.signed, old["x-xtopay-signature"])
      // And constructEventWith agrees on each.
      const agree = yield* Effect.result(
        Webhooks.constructEventWith(changed, signed, { secrets: [Redacted.make(SECRET)] })
      )
      assert.isTrue(Result.isFailure(agree))
    }))

  it.effect("verifies the in-memory Xtopay's deliveries, as received by a webhook route", () =>
    Effect.gen(function*() {
      yield* TestClock.setTime(NOW_MILLIS)
      const received = yield* Ref.make<ReadonlyArray<{ body: Uint8Array; timestamp: string; signature: string }>>([])
      const app = HttpRouter.add(
          "POST",
          "/webhooks/xtopay",
          Effect.gen(function*() {
            const request = yield* HttpServerRequest.HttpServerRequest
            const body = new Uint8Array(yield* request.arrayBuffer)
            const timestamp = request.headers["x-xtopay-timestamp"] ?? ""
            const signature = request.headers["x-xtopay-signature"] ?? ""
            yield* Ref.update(received, (all) => [...all, { body, timestamp, signature }])
            return HttpServerResponse.empty({ status: 204 })
          }).pipe(Effect.orDie)
      )
      const deliveries = yield* Effect.gen(function*() {
        const control = yield* XtopayControl
        yield* WebhookEndpoints.create({ url: "https://shop.example/webhooks/xtopay" })
        yield* Customers.create({ email: "ama@example.com", name: "Ama Ọwụsụ" })
        yield* control.settleDeliveries
        return yield* Ref.get(received)
      }).pipe(Effect.provide(XtopayTestWith({ clientSecret: Redacted.make(SECRET), webhookApp: app })))
      assert.isAtLeast(deliveries.length, 1)
      const outcomes = yield* runPython(
        deliveries.flatMap((delivery, i) => [
          { name: `delivery ${i}`, secrets: [SECRET], now: NOW_SECONDS, ...delivery },
          { name: `delivery ${i}, other secret`, secrets: [OTHER_SECRET], now: NOW_SECONDS, ...delivery }
        ])
      )
      deliveries.forEach((delivery, i) => {
        const genuine = outcomes.find((o) => o.name === `delivery ${i}`)!
        assert.isTrue(genuine.verified, `delivery ${i}`)
        assert.strictEqual(genuine.signed, delivery.signature)
        assert.isFalse(outcomes.find((o) => o.name === `delivery ${i}, other secret`)!.verified)
      })
    }))

  it.live("verifies the mock server's deliveries, received over HTTP by a plain node:http server", () =>
    Effect.gen(function*() {
      const received: Array<{ body: Uint8Array; timestamp: string; signature: string }> = []
      const server = yield* Effect.acquireRelease(
        Effect.callback<Server>((resume) => {
          const listening = createServer((request, response) => {
            const chunks: Array<Buffer> = []
            request.on("data", (chunk: Buffer) => chunks.push(chunk))
            request.on("end", () => {
              received.push({
                body: new Uint8Array(Buffer.concat(chunks)),
                timestamp: String(request.headers["x-xtopay-timestamp"] ?? ""),
                signature: String(request.headers["x-xtopay-signature"] ?? "")
              })
              response.writeHead(204).end()
            })
          })
          listening.listen(0, "127.0.0.1", () => resume(Effect.succeed(listening)))
        }),
        (listening) =>
          Effect.callback<void>((resume) => {
            listening.closeAllConnections()
            listening.close(() => resume(Effect.void))
          })
      )
      const { port } = server.address() as AddressInfo
      yield* WebhookEndpoints.create({ url: `http://127.0.0.1:${port}/webhooks/xtopay` })
      yield* Customers.create({ email: "ama@example.com", name: "Ama Ọwụsụ" })
      yield* Effect.sync(() => received.length).pipe(
        Effect.filterOrFail((count) => count > 0, () => "no delivery yet"),
        Effect.retry(Schedule.spaced("20 millis").pipe(Schedule.upTo({ duration: "5 seconds" }))),
        Effect.orDie
      )
      const now = Math.floor(Date.now() / 1000)
      const outcomes = yield* runPython([
        { name: "genuine", secrets: [MOCK_SECRET], now, ...received[0]! },
        { name: "other secret", secrets: [OTHER_SECRET], now, ...received[0]! }
      ])
      assert.isTrue(outcomes[0]!.verified)
      assert.strictEqual(outcomes[0]!.signed, received[0]!.signature)
      assert.isFalse(outcomes[1]!.verified)
    }).pipe(Effect.scoped, Effect.provide(mockServer)), 30_000)
})
