import { fileURLToPath } from "node:url"
import { configDefaults, defineConfig } from "vitest/config"

/**
 * `XTOPAY_TESTS=node-line`: only what can differ between Node lines. .ci/run sets it for the
 * extra lines (22, 24), after `npm test` ran everything once on the default Node; the packaging
 * and docs tests (npm, tsc, the packed tarball) give the same answer on every line.
 */
// The eight-process Redis run (≈ 50 s, bound to wall-clock pacing) judges the shared budget, not the
// Node line: it runs once; gate.test.ts covers the client's side of it on every line.
const ONCE_ONLY = [
  "test/package/**",
  "test/docs/**",
  "test/rate-limit/processes.test.ts"
]
const perNodeLine = process.env["XTOPAY_TESTS"] === "node-line"

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))
const core = fileURLToPath(new URL("../../core/", import.meta.url))

export default defineConfig({
  resolve: {
    // Examples and doc snippets import the package by name; resolve it to the source.
    alias: [
      // The edition reaches core by the package's `#core/*` import; in tests, its TypeScript source.
      { find: /^#core\/(.*)\.js$/, replacement: `${core}$1.ts` },
      { find: /^effect-xtopay$/, replacement: src("index.ts") },
      { find: /^effect-xtopay\/testing$/, replacement: src("testing/index.ts") },
      { find: /^effect-xtopay\/mock-server$/, replacement: src("testing/server.ts") },
      { find: /^effect-xtopay\/rate-limit$/, replacement: src("rate-limit.ts") }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...(perNodeLine ? ONCE_ONLY : [])],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
