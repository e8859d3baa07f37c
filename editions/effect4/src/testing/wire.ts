/**
 * What the in-memory Xtopay takes and gives, independent of how it is reached: the in-memory
 * `HttpClient` of `XtopayTest` and the mock HTTP server both translate to and from these. The
 * types live in core (`core/fake/wire.ts`), shared by every edition.
 *
 * @since 1.0.0
 */
export type {
  /**
   * A complete answer.
   *
   * @since 1.0.0
   */
  WireAnswer,
  /**
   * What to do with a request: answer it, drop the connection, or stall it part-way.
   *
   * @since 1.0.0
   */
  WireOutcome,
  /**
   * A request as it arrived.
   *
   * @since 1.0.0
   */
  WireRequest
} from "#core/fake/wire.js"
