/** Read models: one SKU's numbers explained (its quantities and ledger) and one store's sync health. */
import { DropsyncError } from '../domain/errors.ts';
import { readLedger } from '../store/ops/ledger.ts';
import { desiredOfSku } from '../store/ops/desired.ts';
import { skuLocations } from '../store/ops/levels.ts';
import { countDirty, listingProblems } from '../store/ops/dispatch.ts';
import { lagStats, loadStore, reconcileIntervalSeconds } from '../store/ops/stores.ts';
import { computeAllocations } from './recompute.ts';
import { iso, type Ctx } from './context.ts';
import type { SkuView, StoreSyncView } from './types.ts';

export async function getSku(ctx: Ctx, supplierId: string, sku: string, ledgerLimit = 50): Promise<SkuView> {
  const now = ctx.clock.now();
  const { skus, targets } = await computeAllocations(ctx.db, supplierId, [sku], now, { withVelocity: true });
  const a = skus.get(sku);
  if (!a) throw new DropsyncError('not_found', 'unknown SKU', 'sku');
  const [desired, locations, ledger] = await Promise.all([
    desiredOfSku(ctx.db, supplierId, sku),
    skuLocations(ctx.db, supplierId, sku),
    readLedger(ctx.db, supplierId, sku, ledgerLimit),
  ]);
  const d = new Map(desired.map((r) => [r.listing_id, r]));
  return {
    sku, name: a.state.name, category: a.state.category, listed: a.state.listed, quantities: a.result, strategy: a.strategy,
    velocity: a.velocity,
    locations: locations.map((l) => ({ locationId: l.location_id, onHand: l.on_hand, shared: l.shared, lastSetAt: l.last_set_at ? iso(Date.parse(l.last_set_at)) : null })),
    stores: targets.map((t) => ({
      storeId: t.store_id, retailerId: t.retailer_id, listingId: t.listing_id, shown: a.result.shown[t.retailer_id] ?? 0,
      desired: d.get(t.listing_id)?.desired ?? null, confirmed: d.get(t.listing_id)?.confirmed ?? null,
    })),
    ledger: ledger.map((l) => ({
      id: l.id, at: iso(Date.parse(l.at)), kind: l.kind, locationId: l.location_id, ref: l.ref, deltaOnHand: l.delta_on_hand,
      deltaCommitted: l.delta_committed, deltaHeld: l.delta_held, onHand: l.on_hand, committed: l.committed, held: l.held, atp: l.atp,
    })),
  };
}

const isoOrNull = (s: string | null) => (s ? iso(Date.parse(s)) : null);

export async function storeSync(ctx: Ctx, storeId: string, sinceMs?: number): Promise<StoreSyncView> {
  const store = await loadStore(ctx.db, storeId);
  if (!store) throw new DropsyncError('not_found', 'no such store', 'storeId');
  const lag = await lagStats(ctx.db, storeId, iso(Math.max(ctx.clock.now() - 3_600_000, sinceMs ?? 0)));
  const depth = await countDirty(ctx.db, storeId);
  const problems = await listingProblems(ctx.db, storeId);
  return {
    storeId, health: store.health, lagP50Ms: lag.p50, lagP99Ms: lag.p99, queueDepth: depth, lastPushAt: isoOrNull(store.last_push_at),
    lastError: store.last_error, failures: store.failures, circuitOpenUntil: isoOrNull(store.circuit_open_until),
    nextAttemptAt: isoOrNull(store.next_attempt_at), webhooksSeen: store.webhooks_seen, ordersByPoll: store.orders_by_poll,
    lastReconcileAt: isoOrNull(store.last_reconcile_at), reconcileIntervalSeconds: reconcileIntervalSeconds(store.webhooks_seen, store.orders_by_poll),
    listingProblems: problems.map((p) => ({ listingId: p.listing_id, sku: p.sku, error: p.last_error, attempts: p.attempts, nextAttemptAt: iso(Date.parse(p.retry_at)) })),
  };
}
