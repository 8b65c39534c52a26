/**
 * Holds (cart reservations): units set aside for 10-15 minutes that reduce atp on every store
 * at once. Released by hand, converted by an order that names them, or expired by the sweeper (using the Clock).
 */
import { DropsyncError, invalid } from '../domain/errors.ts';
import { lockSkus, writeSkuTotals } from '../store/ops/skus.ts';
import { appendLedger, type LedgerRow } from '../store/ops/ledger.ts';
import { claimExpiredHolds, findExpiredHolds, insertHold, lockHold, readHold, setHoldStatus, type HoldRow } from '../store/ops/holds.ts';
import { NOTIFY_ALL, recomputeSkus } from './recompute.ts';
import { iso, type Ctx } from './context.ts';
import type { HoldInput, HoldView } from './types.ts';

export const HOLD_TTL_DEFAULT = 900;
export const HOLD_TTL_MIN = 600;
export const HOLD_TTL_MAX = 900;

const view = (h: HoldRow): HoldView => ({
  id: h.id, sku: h.sku, quantity: h.quantity, storeId: h.store_id, expiresAt: iso(Date.parse(h.expires_at)), status: h.status,
});

export async function createHold(ctx: Ctx, supplierId: string, input: HoldInput): Promise<{ hold: HoldView; skus: string[] }> {
  if (!input || typeof input.sku !== 'string' || input.sku.trim() === '') throw invalid('sku', 'required string');
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) throw invalid('quantity', 'integer > 0');
  const ttl = input.ttlSeconds ?? HOLD_TTL_DEFAULT;
  if (!Number.isInteger(ttl) || ttl < HOLD_TTL_MIN || ttl > HOLD_TTL_MAX) throw invalid('ttlSeconds', `integer ${HOLD_TTL_MIN}-${HOLD_TTL_MAX}`);
  const sku = input.sku.trim();
  const now = ctx.clock.now();
  const at = iso(now);
  return ctx.db.transaction(async (tx) => {
    const t = (await lockSkus(tx, supplierId, [sku])).get(sku);
    if (!t) throw new DropsyncError('not_found', 'unknown SKU', 'sku');
    const atp = t.on_hand - t.committed - t.held;
    if (atp < input.quantity) throw new DropsyncError('conflict', `only ${Math.max(0, atp)} available`, 'quantity');
    t.held += input.quantity;
    const hold: HoldRow = {
      id: ctx.newId('hold'), supplier_id: supplierId, sku, store_id: input.storeId ?? null, quantity: input.quantity,
      expires_at: iso(now + ttl * 1000), status: 'active',
    };
    await insertHold(tx, hold, at);
    await writeSkuTotals(tx, supplierId, [t], at);
    await appendLedger(tx, supplierId, [{ sku, locationId: null, kind: 'hold', ref: hold.id, dOnHand: 0, dCommitted: 0,
      dHeld: input.quantity, onHand: t.on_hand, committed: t.committed, held: t.held, detail: { storeId: hold.store_id, ttl } }], at);
    await recomputeSkus(tx, supplierId, [sku], now, NOTIFY_ALL);
    return { hold: view(hold), skus: [sku] };
  });
}

/** Releases holds (already row-locked by the caller) and gives their units back, per SKU in one go. */
async function giveBack(ctx: Ctx, supplierId: string, holds: HoldRow[], status: 'released' | 'expired', now: number): Promise<string[]> {
  const at = iso(now);
  const totals = await lockSkus(ctx.db, supplierId, holds.map((h) => h.sku));
  const ledger: LedgerRow[] = [];
  for (const h of holds) {
    const t = totals.get(h.sku);
    if (!t) continue;
    t.held -= h.quantity;
    ledger.push({ sku: h.sku, locationId: null, kind: status === 'released' ? 'hold_release' : 'hold_expire', ref: h.id,
      dOnHand: 0, dCommitted: 0, dHeld: -h.quantity, onHand: t.on_hand, committed: t.committed, held: t.held });
  }
  await setHoldStatus(ctx.db, holds.map((h) => h.id), status);
  await writeSkuTotals(ctx.db, supplierId, [...totals.values()], at);
  await appendLedger(ctx.db, supplierId, ledger, at);
  await recomputeSkus(ctx.db, supplierId, [...totals.keys()], now, NOTIFY_ALL);
  return [...totals.keys()];
}

export async function releaseHold(ctx: Ctx, supplierId: string, holdId: string): Promise<{ hold: HoldView; skus: string[] }> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    // SKUs first, then the hold: the lock order of every path (an order converting a hold takes them so too).
    const seen = await readHold(tx, supplierId, holdId);
    if (!seen) throw new DropsyncError('not_found', 'no such hold', 'holdId');
    await lockSkus(tx, supplierId, [seen.sku]);
    const h = await lockHold(tx, supplierId, holdId);
    if (!h) throw new DropsyncError('not_found', 'no such hold', 'holdId');
    if (h.status !== 'active') return { hold: view(h), skus: [] };
    const skus = await giveBack({ ...ctx, db: tx }, supplierId, [h], 'released', now);
    return { hold: view({ ...h, status: 'released' }), skus };
  });
}

/** Expires every active hold past its time; returns the SKUs touched per supplier. */
export async function expireHolds(ctx: Ctx): Promise<{ count: number; bySupplier: Map<string, string[]> }> {
  const now = ctx.clock.now();
  return ctx.db.transaction(async (tx) => {
    // SKUs first (sorted, per supplier), then the holds: the one lock order.
    const candidates = await findExpiredHolds(tx, iso(now), 1000);
    const skusOf = new Map<string, string[]>();
    for (const h of candidates) skusOf.set(h.supplier_id, [...(skusOf.get(h.supplier_id) ?? []), h.sku]);
    for (const [supplierId, skus] of [...skusOf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) await lockSkus(tx, supplierId, skus);
    const holds = await claimExpiredHolds(tx, candidates.map((h) => h.id), iso(now));
    const groups = new Map<string, HoldRow[]>();
    for (const h of holds) groups.set(h.supplier_id, [...(groups.get(h.supplier_id) ?? []), h]);
    const bySupplier = new Map<string, string[]>();
    for (const [supplierId, list] of groups) bySupplier.set(supplierId, await giveBack({ ...ctx, db: tx }, supplierId, list, 'expired', now));
    return { count: holds.length, bySupplier };
  });
}
