/**
 * Reconciliation and webhook entry points: the store's real levels repair drift (never the pool: the engine's
 * number is pushed back), missed orders are committed from polling, and webhook health sets the poll interval.
 */
import { DropsyncError } from '../domain/errors.ts';
import type { RemoteOrder } from '../connectors/types.ts';
import { insertDrift } from '../store/ops/dispatch.ts';
import { lockDesiredRows, notifyStores } from '../store/ops/desired.ts';
import { findOrderByPlatformId, loadStoreOwner } from '../store/ops/orders.ts';
import { countWebhook, finishReconcile, loadStore, loadStoreListings, setConfirmed } from '../store/ops/stores.ts';
import type { ConnectorCache } from './connectors.ts';
import { iso, type Ctx } from './context.ts';
import { closeOrder, readOrder, submitOrder, type SubmitOutcome } from './orders.ts';
import type { OrderResult, OrderSource, ReconcileResult } from './types.ts';

/** Drift: readings that differ from confirmed become confirmed (so rows whose desired differs are pushed again). */
async function applyReadings(ctx: Ctx, storeId: string, supplierId: string, readings: { externalId: string; quantity: number }[], source: string): Promise<number> {
  if (readings.length === 0) return 0;
  const at = iso(ctx.clock.now());
  return ctx.db.transaction(async (tx) => {
    const listings = await loadStoreListings(tx, storeId, readings.map((r) => r.externalId));
    const byExt = new Map(listings.map((l) => [l.external_id, l]));
    const changed: { listingId: string; quantity: number }[] = [];
    const drift = [];
    for (const r of readings) {
      const l = byExt.get(r.externalId);
      if (!l || l.desired === null || r.quantity === l.confirmed) continue;
      changed.push({ listingId: l.listing_id, quantity: r.quantity });
      // The echo of our own push (store now shows desired) is not drift.
      if (r.quantity !== l.desired) drift.push({ supplierId, storeId, listingId: l.listing_id, sku: l.sku, expected: l.confirmed, actual: r.quantity, source });
    }
    await lockDesiredRows(tx, changed.map((c) => c.listingId));
    await setConfirmed(tx, changed, at);
    await insertDrift(tx, drift, at);
    if (changed.length) await notifyStores(tx, [storeId]);
    return drift.length;
  });
}

export async function receiveLevel(ctx: Ctx, storeId: string, externalId: string, quantity: number): Promise<{ drift: boolean }> {
  if (!Number.isSafeInteger(quantity)) throw new DropsyncError('invalid', 'integer', 'quantity');
  const store = await loadStore(ctx.db, storeId);
  if (!store) throw new DropsyncError('not_found', 'no such store', 'storeId');
  return { drift: (await applyReadings(ctx, storeId, store.supplier_id, [{ externalId, quantity }], 'webhook')) > 0 };
}

/** Maps lines without a SKU to one through the store's listings (by externalId). */
async function linesOf(ctx: Ctx, storeId: string, order: RemoteOrder): Promise<{ sku: string | null; quantity: number }[]> {
  const missing = order.lines.filter((l) => !l.sku && l.externalId).map((l) => l.externalId!);
  const byExt = new Map((missing.length ? await loadStoreListings(ctx.db, storeId, missing) : []).map((l) => [l.external_id, l.sku]));
  return order.lines.map((l) => ({ sku: l.sku ?? (l.externalId ? byExt.get(l.externalId) ?? null : null), quantity: l.quantity }));
}

export async function receiveOrder(ctx: Ctx, storeId: string, order: RemoteOrder, source: OrderSource): Promise<SubmitOutcome> {
  const owner = await loadStoreOwner(ctx.db, storeId);
  if (!owner) throw new DropsyncError('not_found', 'no such store', 'storeId');
  if (source === 'webhook') await countWebhook(ctx.db, storeId);
  if (order.status === 'cancelled') {
    const existing = await findOrderByPlatformId(ctx.db, owner.supplier_id, storeId, order.platformOrderId);
    if (existing) {
      if (existing.status === 'cancelled' || existing.status === 'fulfilled') return { supplierId: owner.supplier_id, result: await readOrder(ctx.db, existing, true), skus: [], conflicts: 0 };
      return closeOrder(ctx, owner.supplier_id, existing.id, 'cancelled');
    }
  }
  return submitOrder(ctx, owner.supplier_id, storeId, {
    platformOrderId: order.platformOrderId, name: order.name ?? `${order.platformOrderId}`, email: order.email ?? null,
    placedAt: order.createdAt, status: order.status, lines: await linesOf(ctx, storeId, order),
  }, source);
}

export async function receiveOrderCancelled(ctx: Ctx, storeId: string, platformOrderId: string): Promise<SubmitOutcome | null> {
  const owner = await loadStoreOwner(ctx.db, storeId);
  if (!owner) throw new DropsyncError('not_found', 'no such store', 'storeId');
  const existing = await findOrderByPlatformId(ctx.db, owner.supplier_id, storeId, platformOrderId);
  if (!existing) return null;
  if (existing.status === 'cancelled' || existing.status === 'fulfilled') return { supplierId: owner.supplier_id, result: await readOrder(ctx.db, existing, true), skus: [], conflicts: 0 };
  return closeOrder(ctx, owner.supplier_id, existing.id, 'cancelled');
}

export async function reconcileStore(
  ctx: Ctx, connectors: ConnectorCache, storeId: string, onOrder: (o: SubmitOutcome) => void,
): Promise<ReconcileResult> {
  const store = await loadStore(ctx.db, storeId);
  if (!store) throw new DropsyncError('not_found', 'no such store', 'storeId');
  const connector = connectors.get(store);
  const listings = await loadStoreListings(ctx.db, storeId);
  const levels = listings.length ? await connector.readLevels(listings.map((l) => l.external_id)) : [];
  const drift = await applyReadings(ctx, storeId, store.supplier_id, levels, 'reconcile');
  let cursor = store.orders_cursor;
  let found = 0, fresh = 0;
  for (let page = 0; page < 100; page++) {
    const res = await connector.fetchOrders(cursor);
    for (const o of res.orders) {
      found++;
      const out = await receiveOrder(ctx, storeId, o, 'poll');
      if (!out.result.duplicate) { fresh++; onOrder(out); }
    }
    const moved = res.cursor !== cursor;
    cursor = res.cursor;
    if (res.orders.length === 0 || !moved) break;
  }
  await finishReconcile(ctx.db, storeId, cursor, fresh, iso(ctx.clock.now()));
  // Platform upkeep (Shopify: re-create removed webhook subscriptions); its failure never fails the reconciliation.
  if (connector.maintain) await connector.maintain().catch((err: unknown) => ctx.log.warn({ err, storeId }, 'connector upkeep failed'));
  return { storeId, levelsRead: levels.length, drift, ordersFound: found, ordersNew: fresh };
}

export type { OrderResult };
