import { Effect } from "effect"
import { InvalidRequest } from "../XtopayError.js"

/** `prefetch` is how many pages to fetch ahead: a whole number from 0 to 16. */
export const validatePrefetch = (prefetch: number | undefined): Effect.Effect<number, InvalidRequest> =>
  prefetch === undefined
    ? Effect.succeed(0)
    : Number.isInteger(prefetch) && prefetch >= 0 && prefetch <= 16
    ? Effect.succeed(prefetch)
    : Effect.fail(
      new InvalidRequest({
        code: "parameter_invalid",
        param: "prefetch",
        message: `Invalid prefetch: expected a whole number from 0 to 16, got ${prefetch}`
      })
    )
