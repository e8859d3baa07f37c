import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

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
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
