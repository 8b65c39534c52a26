/**
 * Terms:
 * - stock event: `set` (absolute on-hand at a location) or `adjust` (delta), idempotent by `id`.
 * - stale set: a `set` older than the newest `set` already applied for that (SKU, location); recorded, changes nothing.
 * - ledger: append-only lines, one per change, with the resulting onHand/committed/held/atp.
 * - desired / confirmed: per listing, what the store should show and what it last acknowledged; a row is dirty
 *   while they differ. The dispatcher pushes dirty rows; the row, not a message, is the truth.
 * - lease: a store is pushed by one process at a time (`stores.lease_owner/lease_until`).
 * - drift: the store showed something other than what was last confirmed.
 * - conflict: units of a retailer order that lost the race for the last units; compensated after commit.
 *
 * Rule values (table `rules`, column `value`, JSON), read leniently:
 *   own_reserve: {"units": n} | {"percent": p}
 *   buffer:      {"percent": p} | {"units": n} | {"formula": true} | {"table": true}
 *   threshold:   {"units": n}  (a bare number is accepted too)
 *   strategy:    {"strategy": "hybrid"}  (a bare string is accepted too)
 */
import type { Clock, SkuAllocationResult, Strategy } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import type { RemoteOrder } from '../connectors/types.ts';
import type { Scheduler } from './scheduler.ts';
import type { DesiredChanges } from './desired-changes.ts';

export interface StockEventInput {
  /** Idempotency key, unique per supplier. */
  id: string;
  sku: string;
  /** Supplier location id; an unknown location is created (shared) so stock is never lost. */
  location: string;
  kind: 'set' | 'adjust';
  /** `set`: the new absolute on-hand (>= 0). */
  quantity?: number;
  /** `adjust`: signed change. */
  delta?: number;
  /** ISO 8601 time the change happened at the source. */
  occurredAt: string;
  source?: string;
  /** e.g. sale, return, receiving, correction. A negative adjust with a sale-like reason counts as a sale for velocity. */
  reason?: string;
}

export type EventStatus = 'applied' | 'duplicate' | 'stale' | 'invalid';

export interface EventResult {
  id: string;
  status: EventStatus;
  /** Why invalid/stale, naming the field for invalid input. */
  reason?: string;
  /** The SKU was unknown and has been created as unlisted. */
  createdSku?: boolean;
}

export interface IngestResult {
  results: EventResult[];
  applied: number;
  duplicate: number;
  stale: number;
  invalid: number;
  /** SKUs created as unlisted by this batch. */
  createdSkus: string[];
}

export type OrderSource = 'webhook' | 'poll' | 'api';

export interface OrderInput {
  platformOrderId: string;
  name?: string;
  email?: string | null;
  /** ISO time; default now. */
  placedAt?: string;
  /** A hold this order converts (its units move from held to committed). */
  holdId?: string;
  /** Orders arriving already cancelled are recorded and commit nothing. */
  status?: 'open' | 'cancelled';
  lines: { sku: string | null; quantity: number }[];
}

export type OrderStatus = 'accepted' | 'partial' | 'conflict' | 'fulfilled' | 'cancelled';

export interface OrderLineResult {
  sku: string;
  quantity: number;
  accepted: number;
  /** Units that lost the race (conflict). */
  short: number;
  /** The supplier does not carry this SKU: reported, nothing committed. */
  unknownSku: boolean;
}

export interface OrderResult {
  orderId: string;
  status: OrderStatus;
  /** True when (store, platform order id) was seen before: nothing changed. */
  duplicate: boolean;
  lines: OrderLineResult[];
  conflictIds: string[];
}

export interface HoldInput {
  sku: string;
  quantity: number;
  storeId?: string | null;
  /** 600..900 seconds; default 900. */
  ttlSeconds?: number;
}

export interface HoldView {
  id: string;
  sku: string;
  quantity: number;
  storeId: string | null;
  expiresAt: string;
  status: 'active' | 'converted' | 'released' | 'expired';
}

export interface StoreQuantity {
  storeId: string;
  retailerId: string;
  listingId: string;
  shown: number;
  desired: number | null;
  confirmed: number | null;
}

export interface LedgerLine {
  id: number;
  at: string;
  kind: string;
  locationId: string | null;
  ref: string | null;
  deltaOnHand: number;
  deltaCommitted: number;
  deltaHeld: number;
  onHand: number;
  committed: number;
  held: number;
  atp: number;
}

export interface SkuView {
  sku: string;
  name: string | null;
  category: string | null;
  listed: boolean;
  quantities: SkuAllocationResult;
  strategy: Strategy;
  /** All-channel units/day over the trailing window. */
  velocity: number;
  locations: { locationId: string; onHand: number; shared: boolean; lastSetAt: string | null }[];
  stores: StoreQuantity[];
  ledger: LedgerLine[];
}

export interface StoreSyncView {
  storeId: string;
  health: 'healthy' | 'degraded' | 'unhealthy';
  /** Event committed -> store acknowledged, over the last hour; null without data. */
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  /** Dirty listings (desired distinct from confirmed). */
  queueDepth: number;
  lastPushAt: string | null;
  lastError: string | null;
  failures: number;
  circuitOpenUntil: string | null;
  nextAttemptAt: string | null;
  webhooksSeen: number;
  ordersByPoll: number;
  lastReconcileAt: string | null;
  /** Seconds between reconciliations this store gets, from webhook health. */
  reconcileIntervalSeconds: number;
  /** Listings the store rejected for good, each backing off by itself (the rest of the store syncs on). */
  listingProblems: ListingProblem[];
}

export interface ListingProblem { listingId: string; sku: string; error: string; attempts: number; nextAttemptAt: string }

export interface ReconcileResult {
  storeId: string;
  levelsRead: number;
  drift: number;
  ordersFound: number;
  ordersNew: number;
}

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug?(obj: object | string, msg?: string): void;
}

export interface EngineOptions {
  db: Db;
  clock: Clock;
  logger?: Logger;
  /** Opens sealed store credentials (AES-256-GCM, built by the HTTP layer). Default: parse as JSON or {}. */
  decryptCredentials?: (sealed: string | null) => Record<string, string>;
  /** Handed to every connector: e.g. where it saves credentials it rotates (Shopify's expiring tokens). */
  connectorDeps?: Omit<import('../connectors/types.ts').ConnectorDeps, 'clock'>;
  /** Lease owner name; default host:pid:random. */
  processId?: string;
  /** Id generator; default crypto.randomUUID with a prefix. */
  newId?: (prefix: string) => string;
  /** Safety-net sweep period of the dispatcher (real timer). Default 1000 ms. */
  sweepMs?: number;
  /**
   * How long a store lease lasts unless renewed; a live process renews the leases of the stores it is pushing
   * every third of it, so after a crash another process takes those stores over within this time. Default 10 s.
   */
  leaseMs?: number;
  /**
   * Push timeouts follow each store's measured time (a fit of time per call and per item over its recent calls):
   * a call is abandoned (its rows stay dirty, the store backs off) after `pushTimeoutFactor` (default 4) times
   * its expected duration, and never before `pushTimeoutMs` (default 20 s). Before a store was measured, a call
   * gets pushTimeoutMs plus `pushTimeoutPerItemMs` (default 250) per item. A call that timed out counts as
   * taking its timeout, so the next one gets longer.
   */
  pushTimeoutMs?: number;
  pushTimeoutFactor?: number;
  pushTimeoutPerItemMs?: number;
  /** Backoff base/cap in ms (SQL computes base * 2^failures, capped, times jitter 0.5-1). Default 500 / 30000. */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Consecutive failures that open a store's circuit (default 5) and mark it unhealthy (default 10). */
  circuitAfter?: number;
  unhealthyAfter?: number;
  /** Slow retry pace of an unhealthy store. Default 60 s. */
  unhealthyRetryMs?: number;
  /**
   * Most stores one process pushes at once. Default: no fixed limit, every store that has work (up to this
   * process's even share of the stores among the live processes).
   */
  concurrency?: number;
  /**
   * A listing the store rejects for good (an item error its connector marks not retryable) backs off by itself:
   * base * 2^attempts, capped, with jitter; the rest of the store keeps syncing. Default 5 s / 10 min.
   */
  listingBackoffBaseMs?: number;
  listingBackoffCapMs?: number;
  /** The engine's timers (sweep, heartbeat, warm runs, push timeouts). Default: Node's timers. Tests drive them by hand. */
  scheduler?: Scheduler;
  /** How often due reconciliations are looked for (default 5 s), how many stores reconcile at once (default 4). */
  reconcileTickMs?: number;
  reconcileConcurrency?: number;
  /** A scheduled reconciliation reads every level of the store at most this often (orders at every turn). Default 15 min. */
  reconcileLevelsEveryMs?: number;
  /** Retention of push_log (default 7 days), drift (30 days) and lag histograms (30 days), pruned every `pruneEveryMs` (10 min). */
  pushLogRetentionMs?: number;
  driftRetentionMs?: number;
  lagRetentionMs?: number;
  pruneEveryMs?: number;
  /**
   * How long a store stays leased after its last push, so this process's next change to it is pushed straight
   * from memory instead of through a notification, a claim and a read. Default 1000 ms.
   */
  warmMs?: number;
  /**
   * Ingest transactions of one supplier running at once; calls arriving meanwhile wait and are applied together
   * in the next one (group commit). Default 1 on PGlite, 2 on a server.
   */
  ingestWidth?: number;
  /** Reconciliation on start(): default true. */
  reconcile?: boolean;
}

export type EngineEvent = 'desired' | 'pushed' | 'stock' | 'order' | 'conflict';

/** The `desired` event: how many desired rows a commit changed, per store (counts and ids, never the rows). */
export interface DesiredEvent {
  supplierId: string;
  count: number;
  stores: { storeId: string; count: number }[];
  /** The desired_at the changed rows carry (one per transaction): benchmarks match acknowledgements to commits by it. */
  desiredAt: string[];
}

export interface Engine {
  readonly db: Db;
  readonly processId: string;
  /** Applies a call's stock events (up to 1,000). Each is checked on its own, so they are taken as received. */
  ingestEvents(supplierId: string, events: readonly (StockEventInput | unknown)[]): Promise<IngestResult>;
  submitOrder(supplierId: string, storeId: string | null, order: OrderInput, source: OrderSource): Promise<OrderResult>;
  fulfilOrder(supplierId: string, orderId: string): Promise<OrderResult>;
  cancelOrder(supplierId: string, orderId: string): Promise<OrderResult>;
  createHold(supplierId: string, hold: HoldInput): Promise<HoldView>;
  releaseHold(supplierId: string, holdId: string): Promise<HoldView>;
  /** Expires holds past their time (the sweeper calls it); returns how many. */
  expireHolds(): Promise<number>;
  /**
   * Recomputes desired quantities after rules, retailers or listings changed, in a transaction of its own.
   * Returns how many listings' desired changed. Commands that write and recompute together use
   * recomputeWithin and committed instead.
   */
  recompute(supplierId: string, skus: string[] | 'all'): Promise<number>;
  /**
   * Recomputes the desired quantities of `skus` ('all': every SKU of the supplier) inside the caller's
   * transaction `tx`, so a command's write and the quantities it implies commit together or not at all. The
   * changes are gathered into `into` (bounded memory: see DesiredChanges); once `tx` has committed, hand them
   * to `committed`. If `tx` rolls back, drop `into`: nothing was changed.
   */
  recomputeWithin(tx: Db, supplierId: string, skus: readonly string[] | 'all', into: DesiredChanges): Promise<void>;
  /** After the transaction that filled `changes` committed: wakes the stores concerned and emits `desired`. */
  committed(changes: DesiredChanges): void;
  getSku(supplierId: string, sku: string, ledgerLimit?: number): Promise<SkuView>;
  /** Lag figures cover the last hour, or the time since `sinceMs` when that is later (e.g. after an initial full sync). */
  storeSync(storeId: string, opts?: { sinceMs?: number }): Promise<StoreSyncView>;
  /** Runs claim + push rounds until no store has work due now (tests call it instead of waiting). Returns items pushed. */
  dispatchOnce(): Promise<number>;
  reconcileStore(storeId: string): Promise<ReconcileResult>;
  /** Runs pending compensations due now (after-commit work); returns how many were attempted. */
  compensatePending(): Promise<number>;
  // Webhook entry points for the HTTP layer.
  receiveOrder(storeId: string, order: RemoteOrder, source: OrderSource): Promise<OrderResult>;
  receiveOrderCancelled(storeId: string, platformOrderId: string): Promise<OrderResult | null>;
  receiveLevel(storeId: string, externalId: string, quantity: number): Promise<{ drift: boolean }>;
  /** Records a webhook delivery key; true the first time, false for a replay. */
  recordDelivery(storeId: string, deliveryKey: string): Promise<boolean>;
  /** Forgets the cached connector of a store (after its config or credentials changed). */
  invalidateStore(storeId: string): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  on(event: EngineEvent, cb: (payload: unknown) => void): () => void;
}

export interface CreateSupplierInput {
  id?: string;
  name: string;
  locations?: { id: string; name?: string; shared?: boolean }[];
}
