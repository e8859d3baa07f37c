/**
 * Every `npm install` line of README.md and docs/ works as written, now that npm's `latest` of
 * effect and its packages is Effect 4: each line for the Effect 3 edition (and each naming neither
 * edition) runs in a fresh npm project, with this edition's packed package in place of
 * `effect-xtopay`, and npm must neither fail to resolve nor override a peer dependency. The Effect 4
 * edition runs its own lines the same way (scripts/install-lines.ts).
 */
import { assert, describe, it } from "@effect/vitest"
import { editionOf, type InstallLine, installLines, installLinesOf, packageName, runInstallLines, versionRange } from "../../../../scripts/install-lines.js"
import { packed, registryReachable, repoRoot } from "./packed.js"

const line = (command: string): InstallLine => installLinesOf("x.md", `\`${command}\``)[0]!

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

  it("are each for the edition whose packages they name", () => {
    assert.strictEqual(editionOf(line("npm install effect-xtopay@^0.1.0 effect@^3.22 @effect/platform@^0.97")), "effect3")
    assert.strictEqual(editionOf(line("npm install effect-xtopay@^1.0.0 effect@^4.1.5")), "effect4")
    assert.strictEqual(editionOf(line("npm i -D vitest@^5 @effect/vitest@^4.1.5")), "effect4")
    assert.strictEqual(editionOf(line("npm install @effect/platform-node@^0.108")), "effect3")
    assert.strictEqual(editionOf(line("npm install --save-dev tsx@^4")), "both")
    assert.strictEqual(editionOf(line("npm install effect@^4.1.5 @effect/platform@^0.97")), "mixed")
  })

  it("name a version range for every package, and one edition's packages only", async () => {
    const lines = await installLines(repoRoot)
    // The README's own lines are among them, one per edition: the extractor did not come back empty.
    const readme = lines.filter((l) => l.where.startsWith("README.md") && l.packages.map(packageName).includes("effect-xtopay"))
    assert.deepStrictEqual([...new Set(readme.map(editionOf))].sort(), ["effect3", "effect4"])
    const unversioned = lines.flatMap((l) =>
      l.packages.filter((spec) => versionRange(spec) === undefined).map((spec) => `${l.where}: ${spec} in \`${l.command}\``)
    )
    // effect-xtopay too: its `latest` is the Effect 4 edition, which an Effect 3 project cannot use.
    assert.deepStrictEqual(unversioned, [], "npm's latest may be a major this project does not pair with")
    assert.deepStrictEqual(lines.filter((l) => editionOf(l) === "mixed").map((l) => `${l.where}: ${l.command}`), [])
  })

  it("install in a fresh project without ERESOLVE or a peer dependency warning", { timeout: 600_000 }, async (ctx) => {
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so the install lines cannot be run")
    }
    const { tarball } = await packed()
    const { failures, ran } = await runInstallLines({ edition: "effect3", tarball, repoRoot })
    assert.isAtLeast(ran, 3)
    assert.deepStrictEqual(failures, [])
  })
})
