/**
 * The `npm install` lines of README.md and docs/: what a user copies into a terminal. Found in
 * fenced code blocks and in inline code spans, so a line added anywhere in the docs is tested, and
 * each is run, as written, by the edition it is for (the packages it names say which), with that
 * edition's packed tarball in place of `effect-xtopay`. Shared by both editions' package tests.
 */
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import { npm, run, type RunResult } from "./run.js"

/** One install command as written in the docs. */
export interface InstallLine {
  /** Where it is written, `docs/testing.md:236`. */
  readonly where: string
  /** The command as written, e.g. `npm install --save-dev @effect/platform-node@^0.108`. */
  readonly command: string
  /** The flags, in order (`--save-dev`, `-D`, …). */
  readonly flags: ReadonlyArray<string>
  /** The package specs, in order (`effect@^3.22`, `effect-xtopay`, …). */
  readonly packages: ReadonlyArray<string>
}

const INSTALL = /^npm\s+(?:install|i|add)(?:\s+(.*))?$/

/** The commands in one piece of shell: `a && b; c # comment` is a, b and c. */
const commands = (shell: string): Array<string> =>
  shell.split("\n").flatMap((line) =>
    line.replace(/(^|\s)#.*$/, "").split(/&&|\|\||;|\|/).map((part) => part.trim()).filter((part) => part !== "")
  )

/** The code a Markdown file shows: its fenced blocks' lines and its inline code spans, with line numbers. */
const codeOf = (markdown: string): Array<{ readonly line: number; readonly code: string }> => {
  const found: Array<{ line: number; code: string }> = []
  let fence: string | undefined
  markdown.split("\n").forEach((text, index) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1]
    if (fence === undefined && marker !== undefined) fence = marker
    else if (fence !== undefined && marker !== undefined && text.trim().startsWith(fence)) fence = undefined
    else if (fence !== undefined) found.push({ line: index + 1, code: text })
    else for (const span of text.matchAll(/(`+)([^`]+?)\1/g)) found.push({ line: index + 1, code: span[2]! })
  })
  return found
}

/** The install lines of one Markdown text; `file` is only for `where`. */
export const installLinesOf = (file: string, markdown: string): Array<InstallLine> =>
  codeOf(markdown).flatMap(({ code, line }) =>
    commands(code).flatMap((command) => {
      const match = INSTALL.exec(command)
      if (match === null) return []
      const args = (match[1] ?? "").split(/\s+/).filter((arg) => arg !== "")
      const packages = args.filter((arg) => !arg.startsWith("-"))
      // A bare `npm install` installs a checkout's own dependencies: not a line a user adapts.
      if (packages.length === 0) return []
      return [{ where: `${file}:${line}`, command, flags: args.filter((arg) => arg.startsWith("-")), packages }]
    })
  )

const markdownFiles = async (directory: string): Promise<Array<string>> => {
  const entries = await readdir(directory, { withFileTypes: true })
  const nested = await Promise.all(entries.map((entry) => {
    const path = join(directory, entry.name)
    if (entry.isDirectory()) return markdownFiles(path)
    return Promise.resolve(entry.name.endsWith(".md") ? [path] : [])
  }))
  return nested.flat().sort()
}

/** Every install line of README.md and docs/**\/*.md under `root`. */
export const installLines = async (root: string): Promise<Array<InstallLine>> => {
  const files = [join(root, "README.md"), ...(await markdownFiles(join(root, "docs")))]
  const perFile = await Promise.all(
    files.map(async (file) => installLinesOf(relative(root, file), await readFile(file, "utf8")))
  )
  return perFile.flat()
}

/** The package's name in a spec: `@effect/vitest@^0.30` → `@effect/vitest`. */
export const packageName = (spec: string): string => {
  const at = spec.indexOf("@", 1)
  return at === -1 ? spec : spec.slice(0, at)
}

/** The version range in a spec, if it names one: `vitest@^3.2` → `^3.2`. */
export const versionRange = (spec: string): string | undefined => {
  const at = spec.indexOf("@", 1)
  return at === -1 || at === spec.length - 1 ? undefined : spec.slice(at + 1)
}

/** npm's words for a peer dependency it could not satisfy, or satisfied only by overriding. */
export const PEER_TROUBLE = /ERESOLVE|peer dep|conflicting peer|unmet peer|invalid peer|overriding peer/i

/** The editions an install line can be for. */
export type Edition = "effect3" | "effect4"

/** Specs only an Effect 3 project installs, and only an Effect 4 one: a line naming one is that edition's. */
const EDITION_SPECS: ReadonlyArray<readonly [Edition, RegExp]> = [
  ["effect3", /^(effect@\^?3|effect-xtopay@\^?0|@effect\/platform@|@effect\/platform-node@\^?0|@effect\/vitest@\^?0|vitest@\^?3|ioredis@|@effect\/(experimental|workflow|cluster|rpc|sql|sql-libsql)@)/],
  ["effect4", /^(effect@\^?4|effect-xtopay@\^?1|@effect\/platform-node@\^?4|@effect\/vitest@\^?4|vitest@\^?5|redis@|@effect\/sql-sqlite-node@)/]
]

/**
 * Which edition a line is for: the one whose packages it names; `"both"` when it names neither's
 * (`tsx@^4`); `"mixed"` when it names both, a line no project can install.
 */
export const editionOf = (line: InstallLine): Edition | "both" | "mixed" => {
  const named = new Set(line.packages.flatMap((spec) => EDITION_SPECS.filter(([, re]) => re.test(spec)).map(([e]) => e)))
  if (named.size === 2) return "mixed"
  return [...named][0] ?? "both"
}

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

/**
 * Runs `edition`'s install lines (and the lines naming neither edition) in fresh npm projects: the
 * first line installing the client in an empty project, each other line installing the client in
 * an empty one too, and a line without the client where a reader runs it, after the first. Gives
 * the lines that failed or made npm warn about a peer, with npm's output; `[]` when all is well.
 */
export const runInstallLines = async (options: {
  readonly edition: Edition
  readonly tarball: string
  readonly repoRoot: string
}): Promise<{ readonly ran: number; readonly failures: ReadonlyArray<string> }> => {
  const mine = (await installLines(options.repoRoot)).filter((line) => [options.edition, "both"].includes(editionOf(line)))
  const lines = distinct(mine)
  const [first, ...rest] = lines.filter(({ line }) => names(line).includes("effect-xtopay"))
  if (first === undefined) return { ran: 0, failures: [`no install line installs effect-xtopay for ${options.edition}`] }
  const temp = await mkdtemp(join(tmpdir(), `effect-xtopay-install-lines-${options.edition}-`))
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
    const baseProblem = trouble(first.line.command, first.where, await install(first.line, options.tarball, await project("base")))
    if (baseProblem !== undefined) return { ran: 1, failures: [baseProblem] }
    const failures: Array<string> = []
    const tasks = [...rest, ...lines.filter(({ line }) => !names(line).includes("effect-xtopay"))].map(
      ({ line, where }, index) => async () => {
        const from = names(line).includes("effect-xtopay") ? undefined : join(temp, "base")
        const problem = trouble(line.command, where, await install(line, options.tarball, await project(`line-${index}`, from)))
        if (problem !== undefined) failures.push(problem)
      }
    )
    await pooled(2, tasks)
    return { ran: lines.length, failures }
  } finally {
    await rm(temp, { recursive: true, force: true })
  }
}
