/**
 * What `effect-xtopay` exports of the modules ported so far, under the Effect 3 edition's index
 * names: the docs' Effect 4 samples import the package by name, and this is what they get.
 */
export * from "../../src/Schemas.js"
export {
  type CommonError,
  ConnectionError,
  Forbidden,
  IdempotencyConflict,
  InvalidRequest,
  isXtopayError,
  NotFound,
  RateLimited,
  ServerError,
  TypeId as XtopayErrorTypeId,
  Unauthorized,
  UnexpectedResponse,
  type XtopayError
} from "../../src/XtopayError.js"
