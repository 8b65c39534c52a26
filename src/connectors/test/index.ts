/**
 * The in-process test connector: records every batch it is sent, holds a level per externalId, and can be told
 * to fail, stall, answer slowly, fail some items, report drift or ask to slow down. Deterministic: nothing
 * random, no timers unless `delayMs` is set. One instance per store id, shared by every engine in the process,
 * so it can also detect two pushes to one store overlapping.
 */
import type {
  CompensationResult, ConflictInfo, Connector, ConnectorDeps, LevelReading, OrdersPage, PushItem, PushResult,
  RateLimitState, RemoteOrder, StoreConnection,
} from '../types.ts';

export class TestConnector implements Connector {
  readonly platform = 'test' as const;
  maxBatch: number;
  /** What the "store" shows, per externalId. */
  readonly levels = new Map<string, number>();
  /** Every batch pushed, in order. */
  readonly batches: PushItem[][] = [];
  /** Whole push calls to fail from now (then succeed); Infinity = until told otherwise. */
  failCalls = 0;
  failError = 'test failure';
  /** externalIds whose items fail (retryable) while in the set. */
  readonly failItems = new Set<string>();
  /** externalIds the store rejects for good (not retryable: an unknown item) while in the set. */
  readonly rejectItems = new Set<string>();
  /** externalId -> quantity the store really shows: the next push of it fails as stale with this `actual`. */
  readonly driftOnce = new Map<string, number>();
  /** Set on every push result while defined. */
  retryAfterMs: number | undefined;
  /** Returned by rateLimit(). */
  rateWaitMs = 0;
  /** Real-time delay per push (benchmarks / slow answers). */
  delayMs = 0;
  /** Orders fetchOrders returns (all of them after the cursor index). */
  readonly orders: RemoteOrder[] = [];
  readonly compensations: ConflictInfo[] = [];
  compensateFailCalls = 0;
  inflight = 0;
  maxInflight = 0;
  /** Pushes that started while another push to this store was running. */
  overlaps = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  private waiters: (() => void)[] = [];

  constructor(readonly storeId: string, maxBatch = 250) { this.maxBatch = maxBatch; }

  /** Pushes wait until the returned function is called. */
  stall(): () => void {
    this.gate = new Promise((resolve) => { this.openGate = resolve; });
    return () => { this.openGate?.(); this.gate = null; };
  }

  /** Resolves once a push is in flight (for tests that stall a push and act meanwhile). */
  whenPushing(): Promise<void> {
    return this.inflight > 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  async push(items: PushItem[]): Promise<PushResult> {
    this.inflight++;
    if (this.inflight > 1) this.overlaps++;
    this.maxInflight = Math.max(this.maxInflight, this.inflight);
    for (const w of this.waiters.splice(0)) w();
    try {
      this.batches.push(items.map((i) => ({ ...i })));
      if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.gate) await this.gate;
      if (this.failCalls > 0) {
        this.failCalls--;
        throw new Error(this.failError);
      }
      const out: PushResult = {
        items: items.map((i) => {
          const actual = this.driftOnce.get(i.externalId);
          if (actual !== undefined) {
            this.driftOnce.delete(i.externalId);
            this.levels.set(i.externalId, actual);
            return { listingId: i.listingId, ok: false as const, error: 'stale', retryable: true, actual };
          }
          if (this.failItems.has(i.externalId)) return { listingId: i.listingId, ok: false as const, error: 'item failed', retryable: true };
          if (this.rejectItems.has(i.externalId)) return { listingId: i.listingId, ok: false as const, error: 'unknown item', retryable: false };
          this.levels.set(i.externalId, i.quantity);
          return { listingId: i.listingId, ok: true as const, quantity: i.quantity };
        }),
      };
      if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
      return out;
    } finally {
      this.inflight--;
    }
  }

  /** readLevels (reconciliation) waits until the returned function is called. */
  stallReads(): () => void {
    let open = () => {};
    this.readGate = new Promise((resolve) => { open = resolve; });
    return () => { open(); this.readGate = null; };
  }
  /** Calls of readLevels so far. */
  levelReads = 0;
  private readGate: Promise<void> | null = null;

  async readLevels(externalIds?: string[]): Promise<LevelReading[]> {
    this.levelReads++;
    if (this.readGate) await this.readGate;
    const ids = externalIds ?? [...this.levels.keys()];
    return ids.filter((id) => this.levels.has(id)).map((id) => ({ externalId: id, quantity: this.levels.get(id)! }));
  }

  async fetchOrders(cursor: string | null): Promise<OrdersPage> {
    const from = cursor ? Number(cursor) : 0;
    return { orders: this.orders.slice(from), cursor: String(this.orders.length) };
  }

  async compensate(conflict: ConflictInfo): Promise<CompensationResult> {
    if (this.compensateFailCalls > 0) {
      this.compensateFailCalls--;
      throw new Error('compensation failed');
    }
    this.compensations.push(conflict);
    const cancel = conflict.action === 'cancel';
    return { cancelled: cancel, ...(cancel ? { code: `SORRY-${conflict.conflictId}` } : {}), detail: `test: ${conflict.action}` };
  }

  rateLimit(): RateLimitState {
    return { waitMs: this.rateWaitMs };
  }

  /** Total items pushed over all batches. */
  get pushedItems(): number {
    return this.batches.reduce((s, b) => s + b.length, 0);
  }
}

const instances = new Map<string, TestConnector>();

/** The test connector of a store (created on first use). */
export function testConnector(storeId: string): TestConnector {
  let c = instances.get(storeId);
  if (!c) instances.set(storeId, (c = new TestConnector(storeId)));
  return c;
}

export function createTestConnector(store: StoreConnection, _deps: ConnectorDeps): Connector {
  const c = testConnector(store.storeId);
  const mb = store.config.maxBatch;
  if (typeof mb === 'number' && mb > 0) c.maxBatch = mb;
  return c;
}
