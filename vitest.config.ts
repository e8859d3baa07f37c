import { fileURLToPath } from "node:url"
import { defineConfig } from "vitest/config"

const src = (path: string) => fileURLToPath(new URL(`./src/${path}`, import.meta.url))

export default defineConfig({
  resolve: {
    // Examples and doc snippets import the package by name; resolve it to the source.
    alias: [
      { find: /^effect-xtopay$/, replacement: src("index.ts") },
      { find: /^effect-xtopay\/testing$/, replacement: src("testing/index.ts") },
      { find: /^effect-xtopay\/mock-server$/, replacement: src("testing/server.ts") },
      { find: /^effect-xtopay\/rate-limit$/, replacement: src("rate-limit.ts") }
    ]
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
