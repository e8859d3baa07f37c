/**
 * Every `npm install` line of README.md and docs/ works as written, now that npm's `latest` of
 * effect and its packages is Effect 4: each runs in a fresh npm project, with the packed package in
 * place of `effect-xtopay`, and npm must neither fail to resolve nor override a peer dependency.
 */
import { assert, describe, it } from "@effect/vitest"
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { npm, run, type RunResult } from "../../scripts/run.js"
import { type InstallLine, installLines, installLinesOf, packageName, PEER_TROUBLE, versionRange } from "./installLines.js"
import { packed, registryReachable, repoRoot } from "./packed.js"

/** The environment of a user's shell: none of the `npm_*` settings `npm test` hands its children. */
const userEnv = (): NodeJS.ProcessEnv => {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"])
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_") || keep.has(key.toLowerCase()))
  )
}

/** Where a package is saved to (dependencies or devDependencies) does not change what npm resolves. */
const SAVE_FLAG = /^(-[DSPEO]|--save(-dev|-prod|-exact|-optional)?)$/

/** The same command once, wherever the docs repeat it (`--save-dev` or not). */
const distinct = (lines: ReadonlyArray<InstallLine>): Array<{ readonly line: InstallLine; readonly where: Array<string> }> => {
  const byCommand = new Map<string, { line: InstallLine; where: Array<string> }>()
  for (const line of lines) {
    const key = [...line.flags.filter((flag) => !SAVE_FLAG.test(flag)), ...[...line.packages].sort()].join(" ")
    const seen = byCommand.get(key)
    if (seen === undefined) byCommand.set(key, { line, where: [line.where] })
    else seen.where.push(line.where)
  }
  return [...byCommand.values()]
}

/** Runs `tasks` at most `limit` at a time (npm installs are CPU- and disk-heavy on 2 cores). */
const pooled = async <A>(limit: number, tasks: ReadonlyArray<() => Promise<A>>): Promise<Array<A>> => {
  const results: Array<A> = []
  let next = 0
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++
      results[index] = await tasks[index]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker))
  return results
}

const names = (line: InstallLine) => line.packages.map(packageName)

/** `npm install …` as written, the packed tarball for `effect-xtopay`, in `project`. */
const install = (line: InstallLine, tarball: string, project: string): Promise<RunResult> =>
  run(npm, [
    "install",
    ...line.flags,
    ...line.packages.map((spec) => (packageName(spec) === "effect-xtopay" ? tarball : spec)),
    "--no-audit",
    "--no-fund",
    "--loglevel=warn"
  ], { cwd: project, env: userEnv() })

const trouble = (command: string, where: ReadonlyArray<string>, result: RunResult): string | undefined => {
  const output = `${result.stdout}${result.stderr}`
  if (result.code === 0 && !PEER_TROUBLE.test(output)) return undefined
  return `\`${command}\` (${where.join(", ")}) ${result.code === 0 ? "warned" : `exited ${result.code}`}:\n${output}`
}

describe("the install lines of README.md and docs/", () => {
  it("are found in fenced blocks and inline code, one command at a time", () => {
    const markdown = [
      "Install with `npm i -D vitest@^3.2 @effect/vitest@^0.30`, or:",
      "",
      "```sh",
      "npm ci && npm install effect-xtopay effect@^3.22   # the client",
      "npm install",
      "```",
      "Prose that says npm install here is not a command."
    ].join("\n")
    assert.deepStrictEqual(installLinesOf("x.md", markdown), [
      { where: "x.md:1", command: "npm i -D vitest@^3.2 @effect/vitest@^0.30", flags: ["-D"], packages: ["vitest@^3.2", "@effect/vitest@^0.30"] },
      { where: "x.md:4", command: "npm install effect-xtopay effect@^3.22", flags: [], packages: ["effect-xtopay", "effect@^3.22"] }
    ])
  })

  it("name a version range for every package but effect-xtopay", async () => {
    const lines = await installLines(repoRoot)
    // The README's own line is among them: the extractor did not come back empty.
    assert.isTrue(lines.some((line) => line.where.startsWith("README.md") && names(line).includes("effect-xtopay")))
    const unversioned = lines.flatMap((line) =>
      line.packages
        .filter((spec) => packageName(spec) !== "effect-xtopay" && versionRange(spec) === undefined)
        .map((spec) => `${line.where}: ${spec} in \`${line.command}\``)
    )
    assert.deepStrictEqual(unversioned, [], "npm's latest may be a major this package does not pair with")
  })

  it("install in a fresh project without ERESOLVE or a peer dependency warning", { timeout: 600_000 }, async (ctx) => {
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so the install lines cannot be run")
    }
    const { tarball } = await packed()
    const lines = distinct(await installLines(repoRoot))
    // A line without the client is run where a reader of the docs runs it: after the first one with it.
    const [first, ...rest] = lines.filter(({ line }) => names(line).includes("effect-xtopay"))
    assert.isDefined(first, "no install line installs effect-xtopay")
    const temp = await mkdtemp(join(tmpdir(), "effect-xtopay-install-lines-"))
    try {
      /** An empty npm project, or a copy of `from` (its node_modules included). */
      const project = async (name: string, from?: string): Promise<string> => {
        const path = join(temp, name)
        if (from !== undefined) await cp(from, path, { recursive: true, verbatimSymlinks: true })
        else {
          await mkdir(path)
          await writeFile(join(path, "package.json"), JSON.stringify({ name, version: "0.0.0", private: true }))
        }
        return path
      }
      const failures: Array<string> = []
      const baseResult = await install(first.line, tarball, await project("base"))
      const baseTrouble = trouble(first.line.command, first.where, baseResult)
      assert.isUndefined(baseTrouble, baseTrouble)
      const tasks = [...rest, ...lines.filter(({ line }) => !names(line).includes("effect-xtopay"))].map(
        ({ line, where }, index) => async () => {
          const from = names(line).includes("effect-xtopay") ? undefined : join(temp, "base")
          const problem = trouble(line.command, where, await install(line, tarball, await project(`line-${index}`, from)))
          if (problem !== undefined) failures.push(problem)
        }
      )
      await pooled(2, tasks)
      assert.deepStrictEqual(failures, [])
    } finally {
      await rm(temp, { recursive: true, force: true })
    }
  })
})
