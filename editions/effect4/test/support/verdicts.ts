/**
 * Each edition's verdict on a case (a schema's exported name and some JSON): what it decoded,
 * encoded back to wire JSON, or the first issue refusing it. The Effect 3 edition judges in its own
 * process (test/support/effect3-schemas.ts), this edition in this one; the tests compare the two.
 */
import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { Result, Schema } from "effect"
import * as S from "../../src/Schemas.js"
import type { Case, Verdict } from "./effect3-schemas.js"
import { firstIssue } from "./issues.js"

export type { Case, Verdict } from "./effect3-schemas.js"

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** The Effect 3 edition's folder (its tsconfig maps `#core/*` for the child process). */
export const effect3Folder = here("../../../effect3/")

/** The Effect 3 edition's verdicts on `cases`, from its own process (Effect 3 and 4 cannot share one). */
export const effect3Verdicts = (cases: ReadonlyArray<Case>): ReadonlyArray<Verdict> => {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli")
  const child = spawnSync(process.execPath, [tsx, here("./effect3-schemas.ts")], {
    cwd: effect3Folder,
    input: JSON.stringify(cases),
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024
  })
  if (child.status !== 0) throw new Error(`The Effect 3 process failed: ${child.stderr}`)
  return JSON.parse(child.stdout) as ReadonlyArray<Verdict>
}

/** This edition's schemas by exported name. */
export const schemas = S as unknown as Record<string, Schema.Codec<unknown, unknown>>

/** This edition's verdict on a case. */
export const effect4Verdict = ({ input, shape }: Case): Verdict => {
  const schema = schemas[shape]
  if (schema === undefined) throw new Error(`The Effect 4 edition has no schema ${shape}`)
  const decoded = Schema.decodeUnknownResult(schema)(input)
  if (Result.isSuccess(decoded)) return { ok: true, wire: JSON.parse(JSON.stringify(Schema.encodeSync(schema)(decoded.success))) }
  return { ok: false, ...firstIssue(schema, input)! }
}
