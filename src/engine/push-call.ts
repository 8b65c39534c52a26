/**
 * The connector call of a push: its timeout, which follows the store's measured time per call and per item, and
 * the sorting of its answer into acknowledged and failed items (used by the dispatcher's store runs).
 *
 * Terms:
 * - item failure: an item the store did not take. `actual`: the store's own level when it said so (drift).
 *   `retryable` (the connector's word): false for errors a retry cannot fix soon (an unknown item, stock not
 *   managed), which back the listing off by itself; true for errors retried with the store.
 */
import type { Connector, PushItem, PushResult } from '../connectors/types.ts';
import type { Clock } from '../domain/types.ts';
import type { DirtyRow } from '../store/ops/dispatch.ts';
import type { Scheduler } from './scheduler.ts';

export type ItemFailure = { listingId: string; error: string; actual: number | null; retryable: boolean };

export type SendResult =
  | { acks: { listingId: string; quantity: number }[]; fails: ItemFailure[]; retryAfterMs: number; durationMs: number }
  | { error: string; durationMs: number };

/**
 * A store's measured push time, so its timeout follows what its calls really take: a least-squares fit of
 * duration = perCall + perItem x items over the recent calls (older calls weigh less, by `DECAY` a call). A call
 * that timed out counts as taking its timeout, so a store that became slower gets longer timeouts at once.
 */
export class PushTiming {
  private static readonly DECAY = 0.8;
  private w = 0; private sx = 0; private sy = 0; private sxx = 0; private sxy = 0;

  record(items: number, ms: number): void {
    const d = PushTiming.DECAY;
    this.w = this.w * d + 1; this.sx = this.sx * d + items; this.sy = this.sy * d + ms;
    this.sxx = this.sxx * d + items * items; this.sxy = this.sxy * d + items * ms;
  }

  /** Expected duration of a call of `items` items (ms), or null before any call was measured. */
  expectedMs(items: number): number | null {
    if (this.w === 0) return null;
    const mx = this.sx / this.w, my = this.sy / this.w;
    const varX = this.sxx / this.w - mx * mx;
    // All calls of one size so far: scale by size (never below what such a call took).
    if (varX < 1e-6) return my * Math.max(1, mx > 0 ? items / mx : 1);
    const perItem = Math.max(0, (this.sxy / this.w - mx * my) / varX);
    const perCall = Math.max(0, my - perItem * mx);
    return perCall + perItem * items;
  }
}

export interface TimeoutSettings {
  /** The least timeout of a call, and the timeout of a store's first calls before anything was measured (plus the per-item allowance). */
  pushTimeoutMs: number;
  /** A measured store's timeout: this many times the expected duration of the call, at least pushTimeoutMs. */
  pushTimeoutFactor: number;
  /** Allowance per item of a call to a store not measured yet. */
  pushTimeoutPerItemMs: number;
}

export function pushTimeoutMs(timing: PushTiming, items: number, s: TimeoutSettings): number {
  const expected = timing.expectedMs(items);
  if (expected === null) return s.pushTimeoutMs + s.pushTimeoutPerItemMs * items;
  return Math.max(s.pushTimeoutMs, Math.ceil(s.pushTimeoutFactor * expected));
}

class Timeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, scheduler: Scheduler): Promise<T> {
  let cancel = () => {};
  const t = new Promise<never>((_, reject) => { cancel = scheduler.after(ms, () => reject(new Timeout(`push timed out after ${ms} ms`))); });
  return Promise.race([p, t]).finally(() => cancel());
}

/** The items of a push as the connector takes them, naming the last confirmed quantity (Shopify's compare-and-set). */
export function pushItems(rows: readonly DirtyRow[]): PushItem[] {
  return rows.map((r) => ({
    listingId: r.listing_id, sku: r.sku, externalId: r.external_id, externalLocationId: r.external_location_id,
    quantity: r.desired, lastConfirmed: r.confirmed,
  }));
}

/** One connector call with a timeout; each item sorted into acknowledged or failed, or the call's error. */
export async function sendPush(
  connector: Connector, rows: readonly DirtyRow[], timing: PushTiming, s: TimeoutSettings, clock: Clock, scheduler: Scheduler,
): Promise<SendResult> {
  const timeout = pushTimeoutMs(timing, rows.length, s);
  const t0 = clock.now();
  let result: PushResult;
  try {
    result = await withTimeout(connector.push(pushItems(rows)), timeout, scheduler);
  } catch (err) {
    if (err instanceof Timeout) timing.record(rows.length, timeout);
    return { error: (err as Error).message ?? String(err), durationMs: clock.now() - t0 };
  }
  const durationMs = clock.now() - t0;
  timing.record(rows.length, durationMs);
  const open = new Set(rows.map((r) => r.listing_id));
  const acks: { listingId: string; quantity: number }[] = [];
  const fails: ItemFailure[] = [];
  for (const r of result.items) {
    if (!open.delete(r.listingId)) continue;
    if (r.ok) acks.push({ listingId: r.listingId, quantity: r.quantity });
    else fails.push({ listingId: r.listingId, error: r.error, actual: r.actual ?? null, retryable: r.actual !== undefined || r.retryable !== false });
  }
  for (const id of open) fails.push({ listingId: id, error: 'not acknowledged', actual: null, retryable: true });
  return { acks, fails, retryAfterMs: result.retryAfterMs ?? 0, durationMs };
}
