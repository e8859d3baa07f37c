/**
 * Is the project's `effect` the Effect 4 this edition is for? Forced in beside the other major
 * (npm refuses it without `--force` or `--legacy-peer-deps`), this edition says which one to
 * install (core/edition.ts) wherever its own code runs first: in CommonJS at the first `require` of
 * any entry point, which imports this module before anything else; in an ES module program, whose
 * imports a wrong `effect` usually fails before any code runs, at the client's first use.
 */
import { editionMismatch } from "#core/edition.js"
import { checkAtLoad, effectVersion } from "./effectVersion.js"
import { VERSION } from "./version.js"

let checked = false

/** Throws the message naming the edition to install when the project's `effect` is not Effect 4; cached once it passes. */
export const checkEdition = (): void => {
  if (checked) return
  const problem = editionMismatch({ version: VERSION, effectMajor: 4 }, effectVersion())
  if (problem !== undefined) throw new Error(problem)
  checked = true
}

if (checkAtLoad) checkEdition()
