/**
 * Retailer orders: deduplicated by (store, platform order id); committed in one transaction
 * with the SKU rows locked in sorted order; atp >= quantity -> accepted, else the units it cannot get are a
 * conflict. Conflicts are compensated after commit (compensate.ts). Fulfil and cancel move units out of committed.
 */
import { DropsyncError, invalid } from '../domain/errors.ts';
import { lockSkus, writeSkuTotals, type SkuTotalsRow } from '../store/ops/skus.ts';
import { appendLedger, type LedgerRow } from '../store/ops/ledger.ts';
import { addSales } from '../store/ops/sales.ts';
import {
  conflictIdsOfOrder, findOrderByPlatformId, insertConflicts, insertOrderIfNew, insertOrderLines, loadOrder, loadOrderLines,
  loadStoreOwner, setOrderStatus, type OrderLineRow, type OrderRow,
} from '../store/ops/orders.ts';
import { lockHold, setHoldStatus } from '../store/ops/holds.ts';
import { fullestSharedLocations } from '../store/ops/levels.ts';
import type { Db } from '../store/types.ts';
import { isoDay, NOTIFY_ALL, recomputeSkus } from './recompute.ts';
import { ingestEvents } from './ingest.ts';
import { iso, type Ctx } from './context.ts';
import type { OrderInput, OrderResult, OrderSource, OrderStatus } from './types.ts';

export const DEFAULT_OVERSELL_COST = 20;

function validateOrder(o: OrderInput): void {
  if (!o || typeof o !== 'object') throw invalid('order', 'must be an object');
  if (typeof o.platformOrderId !== 'string' || o.platformOrderId.trim() === '') throw invalid('platformOrderId', 'required string');
  if (!Array.isArray(o.lines) || o.lines.length === 0) throw invalid('lines', 'at least one line');
  if (o.lines.length > 500) throw invalid('lines', 'at most 500 lines');
  o.lines.forEach((l, i) => {
    if (!Number.isSafeInteger(l?.quantity) || l.quantity <= 0) throw invalid(`lines[${i}].quantity`, 'integer > 0');
    if (l.sku !== null && typeof l.sku !== 'string') throw invalid(`lines[${i}].sku`, 'string or null');
  });
  if (o.placedAt !== undefined && !Number.isFinite(Date.parse(o.placedAt))) throw invalid('placedAt', 'ISO 8601 time');
}

function toResult(order: Pick<OrderRow, 'id' | 'status'>, lines: OrderLineRow[], conflictIds: string[], duplicate: boolean): OrderResult {
  return {
    orderId: order.id, status: order.status as OrderStatus, duplicate, conflictIds,
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, accepted: l.accepted, short: l.short, unknownSku: l.unknown_sku })),
  };
}

export async function readOrder(db: Db, order: OrderRow, duplicate: boolean): Promise<OrderResult> {
  return toResult(order, await loadOrderLines(db, order.id), await conflictIdsOfOrder(db, order.id), duplicate);
}

export interface SubmitOutcome { supplierId: string; result: OrderResult; skus: string[]; conflicts: number }

export async function submitOrder(
  ctx: Ctx, supplierId: string, storeId: string | null, order: OrderInput, source: OrderSource,
): Promise<SubmitOutcome> {
  validateOrder(order);
  const now = ctx.clock.now();
  const at = iso(now);
  return ctx.db.transaction(async (tx) => {
    const owner = storeId ? await loadStoreOwner(tx, storeId) : undefined;
    if (storeId && (!owner || owner.supplier_id !== supplierId)) throw new DropsyncError('not_found', 'no such store', 'storeId');
    const orderId = ctx.newId('ord');
    const inserted = await insertOrderIfNew(tx, {
      id: orderId, supplierId, storeId, retailerId: owner?.retailer_id ?? null, platformOrderId: order.platformOrderId.trim(),
      name: order.name ?? null, email: order.email ?? null, source, holdId: order.holdId ?? null,
      placedAt: order.placedAt ? iso(Date.parse(order.placedAt)) : at, at,
    });
    if (!inserted) {
      const existing = await findOrderByPlatformId(tx, supplierId, storeId, order.platformOrderId.trim());
      if (!existing) throw new DropsyncError('conflict', 'an order with this platform id is being recorded; send it again', 'platformOrderId');
      return { supplierId, result: await readOrder(tx, existing, true), skus: [], conflicts: 0 };
    }
    const codes = order.lines.map((l) => (l.sku ?? '').trim());
    const totals = await lockSkus(tx, supplierId, codes.filter((c) => c !== ''));
    const ledger: LedgerRow[] = [];
    const touched = new Set<string>();
    const line = (t: SkuTotalsRow, kind: string, ref: string, dCommitted: number, dHeld: number, detail?: Record<string, unknown>) => {
      touched.add(t.sku);
      ledger.push({ sku: t.sku, locationId: null, kind, ref, dOnHand: 0, dCommitted, dHeld, onHand: t.on_hand, committed: t.committed, held: t.held, detail: detail ?? null });
    };

    if (order.holdId) {
      const hold = await lockHold(tx, supplierId, order.holdId);
      if (hold && hold.status === 'active' && Date.parse(hold.expires_at) > now) {
        const t = totals.get(hold.sku);
        if (t) {
          t.held -= hold.quantity;
          line(t, 'hold_convert', hold.id, 0, -hold.quantity, { orderId });
          await setHoldStatus(tx, [hold.id], 'converted', orderId);
        }
      }
    }

    const cancelled = order.status === 'cancelled';
    const lines: OrderLineRow[] = order.lines.map((l, i) => {
      const t = totals.get(codes[i]!);
      if (!t) return { line_no: i + 1, sku: codes[i] || '(none)', quantity: l.quantity, accepted: 0, short: 0, unknown_sku: true };
      const atp = t.on_hand - t.committed - t.held;
      const accepted = cancelled ? 0 : Math.max(0, Math.min(l.quantity, atp));
      const short = cancelled ? 0 : l.quantity - accepted;
      t.committed += accepted;
      if (accepted > 0 || short > 0) line(t, 'order', orderId, accepted, 0, { platformOrderId: order.platformOrderId, quantity: l.quantity, short });
      return { line_no: i + 1, sku: t.sku, quantity: l.quantity, accepted, short, unknown_sku: false };
    });
    const acceptedUnits = lines.reduce((s, l) => s + l.accepted, 0);
    const shortUnits = lines.reduce((s, l) => s + l.short, 0);
    const status: OrderStatus = cancelled ? 'cancelled' : shortUnits === 0 ? 'accepted' : acceptedUnits > 0 ? 'partial' : 'conflict';
    if (status !== 'accepted') await setOrderStatus(tx, orderId, status, at);
    await insertOrderLines(tx, supplierId, orderId, lines);
    await writeSkuTotals(tx, supplierId, [...totals.values()].filter((t) => touched.has(t.sku)), at);
    await appendLedger(tx, supplierId, ledger, at);

    const day = isoDay(order.placedAt ? Date.parse(order.placedAt) : now);
    const sold = new Map<string, number>();
    for (const l of lines) if (!l.unknown_sku && !cancelled) sold.set(l.sku, (sold.get(l.sku) ?? 0) + l.quantity);
    const salesRows = [...sold].flatMap(([sku, units]) => [
      { sku, retailerId: '', day, units },
      ...(owner ? [{ sku, retailerId: owner.retailer_id, day, units }] : []),
    ]);
    await addSales(tx, supplierId, salesRows);

    const conflicts = lines.filter((l) => l.short > 0).map((l) => ({ id: ctx.newId('cfl'), sku: l.sku, short: l.short }));
    await insertConflicts(tx, supplierId, orderId, storeId, owner?.retailer_id ?? null,
      owner?.oversell_cost ?? DEFAULT_OVERSELL_COST, owner?.conflict_action ?? 'notify', conflicts, at);
    await recomputeSkus(tx, supplierId, [...touched], now, NOTIFY_ALL, [...totals.values()]);
    return {
      supplierId,
      result: toResult({ id: orderId, status }, lines, conflicts.map((c) => c.id), false),
      skus: [...touched], conflicts: conflicts.length,
    };
  });
}

/**
 * Fulfil: the accepted units ship, so they leave committed AND on-hand. The on-hand part is recorded as an
 * `adjust` stock event (id `fulfil:<order>:<line>`, reason fulfilment) so a later `set` treats it like any delta.
 * Cancel: the accepted units return from committed to atp.
 */
export async function closeOrder(ctx: Ctx, supplierId: string, orderId: string, to: 'fulfilled' | 'cancelled'): Promise<SubmitOutcome> {
  const now = ctx.clock.now();
  const at = iso(now);
  return ctx.db.transaction(async (tx) => {
    const order = await loadOrder(tx, supplierId, orderId, true);
    if (!order) throw new DropsyncError('not_found', 'no such order', 'orderId');
    if (order.status === to) return { supplierId, result: await readOrder(tx, order, true), skus: [], conflicts: 0 };
    if (order.status === 'fulfilled' || order.status === 'cancelled') {
      throw new DropsyncError('conflict', `order is already ${order.status}`, 'orderId');
    }
    const lines = await loadOrderLines(tx, orderId);
    const live = lines.filter((l) => !l.unknown_sku && l.accepted > 0);
    const totals = await lockSkus(tx, supplierId, live.map((l) => l.sku));
    const ledger: LedgerRow[] = [];
    for (const l of live) {
      const t = totals.get(l.sku);
      if (!t) continue;
      t.committed -= l.accepted;
      ledger.push({ sku: t.sku, locationId: null, kind: to === 'fulfilled' ? 'fulfil' : 'cancel', ref: orderId, dOnHand: 0,
        dCommitted: -l.accepted, dHeld: 0, onHand: t.on_hand, committed: t.committed, held: t.held });
    }
    await writeSkuTotals(tx, supplierId, [...totals.values()], at);
    await appendLedger(tx, supplierId, ledger, at);
    await setOrderStatus(tx, orderId, to, at);
    const skus = [...totals.keys()];
    if (to === 'fulfilled' && live.length > 0) {
      // The shipped units leave from the shared location holding most of each SKU.
      const from = await fullestSharedLocations(tx, supplierId, skus);
      await ingestEvents({ ...ctx, db: tx }, supplierId, live.map((l) => ({
        id: `fulfil:${orderId}:${l.line_no}`, sku: l.sku, location: from.get(l.sku) ?? 'main', kind: 'adjust' as const,
        delta: -l.accepted, occurredAt: at, source: 'dropsync', reason: 'fulfilment',
      })));
    }
    await recomputeSkus(tx, supplierId, skus, now, NOTIFY_ALL);
    return { supplierId, result: await readOrder(tx, { ...order, status: to }, false), skus, conflicts: 0 };
  });
}
