/**
 * The SDK as users run it: the built package (`dist/esm`, which `npm run bench` builds first), not
 * the TypeScript source through tsx. tsx compiles with esbuild's `keepNames`, which wraps every
 * closure our source creates in a `__name(…)` call: measuring the source would charge the SDK for
 * that. The types come from the source, which the build is made from.
 */
import { builtModule } from "../../../../bench/built.js"
import type * as CustomersModule from "../../src/Customers.js"
import type * as NodeModule from "../../src/node.js"
import type * as RateLimitModule from "../../src/rate-limit.js"
import type * as DecodersModule from "../../src/internal/decoders.js"
import type * as SchemasModule from "../../src/Schemas.js"
import type * as XtopayTestModule from "../../src/testing/XtopayTest.js"
import type * as XtopayClientModule from "../../src/XtopayClient.js"

/** A module of the build, checked to be there and linked (`bench/built.ts`). */
const built = (path: string): string => builtModule(new URL("../../dist/esm/", import.meta.url), path)

export const Customers: typeof CustomersModule = await import(built("Customers.js"))
export const { XtopayClient, XtopayLive }: typeof XtopayClientModule = await import(built("XtopayClient.js"))
export const { XtopayNode, layerHttpClient }: typeof NodeModule = await import(built("node.js"))
export const { XtopayTest, XtopayTestWith }: typeof XtopayTestModule = await import(built("testing/XtopayTest.js"))
/** `effect-xtopay/rate-limit`, loaded only by the scenario that measures it. */
export const loadRateLimit = async (): Promise<typeof RateLimitModule> => import(built("rate-limit.js"))
export const { CustomerPage }: typeof SchemasModule = await import(built("Schemas.js"))
export const { decoderFor }: typeof DecodersModule = await import(built("internal/decoders.js"))
/** The module URL of the `xtopay-mock` command's `main`, which the bench's mock server runs. */
export const mockCli = (): string => built("testing/cli.js")
