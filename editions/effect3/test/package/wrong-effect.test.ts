/**
 * The Effect 3 edition, packed, in fresh npm projects (issue 24.4): with effect 3 and
 * @effect/platform it installs without a peer warning and runs; beside effect 4 npm refuses it
 * (ERESOLVE, from the peer range); forced in there anyway, it says which edition to install
 * wherever its own code runs first: at `require` of any entry point, from `xtopay-mock`, and at the
 * client's first build when an ES module program linked. An `import` that fails to link before
 * any of our code runs is Node's own error, which the docs show with the fix.
 */
import { assert, describe, it } from "@effect/vitest"
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { type FreshProject, freshProject, nodeErrorLine } from "../../../../scripts/fresh-project.js"
import { PEER_TROUBLE } from "../../../../scripts/install-lines.js"
import { packed, registryReachable, repoRoot } from "./packed.js"

const ENTRY_POINTS = ["effect-xtopay", "effect-xtopay/testing", "effect-xtopay/mock-server", "effect-xtopay/node", "effect-xtopay/rate-limit"]

/** What this edition says beside effect `found` (written out here, not taken from core/edition.ts). */
const refusal = (found: string) =>
  `this is effect-xtopay 0.1.0 for Effect 3; your project has effect ${found}. ` +
  "Install `effect-xtopay@^0.1` (Effect 3: `npm i effect-xtopay@^0.1 effect@^3.22 @effect/platform@^0.97`) " +
  "or `effect-xtopay@^1` (Effect 4: `npm i effect-xtopay@^1 effect@^4.1.5`)."

const installedEffect = async (project: FreshProject): Promise<string> =>
  (JSON.parse(await readFile(join(project.dir, "node_modules", "effect", "package.json"), "utf8")) as { version: string }).version

/** Creates a customer through XtopayTest; `pretend` first makes effect report another version, as a linked effect 4 would. */
const firstCall = (pretend?: string) => `
import { Cause, Effect, Exit, ModuleVersion } from "effect"
import { Customers, XtopayTest } from "effect-xtopay"
${pretend === undefined ? "" : `ModuleVersion.setCurrentVersion(${JSON.stringify(pretend)})`}
const exit = await Effect.runPromiseExit(Customers.create({ email: "ama@example.com" }).pipe(Effect.provide(XtopayTest)))
console.log(JSON.stringify(Exit.isSuccess(exit) ? { email: exit.value.email } : { failure: String(Cause.squash(exit.cause)?.message) }))
`

const requireEach = `
const said = {}
for (const name of ${JSON.stringify(ENTRY_POINTS)}) {
  try {
    require(name)
    said[name] = "loaded"
  } catch (error) {
    said[name] = String(error && error.message)
  }
}
console.log(JSON.stringify(said))
`

const skipOffline = async (ctx: { skip: (note: string) => void }) => {
  if (!(await registryReachable())) ctx.skip("SKIPPED: the npm registry is unreachable (npm ping failed)")
}

describe("the Effect 3 edition beside effect 3 and effect 4", () => {
  it("installs with effect@^3.22 and @effect/platform@^0.97 with no peer warning, loads every entry point and runs its first call", {
    timeout: 420_000
  }, async (ctx) => {
    await skipOffline(ctx)
    const { tarball } = await packed()
    const project = await freshProject("right-effect3")
    try {
      const installed = await project.install(["effect@^3.22", "@effect/platform@^0.97", tarball])
      const output = `${installed.stdout}${installed.stderr}`
      assert.strictEqual(installed.code, 0, output)
      assert.notMatch(output, PEER_TROUBLE)

      const required = await project.node(["-e", requireEach])
      assert.strictEqual(required.code, 0, required.stderr)
      assert.deepStrictEqual(JSON.parse(required.stdout), Object.fromEntries(ENTRY_POINTS.map((name) => [name, "loaded"])))

      const ran = await project.node(["--input-type=module", "-e", firstCall()])
      assert.strictEqual(ran.code, 0, ran.stderr)
      assert.deepStrictEqual(JSON.parse(ran.stdout), { email: "ama@example.com" })

      // The check at the first call reads the effect the imports linked to, not a file beside it.
      const linkedToFour = await project.node(["--input-type=module", "-e", firstCall("4.1.5")])
      assert.strictEqual(linkedToFour.code, 0, linkedToFour.stderr)
      assert.deepStrictEqual(JSON.parse(linkedToFour.stdout), { failure: refusal("4.1.5") })
    } finally {
      await project.remove()
    }
  })

  it("is refused beside effect@^4.1.5 (ERESOLVE); forced in, it names the edition to install at require and from xtopay-mock", {
    timeout: 420_000
  }, async (ctx) => {
    await skipOffline(ctx)
    const { tarball } = await packed()
    const project = await freshProject("wrong-effect3")
    try {
      const refused = await project.install(["effect@^4.1.5", tarball])
      const said = `${refused.stdout}${refused.stderr}`
      assert.notStrictEqual(refused.code, 0, said)
      assert.include(said, "ERESOLVE")
      assert.match(said, /peer effect@"\^3\.22\.0" from effect-xtopay@0\.1\.0/)

      // `--force` also brings the other peers (@effect/platform 0.97), as in a project moved to effect 4.
      const forced = await project.install(["effect@^4.1.5", tarball], ["--force"])
      assert.strictEqual(forced.code, 0, `${forced.stdout}${forced.stderr}`)
      const found = await installedEffect(project)
      assert.match(found, /^4\./)

      const required = await project.node(["-e", requireEach])
      assert.strictEqual(required.code, 0, required.stderr)
      assert.deepStrictEqual(JSON.parse(required.stdout), Object.fromEntries(ENTRY_POINTS.map((name) => [name, refusal(found)])))

      const mock = await project.bin("xtopay-mock", ["--help"])
      assert.strictEqual(mock.code, 1, mock.stdout)
      assert.strictEqual(mock.stderr.trim(), `xtopay-mock: ${refusal(found)}`)

      // An import links before any of our code runs: Node's own error, which the docs quote.
      const imported = await project.node(["--input-type=module", "-e", `import "effect-xtopay"`])
      assert.strictEqual(imported.code, 1)
      assert.match(
        imported.stderr,
        /Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module '[^']*node_modules[\\/]effect[\\/]dist[\\/][^']+\.js' imported from /
      )
      // The README's troubleshooting section quotes this very line, and the install line that fixes it.
      const readme = await readFile(join(repoRoot, "README.md"), "utf8")
      const shown = nodeErrorLine(imported.stderr) ?? "(no Error [ERR_…] line)"
      assert.isTrue(readme.includes(shown), `README.md does not quote the error a forced import gives:\n${shown}`)
    } finally {
      await project.remove()
    }
  })
})
