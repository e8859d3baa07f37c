/**
 * Every `npm install` line of README.md and docs/ for the Effect 4 edition (and each naming neither
 * edition) works as written: each runs in a fresh npm project, with this edition's packed package
 * in place of `effect-xtopay`, and npm must neither fail to resolve nor override a peer dependency
 * (scripts/install-lines.ts; the Effect 3 edition runs its own lines, and tests the extractor).
 */
import { assert, describe, it } from "@effect/vitest"
import { runInstallLines } from "../../../../scripts/install-lines.js"
import { packed, registryReachable, repoRoot } from "./packed.js"

describe("the Effect 4 install lines of README.md and docs/", () => {
  it("install in a fresh project without ERESOLVE or a peer dependency warning", { timeout: 600_000 }, async (ctx) => {
    if (!(await registryReachable())) {
      ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed), so the install lines cannot be run")
    }
    const { tarball } = await packed()
    const { failures, ran } = await runInstallLines({ edition: "effect4", tarball, repoRoot })
    assert.isAtLeast(ran, 3)
    assert.deepStrictEqual(failures, [])
  })
})
