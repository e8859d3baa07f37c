/**
 * The tagged errors of the Effect 4 edition: the Effect 3 edition's tags, fields and messages,
 * yieldable in Effect 4, recognised across copies of the package; and the status → error table
 * (core/errors.ts), which both editions share.
 */
import { assert, describe, it } from "@effect/vitest"
import { Cause, Data, Duration, Effect, Schema } from "effect"
import { classifyAnswer, summarize, tagForStatus, XTOPAY_ERROR_TAGS, type XtopayErrorTag } from "#core/errors.js"
import {
  ConnectionError,
  Forbidden,
  fromResponse,
  IdempotencyConflict,
  InvalidRequest,
  isXtopayError,
  NotFound,
  RateLimited,
  ServerError,
  TypeId,
  Unauthorized,
  UnexpectedResponse,
  type XtopayError
} from "../src/XtopayError.js"

const DOC = "https://docs.xtopay.co/errors"

const classes = {
  InvalidRequest,
  Unauthorized,
  Forbidden,
  NotFound,
  IdempotencyConflict,
  RateLimited,
  ServerError,
  ConnectionError,
  UnexpectedResponse
} as const

/** The class of a tag, as `instanceOf` takes it (a union of classes is not one constructor type). */
const classOf = (tag: XtopayErrorTag) => classes[tag] as new(...args: Array<any>) => XtopayError

/** One of each, with only a message: `ConnectionError` also needs its reason. */
const bare = (tag: XtopayErrorTag, message: string): XtopayError =>
  tag === "ConnectionError" ? new ConnectionError({ message, reason: "Transport" }) : new classes[tag]({ message })

describe("the tagged errors", () => {
  it("the same nine tags as the Effect 3 edition, each named after its tag, each an Error and an XtopayError", () => {
    assert.deepStrictEqual(Object.keys(classes), [...XTOPAY_ERROR_TAGS])
    for (const tag of XTOPAY_ERROR_TAGS) {
      const error = bare(tag, "m")
      assert.strictEqual(error._tag, tag)
      assert.strictEqual(error.name, tag)
      assert.instanceOf(error, Error)
      assert.instanceOf(error, classOf(tag))
      assert.isTrue(isXtopayError(error))
      assert.strictEqual(error[TypeId], TypeId)
      // The schema identifier stays namespaced, so a user's own `NotFound` schema is never ours.
      assert.strictEqual(classes[tag].identifier, `effect-xtopay/${tag}`)
    }
  })

  it("every field the Effect 3 edition's errors carry", () => {
    const cause = new Error("socket hang up")
    const error = new RateLimited({
      status: 429,
      code: "rate_limit_exceeded",
      message: "Too many requests",
      param: "limit",
      docUrl: DOC,
      requestId: "req_429",
      attempts: 3,
      retryAfter: Duration.seconds(7),
      cause
    })
    assert.strictEqual(error.status, 429)
    assert.strictEqual(error.code, "rate_limit_exceeded")
    assert.strictEqual(error.param, "limit")
    assert.strictEqual(error.docUrl, DOC)
    assert.strictEqual(error.requestId, "req_429")
    assert.strictEqual(error.attempts, 3)
    assert.strictEqual(Duration.toMillis(error.retryAfter!), 7_000)
    assert.strictEqual(error.cause, cause)
    const timeout = new ConnectionError({ message: "Timed out after 30 seconds", reason: "Timeout", attempts: 1 })
    assert.strictEqual(timeout.reason, "Timeout")
    assert.isUndefined(timeout.status)
    const redirect = new UnexpectedResponse({ message: "Redirected", status: 302, location: "https://elsewhere.example" })
    assert.strictEqual(redirect.location, "https://elsewhere.example")
  })

  it("the message ends with what Xtopay support asks for first, once, in String(error) and Cause.pretty too", () => {
    const error = new NotFound({ status: 404, code: "customer_not_found", message: "No such customer", requestId: "req_1" })
    const summary = "No such customer [HTTP 404, customer_not_found, request req_1]"
    assert.strictEqual(error.message, summary)
    assert.strictEqual(String(error), `NotFound: ${summary}`)
    assert.include(Cause.pretty(Cause.fail(error)), `NotFound: ${summary}`)
    // Rebuilt from its own fields (a copy, a decoded error) it does not say it twice. (`message` is not
    // an enumerable field in Effect 4, as on a native Error: `{ ...error }` would leave it out.)
    assert.strictEqual(new NotFound({ ...error, message: error.message }).message, summary)
    assert.notProperty({ ...error }, "message")
    assert.strictEqual(new InvalidRequest({ message: "Invalid email: bad", param: "email" }).message, "Invalid email: bad")
  })

  it.effect("each is yieldable, and caught by its tag", () =>
    Effect.gen(function*() {
      for (const tag of XTOPAY_ERROR_TAGS) {
        const failed = yield* Effect.flip(Effect.gen(function*() {
          return yield* bare(tag, `failed with ${tag}`)
        }))
        assert.strictEqual(failed._tag, tag)
        assert.strictEqual(failed.message, `failed with ${tag}`)
      }
      const program: Effect.Effect<string, XtopayError> = Effect.gen(function*() {
        return yield* new NotFound({ message: "gone", status: 404 })
      })
      const recovered = yield* program.pipe(Effect.catchTag("NotFound", (error) => Effect.succeed(`recovered ${error.status}`)))
      assert.strictEqual(recovered, "recovered 404")
    }))

  it("isXtopayError: any copy of the package's errors, nothing else", () => {
    // Another copy of the package (ESM beside CommonJS, two versions) marks its errors with the same registry symbol.
    assert.isTrue(isXtopayError({ [Symbol.for("effect-xtopay/XtopayError")]: Symbol.for("effect-xtopay/XtopayError"), _tag: "NotFound" }))
    class LookalikeNotFound extends Data.TaggedError("NotFound")<{ readonly message: string }> {}
    for (const other of [new LookalikeNotFound({ message: "x" }), new Error("x"), { _tag: "NotFound" }, null, undefined, "NotFound", 404]) {
      assert.isFalse(isXtopayError(other), String(other))
    }
  })

  it("each error goes through JSON with its schema and comes back the same error", () => {
    const errors: ReadonlyArray<XtopayError> = [
      new RateLimited({ status: 429, code: "rate_limit_exceeded", message: "Too many", requestId: "r", attempts: 2, retryAfter: Duration.seconds(7) }),
      new ConnectionError({ message: "Connection reset", reason: "Transport", attempts: 3, cause: new Error("ECONNRESET") }),
      new UnexpectedResponse({ message: "Redirected", status: 302, location: "https://elsewhere.example" })
    ]
    for (const error of errors) {
      const codec = Schema.toCodecJson(classes[error._tag] as unknown as Schema.Codec<XtopayError, unknown>)
      const back = Schema.decodeUnknownSync(codec)(JSON.parse(JSON.stringify(Schema.encodeSync(codec)(error))))
      assert.instanceOf(back, classOf(error._tag))
      assert.isTrue(isXtopayError(back))
      assert.strictEqual(back.message, error.message)
      assert.deepStrictEqual({ ...back, retryAfter: undefined, cause: undefined }, { ...error, retryAfter: undefined, cause: undefined })
      assert.strictEqual(back.retryAfter === undefined ? undefined : Duration.toMillis(back.retryAfter), error.retryAfter === undefined ? undefined : Duration.toMillis(error.retryAfter))
    }
    const reset = Schema.decodeUnknownSync(Schema.toCodecJson(ConnectionError))(
      JSON.parse(JSON.stringify(Schema.encodeSync(Schema.toCodecJson(ConnectionError))(errors[1] as ConnectionError)))
    )
    assert.instanceOf(reset.cause, Error)
    assert.strictEqual((reset.cause as Error).message, "ECONNRESET")
  })

  it("each class is a schema that knows its own instances, not a user's class of the same tag", () => {
    class NotFoundOfTheirs extends Schema.TaggedError<NotFoundOfTheirs>()("NotFound", { message: Schema.String }) {}
    const isOurs = Schema.is(NotFound)
    assert.isTrue(isOurs(new NotFound({ message: "ours" })))
    assert.isFalse(isOurs(new NotFoundOfTheirs({ message: "theirs" })))
  })
})

interface StatusCase {
  readonly status: number
  readonly code: string | undefined
  readonly tag: XtopayErrorTag
}

/** The Effect 3 edition's status table (its errors tests), and the edges of each range. */
const statusCases: ReadonlyArray<StatusCase> = [
  { status: 400, code: "parameter_invalid", tag: "InvalidRequest" },
  { status: 400, code: "invalid_phone", tag: "InvalidRequest" },
  { status: 401, code: "invalid_credentials", tag: "Unauthorized" },
  { status: 403, code: "environment_mismatch", tag: "Forbidden" },
  { status: 404, code: "customer_not_found", tag: "NotFound" },
  { status: 409, code: "idempotency_key_in_use", tag: "IdempotencyConflict" },
  { status: 422, code: "idempotency_key_mismatch", tag: "IdempotencyConflict" },
  { status: 422, code: "email_taken", tag: "InvalidRequest" },
  { status: 422, code: undefined, tag: "InvalidRequest" },
  { status: 429, code: "rate_limit_exceeded", tag: "RateLimited" },
  { status: 500, code: "api_error", tag: "ServerError" },
  { status: 502, code: "api_error", tag: "ServerError" },
  { status: 503, code: "api_error", tag: "ServerError" },
  { status: 599, code: undefined, tag: "ServerError" },
  { status: 300, code: undefined, tag: "UnexpectedResponse" },
  { status: 302, code: undefined, tag: "UnexpectedResponse" },
  { status: 399, code: undefined, tag: "UnexpectedResponse" },
  { status: 408, code: undefined, tag: "ConnectionError" },
  { status: 402, code: "payment_required", tag: "InvalidRequest" },
  { status: 418, code: undefined, tag: "InvalidRequest" },
  { status: 451, code: undefined, tag: "InvalidRequest" }
]

describe("status → tagged error (fromResponse over core's table)", () => {
  for (const c of statusCases) {
    it(`${c.status} ${c.code ?? "(no code)"} → ${c.tag}`, () => {
      assert.strictEqual(tagForStatus(c.status, c.code), c.tag)
      const error = fromResponse({
        status: c.status,
        envelope: c.code === undefined ? undefined : {
          error: { code: c.code, message: `The message for ${c.code}`, param: "email", doc_url: `${DOC}#${c.code}` }
        },
        requestId: `req_${c.status}`,
        retryAfter: undefined,
        attempts: 2
      })
      assert.instanceOf(error, classOf(c.tag))
      assert.strictEqual(error._tag, c.tag)
      assert.strictEqual(error.status, c.status)
      assert.strictEqual(error.code, c.code)
      assert.strictEqual(error.requestId, `req_${c.status}`)
      assert.strictEqual(error.attempts, 2)
      assert.strictEqual(error.param, c.code === undefined ? undefined : "email")
      assert.strictEqual(error.docUrl, c.code === undefined ? undefined : `${DOC}#${c.code}`)
      const suffix = `[HTTP ${c.status}${c.code === undefined ? "" : `, ${c.code}`}, request req_${c.status}]`
      const message = c.tag === "UnexpectedResponse"
        ? `Xtopay answered with a redirect (HTTP ${c.status})`
        : c.code === undefined
        ? `Xtopay answered HTTP ${c.status} without an error body`
        : `The message for ${c.code}`
      assert.strictEqual(error.message, `${message} ${suffix}`)
      if (error._tag === "ConnectionError") assert.strictEqual(error.reason, "Timeout")
    })
  }

  it("429: retryAfter is the Duration the answer gave, or absent", () => {
    const answer = { status: 429, envelope: undefined, requestId: undefined, attempts: 1 }
    const said = fromResponse({ ...answer, retryAfter: Duration.seconds(7) })
    assert.strictEqual(said._tag, "RateLimited")
    assert.strictEqual(Duration.toMillis(said.retryAfter!), 7_000)
    assert.isUndefined(fromResponse({ ...answer, retryAfter: undefined }).retryAfter)
  })

  it("a null param or doc_url is left out, not kept as null", () => {
    const error = fromResponse({
      status: 401,
      envelope: { error: { code: "invalid_credentials", message: "Bad key", param: null, doc_url: null } },
      requestId: undefined,
      retryAfter: undefined,
      attempts: 1
    })
    assert.notProperty(error, "param")
    assert.notProperty(error, "docUrl")
    assert.notProperty(error, "requestId")
    assert.strictEqual(error.message, "Bad key [HTTP 401, invalid_credentials]")
  })
})

describe("core/errors", () => {
  it("classifyAnswer gives the tag and the fields read from the answer, nothing Effect-specific", () => {
    assert.deepStrictEqual(classifyAnswer({ status: 408, error: undefined, requestId: "req_1" }), {
      tag: "ConnectionError",
      reason: "Timeout",
      details: { status: 408, message: "Xtopay answered HTTP 408 without an error body", requestId: "req_1" }
    })
    assert.deepStrictEqual(
      classifyAnswer({ status: 404, error: { code: "customer_not_found", message: "No such customer", param: "id" }, requestId: undefined }),
      { tag: "NotFound", details: { status: 404, message: "No such customer", code: "customer_not_found", param: "id" } }
    )
  })

  it("summarize adds status, code and request id once, and nothing when there are none", () => {
    assert.strictEqual(summarize({ message: "m" }), "m")
    assert.strictEqual(summarize({ message: "m", status: 500 }), "m [HTTP 500]")
    assert.strictEqual(summarize({ message: "m", code: "c", requestId: "r" }), "m [c, request r]")
    const once = summarize({ message: "m", status: 404, code: "c", requestId: "r" })
    assert.strictEqual(summarize({ message: once, status: 404, code: "c", requestId: "r" }), once)
  })
})
