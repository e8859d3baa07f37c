/**
 * The fault plans of the in-memory Xtopay: which requests fail, and how.
 */
import { matchOperation, operations, routeKey } from "../api.js"

/**
 * What a fault does to a request (the edition's `XtopayControl` documents each).
 */
export type Fault =
  | { readonly _tag: "Status"; readonly status: number; readonly code?: string | undefined; readonly message?: string | undefined }
  | { readonly _tag: "RateLimit"; readonly retryAfterSeconds: number }
  | { readonly _tag: "Drop"; readonly when: "before-headers" | "mid-body" }
  | { readonly _tag: "Stall" }
  | { readonly _tag: "Delay"; readonly millis: number }
  | { readonly _tag: "TruncatedJson" }

/** Apply `fault` to the next `times` requests (to `route` only, when given), one in `every`. */
export interface FaultPlan {
  readonly times: number
  readonly route?: string | undefined
  readonly fault: Fault
  readonly every?: number | undefined
}

/**
 * What is wrong with a plan's `route` ("METHOD /template" or "METHOD /concrete/path"), or
 * `undefined` when it names an operation: a plan that can never fire is refused, not kept unseen.
 */
export const faultRouteProblem = (route: string): string | undefined => {
  const trimmed = route.trim()
  if (operations.some((op) => routeKey(op) === trimmed)) return undefined
  const space = trimmed.indexOf(" ")
  if (space > 0 && matchOperation(trimmed.slice(0, space), trimmed.slice(space + 1)).op !== undefined) return undefined
  return `No operation has the route ${JSON.stringify(route)}: the routes are ${operations.map(routeKey).join(", ")}`
}

/** A plan as the queue holds it: how many faults are left, and how many requests it was offered. */
interface PendingPlan {
  /** Only requests whose credentials name this client id meet the plan; `undefined`: every request. */
  readonly account: string | undefined
  readonly route: string | undefined
  readonly fault: Fault
  /** Fault one request in this many (1: every one). */
  readonly every: number
  remaining: number
  offered: number
}

/** `every` as a whole number ≥ 1 (anything else counts as 1: every request). */
const wholeEvery = (every: number | undefined): number =>
  every !== undefined && Number.isFinite(every) && every >= 1 ? Math.floor(every) : 1

/**
 * Pending fault plans, offered each request in the order they were injected. A plan with `every: k`
 * takes only the k-th, 2k-th, … request it is offered and passes the others on to the plans after it.
 */
export class FaultQueue {
  private plans: Array<PendingPlan> = []

  add(plans: ReadonlyArray<FaultPlan>, account?: string): void {
    for (const plan of plans) {
      if (plan.times > 0) {
        this.plans.push({
          account,
          route: plan.route?.trim(),
          fault: plan.fault,
          every: wholeEvery(plan.every),
          remaining: plan.times,
          offered: 0
        })
      }
    }
  }

  /** Is a `Delay` planned? Only then can an answer be held back (the in-memory transport races its deadline only then). */
  hasDelays(): boolean {
    return this.plans.some((plan) => plan.fault._tag === "Delay")
  }

  /** Removes every plan, or (given an account) that account's own plans. */
  clear(account?: string): void {
    this.plans = account === undefined ? [] : this.plans.filter((plan) => plan.account !== account)
  }

  /**
   * The fault for this request, if a plan matches it (`"METHOD /template"` or `"METHOD /path"`, and
   * the account its credentials name); uses one of its times.
   */
  take(method: string, template: string | undefined, path: string, account: string | undefined): Fault | undefined {
    if (this.plans.length === 0) return undefined
    const byTemplate = template === undefined ? undefined : `${method} ${template}`
    const byPath = `${method} ${path}`
    for (let index = 0; index < this.plans.length; index++) {
      const plan = this.plans[index]!
      if (plan.account !== undefined && plan.account !== account) continue
      if (plan.route !== undefined && plan.route !== byTemplate && plan.route !== byPath) continue
      plan.offered += 1
      if (plan.offered % plan.every !== 0) continue
      plan.remaining -= 1
      if (plan.remaining <= 0) this.plans.splice(index, 1)
      return plan.fault
    }
    return undefined
  }
}
