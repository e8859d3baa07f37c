// Registered with `--import`: hides the packages named in HIDE_PEERS (comma-separated) from module
// resolution, as if they were not installed, with Node's own error code and wording.
import { register } from "node:module"

register(
  "data:text/javascript," + encodeURIComponent(`
const hidden = (process.env.HIDE_PEERS ?? "").split(",").filter(Boolean)
export async function resolve(specifier, context, next) {
  const name = hidden.find((peer) => specifier === peer || specifier.startsWith(peer + "/"))
  if (name !== undefined) {
    const error = new Error("Cannot find package '" + name + "' imported from " + (context.parentURL ?? "?"))
    error.code = "ERR_MODULE_NOT_FOUND"
    throw error
  }
  return next(specifier, context)
}`)
)
