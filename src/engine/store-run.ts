/**
 * One store's run: the time this process holds the store's lease and pushes to it. Its rows come from two
 * sources, the table (read with the claim, after a notification from another process, and by the sweep) and
 * this process's own commits, handed over in memory as soon as they commit. A row's version (bumped by every
 * write) decides between two sightings of it, so an older value never follows a newer one to the store.
 *
 * Terms:
 * - item: one row to push, with the version it was written at and when its value counts from.
 * - seen: per listing, the newest version this run has taken for a push and the quantity the store last
 *   acknowledged, kept while its confirmation is being written and a grace period after.
 */
import type { DesiredChange } from '../store/ops/desired.ts';
import type { ClaimedStore, DirtyRow } from '../store/ops/dispatch.ts';

export interface RunItem {
  listingId: string; sku: string; externalId: string; externalLocationId: string | null;
  desired: number; version: number;
  /** The store's last confirmed quantity as the row showed it when read or written. */
  confirmed: number | null;
  /**
   * Read from the table after this run's confirmations were written, so `confirmed` is current (a report from
   * the store included). A handed-over row's was read by its writer, maybe before a confirmation committed.
   */
  fromTable: boolean;
  /** Lag origin (ms): the commit that set the value when it was handed over, else the row's desired_at. */
  originMs: number;
  /** The row's desired_at (ms): when the change arrived, for the end-to-end lag. */
  arrivedMs: number;
}

/** An item as a push sends it, with the last confirmed quantity it names (Shopify's compare-and-set). */
export type SentItem = RunItem & { lastConfirmed: number | null };

export const itemFromRow = (r: DirtyRow): RunItem => ({
  listingId: r.listing_id, sku: r.sku, externalId: r.external_id, externalLocationId: r.external_location_id,
  desired: r.desired, version: r.version, confirmed: r.confirmed, fromTable: true, originMs: Date.parse(r.desired_at), arrivedMs: Date.parse(r.desired_at),
});

export const itemFromChange = (c: DesiredChange, committedAt: number): RunItem => ({
  listingId: c.listingId, sku: c.sku, externalId: c.externalId, externalLocationId: c.externalLocationId,
  desired: c.desired, version: c.version, confirmed: c.confirmed, fromTable: false, originMs: committedAt, arrivedMs: Date.parse(c.desiredAt),
});

/**
 * How long an acknowledged quantity is remembered after its confirmation committed (ms): long enough for a
 * handover whose write read the row just before that commit to arrive; entries living longer would only add to
 * the heap under a backlog of hundreds of thousands of rows.
 */
const SEEN_GRACE_MS = 1000;

/** keepUntil of an entry whose confirmation is not written yet (an integer, so the field stays small). */
const KEEP = -1;

export class StoreRun {
  /** Rows waiting to be pushed, oldest change first (a Map keeps insertion order). */
  readonly pending = new Map<string, RunItem>();
  private readonly seen = new Map<string, { version: number; acked: number | null; keepUntil: number }>();
  /** The table may hold rows this run has not seen: read it (after this store's confirmations are written). */
  needRead = false;
  /** The last read filled its batch: read again once what it returned has been pushed. */
  moreAfterPush = false;
  reading = false;
  /** Set when the run is to end at the next step (fairness, share, lost lease, stop). */
  yieldRequested = false;
  /** The lease was lost: end without releasing it. */
  lost = false;
  /** A read failed: the run ends as a failure. */
  failure: Error | null = null;
  ending = false;
  /** The latest confirmation (and failure record) of this store, in order behind the earlier ones. */
  confirming: Promise<unknown> = Promise.resolve();
  readonly drifted = new Set<string>();
  readonly startedAt = performance.now();
  lastPushAt = performance.now();
  pushed = 0;
  private wakeUp: (() => void) | null = null;
  private lastPrune = performance.now();

  constructor(readonly store: ClaimedStore, readonly warm: boolean) {}

  /** Queues an item unless this run already has it or something newer. Returns whether it was queued. */
  offer(item: RunItem): boolean {
    const s = this.seen.get(item.listingId);
    if (s && s.version >= item.version) return false;
    const p = this.pending.get(item.listingId);
    if (p && p.version >= item.version) return false;
    this.pending.delete(item.listingId);
    this.pending.set(item.listingId, item);
    return true;
  }

  /** Queues an item again (drift: the store's own level is now the last confirmed), unless something newer waits. */
  requeue(item: RunItem): void {
    const p = this.pending.get(item.listingId);
    if (!p || p.version < item.version) this.pending.set(item.listingId, item);
  }

  /**
   * Takes up to `n` items, newest change first, with the last confirmed quantity each push should name: the
   * row's for a row read from the table, else the quantity the store last acknowledged, if this run knows it.
   */
  take(n: number): SentItem[] {
    const all = [...this.pending.values()];
    const out = all.slice(Math.max(0, all.length - n)).reverse();
    for (const item of out) {
      this.pending.delete(item.listingId);
      const s = this.seen.get(item.listingId);
      if (s) { s.version = item.version; s.keepUntil = KEEP; } else this.seen.set(item.listingId, { version: item.version, acked: null, keepUntil: KEEP });
    }
    return out.map((item) => ({ ...item, lastConfirmed: item.fromTable ? item.confirmed : this.seen.get(item.listingId)!.acked ?? item.confirmed }));
  }

  /** The store acknowledged (or, on drift, reported) `quantity` for the item at `version`. */
  acked(listingId: string, version: number, quantity: number): void {
    const s = this.seen.get(listingId);
    if (!s) { this.seen.set(listingId, { version, acked: quantity, keepUntil: KEEP }); return; }
    if (s.version > version) return;
    s.version = version;
    s.acked = quantity;
    s.keepUntil = KEEP;
  }

  /** The confirmation of these items committed: forget them after the grace period. */
  confirmed(items: readonly { listingId: string; version: number }[], now: number): void {
    for (const i of items) {
      const s = this.seen.get(i.listingId);
      if (s && s.version === i.version) s.keepUntil = Math.round(now + SEEN_GRACE_MS);
    }
    if (now - this.lastPrune < SEEN_GRACE_MS / 4) return;
    this.lastPrune = now;
    for (const [id, s] of this.seen) if (s.keepUntil !== KEEP && s.keepUntil < now) this.seen.delete(id);
  }

  /** Wakes the run if it is waiting. */
  kick(): void {
    const w = this.wakeUp;
    this.wakeUp = null;
    w?.();
  }

  /** Waits for a kick, or `timeoutMs`. */
  idle(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => { this.wakeUp = null; resolve(); }, timeoutMs);
      timer.unref?.();
      this.wakeUp = () => { clearTimeout(timer); resolve(); };
    });
  }
}
