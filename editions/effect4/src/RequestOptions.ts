/**
 * What one call may change: its idempotency key, its timeout, its retries, the longest answer it reads.
 *
 * @since 1.0.0
 */
import type { Duration } from "effect"

/**
 * Per-request options.
 *
 * @since 1.0.0
 */
export interface RequestOptions {
  /** The `Idempotency-Key` to send (POST and PATCH). Default: one generated once per call. */
  readonly idempotencyKey?: string | undefined
  /** The per-attempt timeout, covering the body. Default: the client's (30 s). */
  readonly timeout?: Duration.Input | undefined
  /** Retries after the first attempt. Default: the client's (2). */
  readonly maxRetries?: number | undefined
  /** The longest answer read, in bytes; a longer one fails the call at once. Default: the client's (16 MiB). */
  readonly maxResponseBytes?: number | undefined
}

/**
 * Per-request options of a call that sends no body (GET, DELETE): no idempotency key to give.
 *
 * @since 1.0.0
 */
export type ReadOptions = Pick<RequestOptions, "timeout" | "maxRetries" | "maxResponseBytes">
