/**
 * The per-attempt timeout, for a transport that enforces it itself (ours): the request path then
 * hands the deadline to the transport (`sendWithin` in `transport.ts`; a traced attempt sets
 * `attemptDeadline` around it instead) rather than racing it with `Effect.timeoutFail`, which forks
 * two fibers per attempt (the largest cost of a call at c=64, docs/performance.md). Every other
 * transport keeps `Effect.timeoutFail`, which the `TestClock` drives.
 */
import { FiberRef, Predicate } from "effect"
import { globalValue } from "effect/GlobalValue"

/** The attempt's budget in milliseconds, headers and body included; `undefined`: none. */
export const attemptDeadline: FiberRef.FiberRef<number | undefined> = globalValue(
  Symbol.for("effect-xtopay/attemptDeadline"),
  () => FiberRef.unsafeMake<number | undefined>(undefined)
)

const EnforcesDeadline: unique symbol = Symbol.for("effect-xtopay/EnforcesDeadline") as never

/** Marks a transport that aborts its request when `attemptDeadline` runs out. */
export const markEnforcesDeadline = <A extends object>(client: A): A => Object.assign(client, { [EnforcesDeadline]: true })

export const enforcesDeadline = (client: unknown): boolean => Predicate.hasProperty(client, EnforcesDeadline)

/** The cause a deadline-enforcing transport fails with when the deadline ran out. */
export class DeadlineExceeded extends Error {
  readonly _tag = "DeadlineExceeded"
  constructor(readonly millis: number) {
    super(`the attempt ran past its ${millis} ms deadline`)
  }
}

export const isDeadlineExceeded = (cause: unknown): cause is DeadlineExceeded =>
  Predicate.isTagged(cause, "DeadlineExceeded")
