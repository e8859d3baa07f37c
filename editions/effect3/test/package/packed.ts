/** This edition, packed as `npm publish` would ship it (scripts/packed.ts), for the package tests. */
import { fileURLToPath } from "node:url"
import { packedEdition } from "../../../../scripts/packed.js"

export { type Packed, repoRoot } from "../../../../scripts/packed.js"

/** This edition. */
export const root = fileURLToPath(new URL("../..", import.meta.url))

export const { packed, registryReachable } = packedEdition(root)
