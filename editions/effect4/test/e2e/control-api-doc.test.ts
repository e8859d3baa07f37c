/**
 * The curl examples of docs/testing.md's control API section, run as written (```sh control-api:…
 * blocks, in order) against a fresh Effect 4 mock server on a free loopback port (one guide for
 * both editions), with `XTOPAY_MOCK` set to it. What each prints must be what the doc shows in its
 * trailing `# ` lines (`…` stands for any text), and what each does is checked through the client
 * between the blocks.
 */
import { FetchTransport } from "../../src/XtopayClient.js"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { execFile, execFileSync } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { Customers, type XtopayClient } from "../../src/index.js"
import { MockServer } from "../../src/testing/server.js"

const doc = readFileSync(fileURLToPath(new URL("../../../../docs/testing.md", import.meta.url)), "utf8")

/** The examples, in the order the doc gives them, and what they must do. */
const EXPECTED_BLOCKS = ["seed", "complete", "faults", "clear-faults", "rate-limit", "requests", "reset", "unauthorized"]

interface Block {
  readonly name: string
  readonly script: string
  /** The trailing `# ` lines: what the block prints. */
  readonly output: ReadonlyArray<string>
}

const blocks: ReadonlyArray<Block> = [...doc.matchAll(/^```sh control-api:([\w-]+)\n([\s\S]*?)^```$/gm)].map(
  ([, name, script]) => {
    const lines = script!.trimEnd().split("\n")
    let start = lines.length
    while (start > 0 && lines[start - 1]!.startsWith("# ")) start--
    return { name: name!, script: script!, output: lines.slice(start).map((line) => line.slice(2)) }
  }
)

/** A line of expected output as a pattern: literal, except `…` for any text. */
const linePattern = (line: string) =>
  new RegExp(`^${line.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`)

const hasCommand = (command: string): boolean => {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" })
    return true
  } catch {
    return false
  }
}

const run = (script: string, mockUrl: string) =>
  Effect.callback<{ readonly stdout: string; readonly stderr: string; readonly code: number }>((resume) => {
    const child = execFile(
      "bash",
      ["-e", "-o", "pipefail", "-c", script],
      { env: { ...process.env, XTOPAY_MOCK: mockUrl }, timeout: 30_000 },
      (error, stdout, stderr) => resume(Effect.succeed({ stdout, stderr, code: error === null ? 0 : Number(error.code ?? 1) }))
    )
    return Effect.sync(() => void child.kill("SIGKILL"))
  })

const Shop = MockServer.layerClient({
  clientId: "cid_test_shop",
  clientSecret: Redacted.make("csk_test_shop"),
  maxRetries: 0
}).pipe(Layer.provideMerge(MockServer.layer()), Layer.provide(FetchTransport))

describe("docs/testing.md: the control API's curl examples", () => {
  it("the doc has the examples this suite runs, in order, each showing its output", () => {
    assert.deepStrictEqual(blocks.map((block) => block.name), EXPECTED_BLOCKS)
    for (const block of blocks) assert.isAbove(block.output.length, 0, `${block.name} shows no output`)
  })

  it("curl and jq are installed (the examples need them; install with apt-get install -y curl jq)", () => {
    assert.isTrue(hasCommand("curl"), "curl is not installed: apt-get install -y curl")
    assert.isTrue(hasCommand("jq"), "jq is not installed: apt-get install -y jq")
  })

  it.live("each example, run verbatim, prints what the doc shows and does what it says", () =>
    Effect.gen(function*() {
      const server = yield* MockServer
      const shop = server.control.account("cid_test_shop")
      const mockUrl = server.baseUrl.replace(/\/v1$/, "")
      // What the client sees after a block; `before` runs first, to give the block something to act on.
      const checks: Record<string, { readonly before?: Effect.Effect<void>; readonly after: Effect.Effect<void, unknown, XtopayClient> }> = {
        seed: {
          after: Effect.gen(function*() {
            const ama = yield* Customers.retrieve("cus_ama")
            assert.strictEqual(ama.subscriptions[0]?.status, "past_due")
            assert.strictEqual(ama.payment_methods[0]?.card?.last4, "4242")
            assert.strictEqual((yield* Customers.listPage()).pagination.total_count, 3)
          })
        },
        complete: {
          after: Effect.gen(function*() {
            const types = (yield* Customers.retrieve("cus_ama")).payment_methods.map((method) => method.type).sort()
            assert.deepStrictEqual(types, ["card", "mobile_money"])
          })
        },
        faults: { after: Effect.void },
        "clear-faults": {
          before: shop.injectFaults({ times: 5, fault: { _tag: "Status", status: 500 } }),
          after: Effect.asVoid(Customers.listPage())
        },
        "rate-limit": {
          // The limit is lifted: three more requests within the minute all pass.
          after: Effect.asVoid(Effect.all([Customers.listPage(), Customers.listPage(), Customers.listPage()]))
        },
        requests: { after: Effect.map(shop.requests, (requests) => assert.deepStrictEqual(requests, [])) },
        reset: {
          after: Effect.gen(function*() {
            const error = yield* Effect.flip(Customers.retrieve("cus_ama"))
            assert.strictEqual(error._tag, "NotFound")
          })
        },
        unauthorized: { after: Effect.void }
      }
      for (const block of blocks) {
        const check = checks[block.name]
        assert.isDefined(check, `no check for the block ${block.name}`)
        if (check!.before !== undefined) yield* check!.before
        const result = yield* run(block.script, mockUrl)
        assert.strictEqual(result.code, 0, `${block.name} failed: ${result.stderr}`)
        const printed = result.stdout.trimEnd().split("\n").map((line) => line.trimEnd())
        assert.strictEqual(printed.length, block.output.length, `${block.name} printed:\n${result.stdout}`)
        block.output.forEach((line, i) => assert.match(printed[i]!, linePattern(line), `${block.name}, line ${i + 1}`))
        yield* check!.after
      }
    }).pipe(Effect.provide(Shop), Effect.timeout("120 seconds")), 150_000)
})
