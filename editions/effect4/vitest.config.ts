import { fileURLToPath } from "node:url"
import { configDefaults, defineConfig } from "vitest/config"

// `XTOPAY_TESTS=node-line`: .ci/run sets it for the extra Node lines, after `npm test` ran everything
// once; the packaging and docs tests (npm, tsc, the build) give the same answer on every line.
const ONCE_ONLY = ["test/package/**", "test/docs/**"]
const perNodeLine = process.env["XTOPAY_TESTS"] === "node-line"

const core = fileURLToPath(new URL("../../core/", import.meta.url))

export default defineConfig({
  resolve: {
    alias: [
      // The edition reaches core by the package's `#core/*` import; in tests, its TypeScript source.
      { find: /^#core\/(.*)\.js$/, replacement: `${core}$1.ts` }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    exclude: [...configDefaults.exclude, ...(perNodeLine ? ONCE_ONLY : [])],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
