/**
 * The `npm install` lines of README.md and docs/: what a user copies into a terminal. Found in
 * fenced code blocks and in inline code spans, so a line added anywhere in the docs is tested.
 */
import { readdir, readFile } from "node:fs/promises"
import { join, relative } from "node:path"

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
