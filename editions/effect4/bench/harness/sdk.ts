/**
 * The SDK as users run it: the built package (`dist/esm`, which `npm run bench` builds first), not
 * the TypeScript source through tsx (tsx compiles with esbuild's `keepNames`, which wraps every
 * closure in a `__name(…)` call: measuring the source would charge the SDK for that). The types
 * come from the source, which the build is made from.
 */
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { builtModule } from "../../../../bench/built.js"
import type * as CustomersModule from "../../src/Customers.js"
import type * as RateLimitModule from "../../src/rate-limit.js"
import type * as SchemasModule from "../../src/Schemas.js"
import type * as XtopayTestModule from "../../src/testing/XtopayTest.js"
import type * as XtopayClientModule from "../../src/XtopayClient.js"

const path = (file: string): string => fileURLToPath(new URL(`../../dist/esm/${file}`, import.meta.url))

/** A module of the build, checked to be there and linked (`bench/built.ts`). */
const built = (file: string): string => builtModule(new URL("../../dist/esm/", import.meta.url), file)

export const Customers: typeof CustomersModule = await import(built("Customers.js"))
export const { FetchTransport, XtopayClient, XtopayLive }: typeof XtopayClientModule = await import(built("XtopayClient.js"))
export const { XtopayTest, XtopayTestWith }: typeof XtopayTestModule = await import(built("testing/XtopayTest.js"))
export const { CustomerPage }: typeof SchemasModule = await import(built("Schemas.js"))
/** `effect-xtopay/rate-limit`, loaded only by the scenario that measures it. */
export const loadRateLimit = async (): Promise<typeof RateLimitModule> => import(built("rate-limit.js"))

/**
 * `effect-xtopay/node`'s `XtopayNode`, when the build has it; until then the scenarios that need
 * it say so (the peer table leaves its rows out, the node-stream walk runs over `XtopayLive`).
 */
export const XtopayNode: typeof XtopayLive | undefined = existsSync(path("node.js"))
  ? ((await import(built("node.js"))) as { readonly XtopayNode: typeof XtopayLive }).XtopayNode
  : undefined

/**
 * The module URL of the `xtopay-mock` command's `main` the mock server runs: this edition's when
 * its build has one, else the Effect 3 edition's build (one server process either way, answering
 * from core's fake: the server is never what is measured).
 */
export const mockCli = (): string => {
  if (existsSync(path("testing/cli.js"))) return built("testing/cli.js")
  const effect3 = new URL("../../../effect3/dist/esm/testing/cli.js", import.meta.url)
  if (existsSync(fileURLToPath(effect3))) return effect3.href
  throw new Error("No built xtopay-mock: neither this edition's dist/esm/testing/cli.js nor the Effect 3 edition's (npm run build there)")
}
