/**
 * The connector call of a push and what its failures leave behind (used by the dispatcher's store runs).
 *
 * Terms:
 * - sent item (SentItem, store-run.ts): a row as pushed, with the last confirmed quantity the push names.
 * - item failure: an item the store did not take; `actual` is the store's own level when it said so (drift).
 */
import type { Connector, PushItem, PushResult } from '../connectors/types.ts';
import { insertDrift, recordItemFailures, type ClaimedStore } from '../store/ops/dispatch.ts';
import { lockDesiredRows } from '../store/ops/desired.ts';
import { iso, type Ctx } from './context.ts';
import { retryTx } from './retry.ts';
import type { SentItem } from './store-run.ts';

export type ItemFailure = { listingId: string; error: string; actual: number | null };

class Timeout extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Timeout(`push timed out after ${ms} ms`)), ms); timer.unref?.(); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** One connector call with a timeout; each item sorted into acknowledged or failed, or the call's error. */
export async function sendPush(connector: Connector, items: SentItem[], timeoutMs: number): Promise<
  | { acks: { listingId: string; quantity: number }[]; fails: ItemFailure[]; retryAfterMs: number; durationMs: number }
  | { error: string; durationMs: number }
> {
  const push: PushItem[] = items.map((i) => ({
    listingId: i.listingId, sku: i.sku, externalId: i.externalId, externalLocationId: i.externalLocationId,
    quantity: i.desired, lastConfirmed: i.lastConfirmed,
  }));
  const t0 = performance.now();
  let result: PushResult;
  try {
    result = await withTimeout(connector.push(push), timeoutMs);
  } catch (err) {
    return { error: (err as Error).message ?? String(err), durationMs: Math.round(performance.now() - t0) };
  }
  const open = new Set(items.map((i) => i.listingId));
  const acks: { listingId: string; quantity: number }[] = [];
  const fails: ItemFailure[] = [];
  for (const r of result.items) {
    if (!open.delete(r.listingId)) continue;
    if (r.ok) acks.push({ listingId: r.listingId, quantity: r.quantity });
    else fails.push({ listingId: r.listingId, error: r.error, actual: r.actual ?? null });
  }
  for (const id of open) fails.push({ listingId: id, error: 'not acknowledged', actual: null });
  return { acks, fails, retryAfterMs: result.retryAfterMs ?? 0, durationMs: Math.round(performance.now() - t0) };
}

/**
 * Records failed items: attempts and errors, and for drift (an item that came back with the store's actual level)
 * that level as confirmed and a drift line.
 */
export async function recordFailures(ctx: Ctx, store: ClaimedStore, items: ReadonlyMap<string, SentItem>, fails: ItemFailure[]): Promise<void> {
  const at = iso(ctx.clock.now());
  const drift = fails.filter((f) => f.actual !== null).map((f) => {
    const item = items.get(f.listingId)!;
    return { supplierId: store.supplier_id, storeId: store.id, listingId: f.listingId, sku: item.sku, expected: item.lastConfirmed, actual: f.actual!, source: 'push_stale' };
  });
  await retryTx(() => ctx.db.transaction(async (tx) => {
    await lockDesiredRows(tx, fails.map((f) => f.listingId));
    await recordItemFailures(tx, store.id, fails, at);
    await insertDrift(tx, drift, at);
  }));
}
