/**
 * `xtopay-mock` as an installed package runs it: the built dist/, never the TypeScript sources
 * through tsx, even when the project has tsx (compiling costs seconds and an esbuild child).
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { npm, run } from "../../../../scripts/run.js"
import { packed, registryReachable } from "./packed.js"

/** Every process below `pid`, by its command line (Linux: /proc/<pid>/task/<tid>/children). */
const descendants = async (pid: number): Promise<Array<string>> => {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as Array<string>)
  const children = new Set<number>()
  for (const task of tasks) {
    const text = await readFile(`/proc/${pid}/task/${task}/children`, "utf8").catch(() => "")
    for (const child of text.split(/\s+/).filter((s) => s !== "")) children.add(Number(child))
  }
  const below = await Promise.all([...children].map(async (child) => {
    const command = (await readFile(`/proc/${child}/cmdline`, "utf8").catch(() => "")).replaceAll("\0", " ").trim()
    return [command, ...(await descendants(child))]
  }))
  return below.flat()
}

interface Started {
  readonly firstLine: string
  /** From spawn to the first line on stdout. */
  readonly millis: number
  readonly children: ReadonlyArray<string>
  readonly stderr: string
}

/**
 * Module hooks that write down every module the process resolves: tsx caches its output on disk, so
 * a run that used it need not spawn esbuild, but it always resolves tsx and the .ts sources.
 */
const SPY = `import { register } from "node:module"
register(new URL("./spy-hooks.mjs", import.meta.url), { data: { log: process.env.XTOPAY_SPY_LOG } })
`
const SPY_HOOKS = `import { appendFileSync } from "node:fs"
let log
export const initialize = (data) => { log = data.log }
export const resolve = async (specifier, context, next) => {
  const result = await next(specifier, context)
  appendFileSync(log, result.url + "\\n")
  return result
}
`

/** Starts `node_modules/.bin/xtopay-mock --port 0` in `project`, reads its first line, stops it. */
const startOnce = (project: string, env: NodeJS.ProcessEnv = {}): Promise<Started> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(join(project, "node_modules", ".bin", "xtopay-mock"), ["--port", "0"], {
      cwd: project,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`no first line within 60 s; stderr: ${stderr}`))
    }, 60_000)
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => void (stderr += chunk))
    child.on("exit", (code) => {
      clearTimeout(timer)
      if (!stdout.includes("\n")) reject(new Error(`exited (${code}) before its first line; stderr: ${stderr}`))
    })
    child.stdout.setEncoding("utf8").on("data", async (chunk: string) => {
      const before = stdout
      stdout += chunk
      if (before.includes("\n") || !stdout.includes("\n")) return
      const millis = performance.now() - started
      // tsx's esbuild service, once started, lives as long as the process: it would be here now.
      const children = await descendants(child.pid!)
      child.kill("SIGTERM")
      resolve({ firstLine: stdout.slice(0, stdout.indexOf("\n")), millis, children, stderr })
    })
  })

describe("xtopay-mock from the packed package, installed with tsx beside it", () => {
  it("runs dist/ without spawning tsx or esbuild, and prints a base URL", { timeout: 300_000 }, async (ctx) => {
    if (process.platform !== "linux") ctx.skip("SKIPPED: reads child processes from /proc")
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so the packed package cannot be installed")
    }
    const { tarball } = await packed()
    const project = await mkdtemp(join(tmpdir(), "effect-xtopay-bin-"))
    try {
      await writeFile(join(project, "package.json"), JSON.stringify({ name: "bin", version: "0.0.0", private: true }))
      const install = await run(npm, [
        "install",
        "--no-audit",
        "--no-fund",
        "--no-package-lock",
        tarball,
        "effect@^3.22",
        "@effect/platform@^0.97",
        "@effect/platform-node@^0.108",
        "tsx@^4"
      ], { cwd: project })
      assert.strictEqual(install.code, 0, `npm install failed:\n${install.stderr}`)
      // The trap is set: tsx, esbuild and the TypeScript sources are all within reach.
      assert.isTrue(existsSync(join(project, "node_modules", "tsx", "package.json")))
      assert.isTrue(existsSync(join(project, "node_modules", "effect-xtopay", "src", "testing", "cli.ts")))

      // Once with the module spy: which modules it loaded.
      await writeFile(join(project, "spy.mjs"), SPY)
      await writeFile(join(project, "spy-hooks.mjs"), SPY_HOOKS)
      const log = join(project, "modules.log")
      const spied = await startOnce(project, { NODE_OPTIONS: `--import=${join(project, "spy.mjs")}`, XTOPAY_SPY_LOG: log })
      assert.match(spied.firstLine, /^http:\/\/127\.0\.0\.1:\d+\/v1$/, spied.stderr)
      const modules = (await readFile(log, "utf8")).split("\n").filter((url) => url !== "")
      assert.isTrue(modules.some((url) => url.endsWith("/effect-xtopay/dist/esm/testing/cli.js")), modules.join("\n"))
      assert.deepStrictEqual(modules.filter((url) => /\/node_modules\/(tsx|esbuild|@esbuild)\/|\.ts$/.test(url)), [])

      // Then plainly, for the start time.
      const runs: Array<Started> = []
      for (let i = 0; i < 3; i++) runs.push(await startOnce(project))
      for (const started of [spied, ...runs]) {
        assert.match(started.firstLine, /^http:\/\/127\.0\.0\.1:\d+\/v1$/)
        assert.deepStrictEqual(started.children.filter((c) => /tsx|esbuild/.test(c)), [], started.stderr)
        assert.deepStrictEqual(started.children, [], "xtopay-mock starts no child process at all")
      }
      const millis = runs.map((r) => Math.round(r.millis)).sort((a, b) => a - b)
      // Reported, not asserted (timings belong in bench/): docs/testing.md quotes it.
      console.log(`xtopay-mock, installed: first line after ${millis.join(", ")} ms (median ${millis[1]} ms)`)
    } finally {
      await rm(project, { recursive: true, force: true })
    }
  })
})
