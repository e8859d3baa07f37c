/**
 * The data of the in-memory Xtopay: accounts, customers (kept sorted per account, and per email
 * once anyone filters by email), payment methods, subscriptions and setup intents. Plain mutable
 * data, changed only by whole synchronous steps, so no request ever sees a half-made change.
 */
import { type IdGenerator, makeIdGenerator } from "./ids.js"
import { HostedLinks, type RandomToken } from "./links.js"
import {
  isoTime,
  type WireCustomer as Customer,
  type WireDeliveryAttempt as DeliveryAttempt,
  type WireEvent,
  type WirePaymentMethod as PaymentMethod,
  type WireSetupIntent as SetupIntent,
  type WireSubscription as Subscription,
  type WireWebhookEndpoint as WebhookEndpoint
} from "./objects.js"
import { type Keyed, type PageOf, type PageQuery, readPage, SortedIndex } from "./sortedIndex.js"
import type { DeliveryFailure } from "./deliveries.js"

export interface Account {
  readonly id: string
  /** The secret this client id was first used with. */
  secret: string | undefined
  readonly customers: SortedIndex<CustomerRecord>
  /** Built on the first list by email, then kept up to date. */
  byEmail: EmailIndex | undefined
  /** How many synthetic customers were seeded, to number the next ones. */
  synthetic: number
  readonly webhookEndpoints: SortedIndex<WebhookEndpointRecord>
  /** Newest last; pruned to the last 30 days as they are read. */
  readonly events: SortedIndex<EventRecord>
  /** Every object of this account by id: ids are per account, so no account can reach, collide with or learn of another's. */
  readonly byId: {
    readonly customers: Map<string, CustomerRecord>
    readonly paymentMethods: Map<string, PaymentMethodRecord>
    readonly setupIntents: Map<string, SetupIntentRecord>
    readonly webhookEndpoints: Map<string, WebhookEndpointRecord>
    readonly events: Map<string, EventRecord>
  }
  /** Object ids; events and delivery attempts are numbered apart, so recording them never changes an object's id. */
  readonly ids: IdGenerator
  readonly eventIds: IdGenerator
  readonly attemptIds: IdGenerator
}

/** A generator's seed for one account and stream: the fake's seed mixed with the client id (FNV-1a), so no account's ids follow from another's. */
const accountSeed = (idSeed: number, stream: number, accountId: string): number => {
  let hash = (0x811c9dc5 ^ idSeed ^ stream) >>> 0
  for (let i = 0; i < accountId.length; i++) hash = Math.imul(hash ^ accountId.charCodeAt(i), 0x01000193) >>> 0
  return hash
}

export interface WebhookEndpointRecord extends Keyed {
  readonly account: Account
  endpoint: WebhookEndpoint
  /** The secret of the credential that created the endpoint: deliveries to it are signed with it. */
  readonly secret: string
}

export interface EventRecord extends Keyed {
  readonly account: Account
  readonly event: WireEvent
  /** The body of every delivery and of `GET /events/:id`. */
  readonly json: string
  /** Oldest first. */
  readonly attempts: SortedIndex<DeliveryAttemptRecord>
}

export interface DeliveryAttemptRecord extends Keyed {
  readonly attempt: DeliveryAttempt
  /** Why it failed (a mock-only detail, not on the wire attempt); absent when it succeeded. */
  readonly failure?: DeliveryFailure | undefined
}

/** Events are kept this long. */
export const EVENT_LIFETIME_MILLIS = 30 * 24 * 60 * 60 * 1000

/** Customers by email: the one customer with that email, or an index when several share it (rare, and cheaper so). */
type EmailIndex = Map<string, CustomerRecord | SortedIndex<CustomerRecord>>

export interface CustomerRecord extends Keyed {
  readonly account: Account
  customer: Customer
  /** The customer's JSON as create, update and lists answer it, cached until it changes. */
  json: string | undefined
  /** The JSON of `GET /customers/:id` (with subscriptions and payment methods), cached until any of them changes. */
  detailsJson: string | undefined
  subscriptions: Array<Subscription> | undefined
  paymentMethods: SortedIndex<PaymentMethodRecord> | undefined
}

export interface PaymentMethodRecord extends Keyed {
  readonly account: Account
  method: PaymentMethod
  owner: CustomerRecord
}

export interface SetupIntentRecord {
  readonly account: Account
  readonly intent: SetupIntent
  readonly expiresAtMillis: number
  completed: boolean
}

/** The fields of a new customer. */
export interface NewCustomer {
  readonly id?: string | undefined
  readonly email: string
  readonly name?: string | null | undefined
  readonly phone?: string | null | undefined
  readonly currency?: string | undefined
  readonly metadata?: Readonly<Record<string, string>> | undefined
}

/** The fields of an update: `undefined` leaves a field alone; a `null` metadata value removes the key. */
export interface CustomerPatch {
  readonly email?: string | undefined
  readonly name?: string | null | undefined
  readonly phone?: string | null | undefined
  readonly currency?: string | undefined
  readonly metadata?: Readonly<Record<string, string | null>> | undefined
}

/** Metadata after an update: the patch's keys set, its `null`s removed. */
export const mergeMetadata = (
  before: Readonly<Record<string, string>>,
  patch: Readonly<Record<string, string | null>>
): Readonly<Record<string, string>> => {
  const merged: Record<string, string> = { ...before }
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete merged[key]
    else merged[key] = value
  }
  return merged
}

const EMPTY_METADATA: Readonly<Record<string, string>> = Object.freeze({})

export class State {
  readonly accounts = new Map<string, Account>()
  /** The setup and portal links handed out, and what each opens. */
  readonly links: HostedLinks
  /** Events recorded since the backend last took them, to deliver. */
  private fresh: Array<EventRecord> = []
  private lastMillis = Number.NaN
  private lastTime = ""

  constructor(private readonly idSeed: number, randomToken: RandomToken) {
    this.links = new HostedLinks(randomToken)
  }

  /** The wire time of `millis`, formatted once per distinct millisecond in a row (a million records made at once share one). */
  time(millis: number): string {
    if (millis !== this.lastMillis) {
      this.lastMillis = millis
      this.lastTime = isoTime(millis)
    }
    return this.lastTime
  }

  account(id: string): Account {
    let account = this.accounts.get(id)
    if (account === undefined) {
      account = {
        id,
        secret: undefined,
        customers: new SortedIndex(),
        byEmail: undefined,
        synthetic: 0,
        webhookEndpoints: new SortedIndex(),
        events: new SortedIndex(),
        byId: { customers: new Map(), paymentMethods: new Map(), setupIntents: new Map(), webhookEndpoints: new Map(), events: new Map() },
        ids: makeIdGenerator(accountSeed(this.idSeed, 0x2f6b8d1a, id)),
        eventIds: makeIdGenerator(accountSeed(this.idSeed, 0x2c1b3c6d, id)),
        attemptIds: makeIdGenerator(accountSeed(this.idSeed, 0x297a2d39, id))
      }
      this.accounts.set(id, account)
    }
    return account
  }

  /** Removes an account and everything in it; the next use of its id starts an empty one. */
  removeAccount(id: string): void {
    const account = this.accounts.get(id)
    if (account === undefined) return
    this.links.forgetAccount(account)
    this.fresh = this.fresh.filter((event) => event.account !== account)
    this.accounts.delete(id)
  }

  /** Is this the account's current record (not one removed by a reset)? */
  isCurrent(account: Account): boolean {
    return this.accounts.get(account.id) === account
  }

  isIdTaken(account: Account, id: string): boolean {
    const byId = account.byId
    return byId.customers.has(id) || byId.paymentMethods.has(id) || byId.setupIntents.has(id) ||
      byId.webhookEndpoints.has(id) || byId.events.has(id)
  }

  /** A fresh id from `ids`, skipping any the account holds already (a seeded fixture id, say). */
  nextId(account: Account, prefix: string, ids: IdGenerator = account.ids): string {
    let id = ids.next(prefix)
    while (this.isIdTaken(account, id)) id = ids.next(prefix)
    return id
  }

  /** The objects of every account, for the test's own all-seeing control (the first account that has the id). */
  findAnywhere<K extends keyof Account["byId"]>(kind: K, id: string): ReturnType<Account["byId"][K]["get"]> {
    for (const account of this.accounts.values()) {
      const found = account.byId[kind].get(id)
      if (found !== undefined) return found as ReturnType<Account["byId"][K]["get"]>
    }
    return undefined as ReturnType<Account["byId"][K]["get"]>
  }

  // -- customers -------------------------------------------------------------------------------

  private makeCustomerRecord(account: Account, fields: NewCustomer, millis: number): CustomerRecord {
    const id = fields.id ?? this.nextId(account, "cus_")
    return {
      id,
      millis,
      account,
      customer: {
        id,
        email: fields.email,
        name: fields.name ?? null,
        phone: fields.phone ?? null,
        currency: fields.currency ?? "GHS",
        metadata: fields.metadata ?? EMPTY_METADATA,
        created_at: this.time(millis)
      },
      json: undefined,
      detailsJson: undefined,
      subscriptions: undefined,
      paymentMethods: undefined
    }
  }

  createCustomer(account: Account, fields: NewCustomer, millis: number): CustomerRecord {
    const record = this.makeCustomerRecord(account, fields, millis)
    account.byId.customers.set(record.id, record)
    account.customers.insert(record)
    if (account.byEmail !== undefined) this.indexEmail(account.byEmail, record)
    return record
  }

  /** `count` synthetic customers made at `millis`, as fast as plain objects allow. */
  seedCustomers(account: Account, count: number, millis: number): void {
    const created_at = this.time(millis)
    const batch: Array<CustomerRecord> = new Array(count)
    const start = account.synthetic
    for (let i = 0; i < count; i++) {
      const id = this.nextId(account, "cus_")
      const record: CustomerRecord = {
        id,
        millis,
        account,
        customer: {
          id,
          email: `customer${start + i + 1}@example.com`,
          name: null,
          phone: null,
          currency: "GHS",
          metadata: EMPTY_METADATA,
          created_at
        },
        json: undefined,
        detailsJson: undefined,
        subscriptions: undefined,
        paymentMethods: undefined
      }
      batch[i] = record
      account.byId.customers.set(id, record)
    }
    account.synthetic = start + count
    account.customers.insertMany(batch)
    if (account.byEmail !== undefined) for (const record of batch) this.indexEmail(account.byEmail, record)
  }

  /** A customer of this account, or `undefined` (another account's customer is as good as missing). */
  findCustomer(account: Account, id: string): CustomerRecord | undefined {
    return account.byId.customers.get(id)
  }

  updateCustomer(record: CustomerRecord, patch: CustomerPatch): void {
    const before = record.customer
    const metadata = patch.metadata === undefined ? before.metadata : mergeMetadata(before.metadata, patch.metadata)
    const after: Customer = {
      ...before,
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.phone !== undefined ? { phone: patch.phone } : {}),
      ...(patch.currency !== undefined ? { currency: patch.currency } : {}),
      metadata
    }
    const byEmail = record.account.byEmail
    if (byEmail !== undefined && after.email !== before.email) {
      this.unindexEmail(byEmail, record)
      record.customer = after
      this.indexEmail(byEmail, record)
    }
    record.customer = after
    record.json = undefined
    record.detailsJson = undefined
  }

  /** Removes the customer, cancelling its subscriptions and removing its payment methods. */
  deleteCustomer(record: CustomerRecord): void {
    const account = record.account
    account.byId.customers.delete(record.id)
    account.customers.remove(record)
    if (account.byEmail !== undefined) this.unindexEmail(account.byEmail, record)
    if (record.subscriptions !== undefined) {
      record.subscriptions = record.subscriptions.map((subscription) => ({ ...subscription, status: "cancelled" }))
    }
    const methods = record.paymentMethods
    if (methods !== undefined) {
      for (let i = 0; i < methods.size; i++) account.byId.paymentMethods.delete(methods.get(i)!.id)
      record.paymentMethods = undefined
    }
  }

  listCustomers(account: Account, email: string | undefined, query: PageQuery): PageOf<CustomerRecord> {
    if (email === undefined) return readPage(account.customers, query)
    const found = this.emailIndex(account).get(email)
    if (found === undefined || found instanceof SortedIndex) return readPage(found, query)
    const single = new SortedIndex<CustomerRecord>()
    single.insert(found)
    return readPage(single, query)
  }

  private emailIndex(account: Account): EmailIndex {
    if (account.byEmail === undefined) {
      const byEmail: EmailIndex = new Map()
      for (let i = 0; i < account.customers.size; i++) this.indexEmail(byEmail, account.customers.get(i)!)
      account.byEmail = byEmail
    }
    return account.byEmail
  }

  private indexEmail(byEmail: EmailIndex, record: CustomerRecord): void {
    const email = record.customer.email
    const found = byEmail.get(email)
    if (found === undefined) {
      byEmail.set(email, record)
    } else if (found instanceof SortedIndex) {
      found.insert(record)
    } else {
      const index = new SortedIndex<CustomerRecord>()
      index.insert(found)
      index.insert(record)
      byEmail.set(email, index)
    }
  }

  private unindexEmail(byEmail: EmailIndex, record: CustomerRecord): void {
    const email = record.customer.email
    const found = byEmail.get(email)
    if (found === record) {
      byEmail.delete(email)
    } else if (found instanceof SortedIndex) {
      found.remove(record)
      if (found.size === 1) byEmail.set(email, found.get(0)!)
    }
  }

  // -- subscriptions and payment methods -------------------------------------------------------

  addSubscription(record: CustomerRecord, subscription: Subscription): void {
    record.subscriptions = [...(record.subscriptions ?? []), subscription]
    record.detailsJson = undefined
  }

  /** The customer's subscriptions, newest first. */
  subscriptionsOf(record: CustomerRecord): ReadonlyArray<Subscription> {
    const subscriptions = record.subscriptions
    if (subscriptions === undefined || subscriptions.length === 0) return []
    return [...subscriptions].sort((a, b) =>
      Date.parse(b.created_at) - Date.parse(a.created_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
    )
  }

  attachPaymentMethod(owner: CustomerRecord, method: Omit<PaymentMethod, "customer_id">, millis: number): PaymentMethodRecord {
    const pm: PaymentMethodRecord = {
      id: method.id,
      millis,
      account: owner.account,
      method: { ...method, customer_id: owner.id },
      owner
    }
    owner.account.byId.paymentMethods.set(pm.id, pm)
    ;(owner.paymentMethods ??= new SortedIndex()).insert(pm)
    owner.detailsJson = undefined
    return pm
  }

  findPaymentMethod(account: Account, id: string): PaymentMethodRecord | undefined {
    return account.byId.paymentMethods.get(id)
  }

  /** The customer's payment methods, newest first. */
  paymentMethodsOf(record: CustomerRecord): ReadonlyArray<PaymentMethod> {
    const methods = record.paymentMethods
    if (methods === undefined) return []
    const out: Array<PaymentMethod> = []
    for (let i = methods.size - 1; i >= 0; i--) out.push(methods.get(i)!.method)
    return out
  }

  listPaymentMethods(record: CustomerRecord, query: PageQuery): PageOf<PaymentMethodRecord> {
    return readPage(record.paymentMethods, query)
  }

  /** Detaches the method: it answers once more with `customer_id: null`, then is gone. */
  detachPaymentMethod(pm: PaymentMethodRecord): PaymentMethod {
    pm.account.byId.paymentMethods.delete(pm.id)
    pm.owner.paymentMethods?.remove(pm)
    pm.owner.detailsJson = undefined
    return { ...pm.method, customer_id: null }
  }

  // -- setup intents ---------------------------------------------------------------------------

  createSetupIntent(owner: CustomerRecord, intent: SetupIntent, expiresAtMillis: number): SetupIntentRecord {
    const record: SetupIntentRecord = { account: owner.account, intent, expiresAtMillis, completed: false }
    owner.account.byId.setupIntents.set(intent.id, record)
    return record
  }

  // -- webhook endpoints -----------------------------------------------------------------------

  createWebhookEndpoint(account: Account, endpoint: WebhookEndpoint, secret: string, millis: number): WebhookEndpointRecord {
    const record: WebhookEndpointRecord = { id: endpoint.id, millis, account, endpoint, secret }
    account.byId.webhookEndpoints.set(record.id, record)
    account.webhookEndpoints.insert(record)
    return record
  }

  findWebhookEndpoint(account: Account, id: string): WebhookEndpointRecord | undefined {
    return account.byId.webhookEndpoints.get(id)
  }

  deleteWebhookEndpoint(record: WebhookEndpointRecord): void {
    record.account.byId.webhookEndpoints.delete(record.id)
    record.account.webhookEndpoints.remove(record)
  }

  listWebhookEndpoints(account: Account, query: PageQuery): PageOf<WebhookEndpointRecord> {
    return readPage(account.webhookEndpoints, query)
  }

  /** The account's active endpoints that take events of `type` (an empty `events` list takes every type). */
  endpointsFor(account: Account, type: string): Array<WebhookEndpointRecord> {
    const out: Array<WebhookEndpointRecord> = []
    for (let i = 0; i < account.webhookEndpoints.size; i++) {
      const record = account.webhookEndpoints.get(i)!
      const { events, status } = record.endpoint
      if (status === "active" && (events.length === 0 || events.includes(type))) out.push(record)
    }
    return out
  }

  // -- events ----------------------------------------------------------------------------------

  /** Records an event about `data` (already encoded) and queues it for delivery. */
  recordEvent(account: Account, type: string, data: unknown, millis: number): EventRecord {
    const id = this.nextId(account, "evt_", account.eventIds)
    const event: WireEvent = { id, type, created_at: isoTime(millis), data }
    const record: EventRecord = { id, millis, account, event, json: JSON.stringify(event), attempts: new SortedIndex() }
    account.byId.events.set(id, record)
    account.events.insert(record)
    this.fresh.push(record)
    return record
  }

  /** Queues an event for delivery again (a replay). */
  redeliver(record: EventRecord): void {
    this.fresh.push(record)
  }

  /** The events recorded (or replayed) since the last call, oldest first. */
  takeFresh(): ReadonlyArray<EventRecord> {
    const fresh = this.fresh
    if (fresh.length > 0) this.fresh = []
    return fresh
  }

  /** Forgets the account's events older than 30 days. */
  pruneEvents(account: Account, now: number): void {
    const events = account.events
    let oldest = events.get(0)
    while (oldest !== undefined && oldest.millis < now - EVENT_LIFETIME_MILLIS) {
      events.remove(oldest)
      account.byId.events.delete(oldest.id)
      oldest = events.get(0)
    }
  }

  findEvent(account: Account, id: string, now: number): EventRecord | undefined {
    this.pruneEvents(account, now)
    return account.byId.events.get(id)
  }

  /** One page of the account's events, newest first, of one type and inside a time window when asked. */
  listEvents(
    account: Account,
    filter: { readonly type?: string | undefined; readonly after?: number | undefined; readonly before?: number | undefined },
    query: PageQuery,
    now: number
  ): PageOf<EventRecord> {
    this.pruneEvents(account, now)
    if (filter.type === undefined && filter.after === undefined && filter.before === undefined) {
      return readPage(account.events, query)
    }
    // A filtered copy keeps the same keys, so the cursors of a filtered walk stay stable under inserts.
    const matching: Array<EventRecord> = []
    for (let i = 0; i < account.events.size; i++) {
      const record = account.events.get(i)!
      if (filter.type !== undefined && record.event.type !== filter.type) continue
      if (filter.after !== undefined && record.millis <= filter.after) continue
      if (filter.before !== undefined && record.millis >= filter.before) continue
      matching.push(record)
    }
    const index = new SortedIndex<EventRecord>()
    index.insertMany(matching)
    return readPage(index, query)
  }

  recordAttempt(event: EventRecord, attempt: DeliveryAttempt, millis: number, failure?: DeliveryFailure): void {
    event.attempts.insert({ id: attempt.id, millis, attempt, failure })
  }
}
