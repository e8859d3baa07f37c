/**
 * `xtopay-mock`: the mock server as a command.
 *
 * ```
 * npx xtopay-mock [--port 12111] [--host 127.0.0.1] [--seed-customers N] [--client-id cid_test_…] [--latency-ms N]
 *                 [--rate-limit N [--rate-limit-window-ms MS]]
 *   [--webhook-retry-delays 200,400]
 * ```
 *
 * Prints its base URL (e.g. `http://127.0.0.1:12111/v1`) on stdout once it is ready, and stops on
 * SIGINT or SIGTERM.
 *
 * @since 1.0.0
 */
import { MAX_RATE_LIMIT_REQUESTS } from "#core/fake/rateLimiter.js"
import { Cause, Duration, Effect, Exit, Logger, Schedule } from "effect"
import { existsSync, realpathSync } from "node:fs"
import { dirname, join } from "node:path"
import { parseArgs } from "node:util"
import { DEFAULT_ACCOUNT, type RateLimit } from "./Control.js"
import { isMissingPlatformNode, missingPlatformNodeMessage } from "./internal/platformNode.js"
import { CONTROL_PREFIX, CONTROL_ROUTES } from "./internal/controlApi.js"
import { make } from "./server.js"

/**
 * The port `xtopay-mock` listens on unless told otherwise.
 *
 * @since 1.0.0
 */
export const DEFAULT_PORT = 12111

/**
 * Where the docs are, found from the command's own script (bin/xtopay-mock.mjs, its symlink in
 * node_modules/.bin resolved): the installed package's docs/, or a source checkout's at the
 * repository's root. (Not `import.meta`: this module is built as CommonJS too.)
 */
const docsFolder = (): string | undefined => {
  const script = process.argv[1]
  if (script === undefined || !existsSync(script)) return undefined
  const packageRoot = dirname(dirname(realpathSync(script)))
  return [join(packageRoot, "docs"), join(packageRoot, "..", "..", "docs")].find((folder) => existsSync(join(folder, "testing.md")))
}

/** The guide and the OpenAPI file as absolute paths, when they are there to point at. */
const docsLines = (): string => {
  const folder = docsFolder()
  return folder === undefined
    ? ""
    : `The guide: ${join(folder, "testing.md")}\nThe OpenAPI description: ${join(folder, "openapi.yaml")}\n`
}

/** The usage, its URLs absolute (for `host` and `port`) so that each can be copied as it is. */
const usage = (host: string, port: number) => {
  const shownHost = isWildcard(host) ? (host.includes(":") ? "::1" : "127.0.0.1") : host
  const origin = `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port === 0 ? "<port>" : port}`
  const routes = CONTROL_ROUTES.map((route) => `  ${route.method.padEnd(7)}${origin}${CONTROL_PREFIX}${route.path}`).join("\n")
  return `Usage: xtopay-mock [options]

Serves an in-memory Xtopay over HTTP, like https://api.xtopay.co/v1, at
  ${origin}/v1${port === 0 ? "   (<port>: the free port the URL printed at start names)" : ""}
Credentials: any cid_test_… client id with a csk_test_… secret; each client id is its own account:
  curl ${origin}/v1/customers -u cid_test_shop:csk_test_shop

A control API (each account's own, with its credentials) drives it from curl or any language:
${routes}
${docsLines()}
Options:
  --port <n>             port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host <address>       address to listen on (default 127.0.0.1)
  --seed-customers <n>   seed n customers (customer{i}@example.com) at start
  --client-id <id>       the account --seed-customers seeds (default ${DEFAULT_ACCOUNT})
  --latency-ms <n>       wait n ms before answering each request, like a distant API (default 0)
  --rate-limit <n>       let at most n requests per account through in any sliding window
                         (default: no limit); beyond, 429 rate_limit_exceeded with Retry-After
  --rate-limit-window-ms <ms>
                         the sliding window of --rate-limit (default 1000)
  --webhook-retry-delays <ms,…>
                         wait these ms before each retry of a failed webhook delivery
                         (default 5 min, 30 min, 2 h, 5 h, 10 h, 24 h)
  -h, --help             show this help

Prints the base URL on stdout when ready; stops on Ctrl-C (SIGINT) or SIGTERM.`
}

/** The usage for the host and port the arguments name, where they can be read (the defaults otherwise). */
export const helpFor = (argv: ReadonlyArray<string>): string => {
  const { values } = parseArgs({ args: [...argv], options: { port: { type: "string" }, host: { type: "string" } }, strict: false })
  const port = typeof values.port === "string" && /^\d+$/.test(values.port) && Number(values.port) <= 65535
    ? Number(values.port)
    : DEFAULT_PORT
  return usage(typeof values.host === "string" && values.host !== "" ? values.host : "127.0.0.1", port)
}

/**
 * What the command line asked for.
 *
 * @since 1.0.0
 */
export interface CliOptions {
  readonly port: number
  readonly host: string
  readonly seedCustomers: number
  readonly clientId: string
  /** Milliseconds every request waits before it is answered (absent: none). */
  readonly latencyMs?: number
  /** At most this many requests per account in any sliding window (absent: no limit). */
  readonly rateLimit?: RateLimit
  /** Milliseconds before each retry of a failed webhook delivery (absent: the reference's schedule). */
  readonly webhookRetryDelays?: ReadonlyArray<number>
}

const wholeNumber = (name: string, text: string, max: number): number => {
  const n = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max) {
    throw new Error(`--${name} expects a whole number from 0 to ${max}, got ${JSON.stringify(text)}`)
  }
  return n
}

/**
 * Reads the arguments; `"help"` when help was asked for. Throws an `Error` with a one-line message
 * on bad input.
 *
 * @since 1.0.0
 */
export const parseCli = (argv: ReadonlyArray<string>): CliOptions | "help" => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "seed-customers": { type: "string" },
      "client-id": { type: "string" },
      "latency-ms": { type: "string" },
      "rate-limit": { type: "string" },
      "rate-limit-window-ms": { type: "string" },
      "webhook-retry-delays": { type: "string" },
      help: { type: "boolean", short: "h" }
    },
    strict: true,
    allowPositionals: false
  })
  if (values.help === true) return "help"
  const clientId = values["client-id"] ?? DEFAULT_ACCOUNT
  if (!/^cid_test_\S+$/.test(clientId)) {
    throw new Error(`--client-id expects a test client id (cid_test_…), got ${JSON.stringify(clientId)}`)
  }
  if (values["rate-limit-window-ms"] !== undefined && values["rate-limit"] === undefined) {
    throw new Error("--rate-limit-window-ms goes with --rate-limit")
  }
  const rateLimit: RateLimit | undefined = values["rate-limit"] === undefined ? undefined : {
    requests: wholeNumber("rate-limit", values["rate-limit"], MAX_RATE_LIMIT_REQUESTS),
    window: Duration.millis(
      values["rate-limit-window-ms"] === undefined ? 1000 : wholeNumber("rate-limit-window-ms", values["rate-limit-window-ms"], 3_600_000)
    )
  }
  return {
    port: values.port === undefined ? DEFAULT_PORT : wholeNumber("port", values.port, 65535),
    host: values.host ?? "127.0.0.1",
    seedCustomers: values["seed-customers"] === undefined
      ? 0
      : wholeNumber("seed-customers", values["seed-customers"], 10_000_000),
    clientId,
    ...(values["latency-ms"] !== undefined ? { latencyMs: wholeNumber("latency-ms", values["latency-ms"], 60_000) } : {}),
    ...(rateLimit !== undefined ? { rateLimit } : {}),
    ...(values["webhook-retry-delays"] !== undefined
      ? {
        webhookRetryDelays: values["webhook-retry-delays"].split(",").map((part) =>
          wholeNumber("webhook-retry-delays", part.trim(), 86_400_000)
        )
      }
      : {})
  }
}

const isWildcard = (host: string) => host === "0.0.0.0" || host === "::" || host === "[::]"

/**
 * The command's logger: logfmt lines on stderr, so that stdout holds only the base URL (scripts
 * read its first line).
 *
 * @since 1.0.0
 */
export const stderrLogger = Logger.layer([
  Logger.map(Logger.formatLogFmt, (line) => {
    process.stderr.write(`${line}\n`)
  })
])

const say = (line: string) => Effect.sync(() => process.stderr.write(`xtopay-mock: ${line}\n`))

/**
 * `npx` (npm exec) does not pass SIGTERM on to the command it runs: when started through it, stop
 * once it is gone rather than live on as an orphan.
 */
const untilParentExits = (parent: number) =>
  Effect.repeat(Effect.sync(() => process.ppid !== parent), {
    until: (gone) => gone,
    schedule: Schedule.spaced("500 millis")
  }).pipe(Effect.andThen(say("the npx that started this server exited; stopping")))

/**
 * Runs the server until interrupted. The base URL is the one line written to stdout.
 *
 * @since 1.0.0
 */
export const serve = (options: CliOptions): Effect.Effect<void> =>
  Effect.gen(function*() {
    const parent = process.ppid
    const server = yield* make({
      port: options.port,
      host: options.host,
      ...(options.rateLimit !== undefined ? { rateLimit: options.rateLimit } : {}),
      // Latency of its own, not a fault plan: injected faults still fire under it.
      ...(options.latencyMs !== undefined && options.latencyMs > 0 ? { latency: Duration.millis(options.latencyMs) } : {}),
      ...(options.webhookRetryDelays !== undefined
        ? { webhookRetryDelays: options.webhookRetryDelays.map((ms) => Duration.millis(ms)) }
        : {})
    })
    if (options.seedCustomers > 0) {
      const [took] = yield* Effect.timed(server.control.seedCustomers(options.clientId, options.seedCustomers))
      const seconds = (Duration.toMillis(took) / 1000).toFixed(1)
      yield* say(`seeded ${options.seedCustomers} customers into ${options.clientId} in ${seconds} s`)
    }
    yield* Effect.sync(() => process.stdout.write(`${server.baseUrl}\n`))
    if (isWildcard(options.host)) {
      yield* say(
        `listening on all interfaces (${options.host}), port ${server.port}. From another machine or container use ` +
          `http://<this host's name>:${server.port}/v1 with allowInsecureHttp: true (XTOPAY_ALLOW_INSECURE_HTTP=true).`
      )
    }
    yield* say("credentials: any cid_test_… client id with a csk_test_… secret. Ctrl-C stops.")
    return yield* process.env["npm_command"] === "exec" ? untilParentExits(parent) : Effect.never
  }).pipe(
    Effect.scoped,
    Effect.catchTag("ServeError", (error) =>
      Effect.andThen(
        say(`cannot listen on ${options.host}:${options.port}: ${describe(error.cause)}`),
        Effect.sync(() => void (process.exitCode = 1))
      )),
    Effect.provide(stderrLogger)
  )

const describe = (cause: unknown): string => {
  const code = (cause as { code?: unknown } | null)?.code
  if (code === "EADDRINUSE") return "the port is in use (pick another with --port, or --port 0 for a free one)"
  if (code === "EADDRNOTAVAIL") return "no such address on this machine (try --host 127.0.0.1)"
  if (code === "EACCES") return "permission denied (ports below 1024 need privileges)"
  return cause instanceof Error ? cause.message : String(cause)
}

/**
 * The command: parses `argv` (without `node` and the script) and serves until SIGINT or SIGTERM.
 *
 * @since 1.0.0
 */
export const main = async (argv: ReadonlyArray<string>): Promise<void> => {
  let options: CliOptions | "help"
  try {
    options = parseCli(argv)
  } catch (error) {
    process.stderr.write(`xtopay-mock: ${error instanceof Error ? error.message : String(error)}\n\n${helpFor(argv)}\n`)
    process.exitCode = 2
    return
  }
  if (options === "help") {
    process.stdout.write(`${helpFor(argv)}\n`)
    return
  }
  let NodeRuntime: typeof import("@effect/platform-node/NodeRuntime")
  try {
    NodeRuntime = await import("@effect/platform-node/NodeRuntime")
  } catch (error) {
    if (!isMissingPlatformNode(error)) throw error
    process.stderr.write(`xtopay-mock: ${missingPlatformNodeMessage}\n`)
    process.exitCode = 1
    return
  }
  // Stopped by a signal is a clean stop (exit 0), as in the Effect 3 edition; Effect 4's default says 130.
  NodeRuntime.runMain(serve(options), {
    teardown: (exit, onExit) => onExit(Exit.isFailure(exit) && !Cause.hasInterruptsOnly(exit.cause) ? 1 : 0)
  })
}
