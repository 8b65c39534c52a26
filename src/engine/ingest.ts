/**
 * Stock event ingestion, set-wise: one transaction per batch, the affected SKU rows locked once
 * in sorted order, every read and write one statement over the whole batch.
 *
 * Semantics, exactly:
 * - an id seen before (earlier batch or earlier in this batch) -> `duplicate`, nothing changes;
 * - `adjust` always applies its delta to the location's on-hand;
 * - `set` at time T whose T is older than the newest applied `set` at that (SKU, location) -> `stale`, nothing changes;
 * - otherwise on-hand after the set = quantity + sum of the deltas of already-applied `adjust` events at that
 *   (SKU, location) whose occurredAt is later than T (they happened after the count, so they are kept);
 *   a set with the same T as the newest one applies (the later arrival wins);
 * - SKU on-hand = sum over locations shared with retailers; unknown SKUs are created unlisted, unknown
 *   locations are created shared.
 */
import { DropsyncError } from '../domain/errors.ts';
import { ensureSkus, findNearSkus, lockSkus, writeSkuTotals, type SkuTotalsRow } from '../store/ops/skus.ts';
import { ensureLocations, loadLevels, upsertLevels } from '../store/ops/levels.ts';
import { adjustSumsAfter, findSeenEvents, insertEvents, type StockEventRow } from '../store/ops/events.ts';
import { appendLedger, type LedgerRow } from '../store/ops/ledger.ts';
import { addSales } from '../store/ops/sales.ts';
import type { DesiredChange } from '../store/ops/desired.ts';
import { isoDay, recomputeSkus } from './recompute.ts';
import { iso, type Ctx } from './context.ts';
import type { EventResult, IngestResult, StockEventInput } from './types.ts';

export const MAX_BATCH = 1000;
const SALE_REASON = /sale|sold|order/i;

/** A checked event: `amount` is a set's quantity or an adjust's delta. */
interface Valid { index: number; ev: StockEventInput; sku: string; location: string; t: number; amount: number }

function validate(raw: unknown, i: number): { ok: Valid } | { error: string } {
  if (raw === null || typeof raw !== 'object') return { error: `events[${i}]: must be an object` };
  const e = raw as Record<string, unknown>;
  const f = (name: string) => `events[${i}].${name}`;
  if (typeof e.id !== 'string' || e.id.trim() === '' || e.id.length > 200) return { error: `${f('id')}: required string (1-200 chars)` };
  if (typeof e.sku !== 'string' || e.sku.trim() === '' || e.sku.length > 200) return { error: `${f('sku')}: required string` };
  if (typeof e.location !== 'string' || e.location.trim() === '') return { error: `${f('location')}: required string` };
  if (e.kind !== 'set' && e.kind !== 'adjust') return { error: `${f('kind')}: must be "set" or "adjust"` };
  const amount = e.kind === 'set' ? e.quantity : e.delta;
  if (e.kind === 'set' && (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0 || amount > 2_000_000_000)) {
    return { error: `${f('quantity')}: a set needs an integer quantity >= 0` };
  }
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || Math.abs(amount) > 2_000_000_000) {
    return { error: `${f('delta')}: an adjust needs an integer delta` };
  }
  const t = typeof e.occurredAt === 'string' ? Date.parse(e.occurredAt) : NaN;
  if (!Number.isFinite(t)) return { error: `${f('occurredAt')}: required ISO 8601 time` };
  for (const k of ['source', 'reason'] as const) {
    if (e[k] !== undefined && e[k] !== null && typeof e[k] !== 'string') return { error: `${f(k)}: must be a string` };
  }
  return { ok: { index: i, ev: e as unknown as StockEventInput, sku: e.sku.trim(), location: e.location.trim(), t, amount } };
}

export interface IngestOutcome { result: IngestResult; changed: DesiredChange[]; skus: string[] }

/** One call's events after validation: per-event results so far (invalid, repeated) and the events to apply. */
export interface PreparedIngest { results: EventResult[]; valid: Valid[] }

/** Validates one call's events (each bad one gets a result naming its field); throws only for a bad batch shape. */
export function prepareIngest(events: readonly unknown[]): PreparedIngest {
  if (!Array.isArray(events)) throw new DropsyncError('invalid', 'must be an array', 'events');
  if (events.length > MAX_BATCH) throw new DropsyncError('invalid', `at most ${MAX_BATCH} events per batch`, 'events');
  const results: EventResult[] = new Array(events.length);
  const valid: Valid[] = [];
  const idsInBatch = new Set<string>();
  events.forEach((raw, i) => {
    const v = validate(raw, i);
    if ('error' in v) {
      const id = raw && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : '';
      results[i] = { id, status: 'invalid', reason: v.error };
    } else if (idsInBatch.has(v.ok.ev.id)) {
      results[i] = { id: v.ok.ev.id, status: 'duplicate', reason: 'repeated within the batch' };
    } else {
      idsInBatch.add(v.ok.ev.id);
      valid.push(v.ok);
    }
  });
  return { results, valid };
}

/** Ingests one call's events in one transaction (see applyIngest). */
export async function ingestEvents(ctx: Ctx, supplierId: string, events: readonly unknown[]): Promise<IngestOutcome> {
  const prepared = prepareIngest(events);
  return soleOutcome(await applyIngest(ctx, supplierId, [prepared], ctx.clock.now()));
}

/** The outcome of an applyIngest call made for one call alone. */
export function soleOutcome(out: { results: IngestResult[]; changed: DesiredChange[]; skus: string[] }): IngestOutcome {
  return { result: out.results[0]!, changed: out.changed, skus: out.skus };
}

/**
 * Applies several calls' prepared events in one transaction, as if they had arrived one after another in this
 * order (an id repeated in a later call is that call's duplicate). `now` is the time the changes count from:
 * the earliest arrival among the calls. Returns each call's result, and the desired rows and SKUs changed.
 */
export async function applyIngest(
  ctx: Ctx, supplierId: string, calls: readonly PreparedIngest[], now: number,
): Promise<{ results: IngestResult[]; changed: DesiredChange[]; skus: string[] }> {
  const results = calls.map((c) => [...c.results]);
  const owner: number[] = [];
  const valid: Valid[] = [];
  const ids = new Set<string>();
  calls.forEach((c, ci) => {
    for (const v of c.valid) {
      if (ids.has(v.ev.id)) { results[ci]![v.index] = { id: v.ev.id, status: 'duplicate' }; continue; }
      ids.add(v.ev.id);
      owner.push(ci);
      valid.push(v);
    }
  });
  const callOf = new Map(valid.map((v, i) => [v, owner[i]!]));
  const done = (created: string[]) => results.map((r, ci) => {
    const mine = new Set(calls[ci]!.valid.map((v) => v.sku));
    return summarise(r, created.filter((k) => mine.has(k)));
  });
  if (valid.length === 0) return { results: done([]), changed: [], skus: [] };

  const at = iso(now);
  return ctx.db.transaction(async (tx) => {
    const shared = await ensureLocations(tx, supplierId, valid.map((v) => v.location));
    const skuCodes = [...new Set(valid.map((v) => v.sku))].sort();
    const created = new Set(await ensureSkus(tx, supplierId, skuCodes, at));
    const near = await findNearSkus(tx, supplierId, [...created]);
    const totals = await lockSkus(tx, supplierId, skuCodes);
    const seen = await findSeenEvents(tx, supplierId, valid.map((v) => v.ev.id));
    const fresh = valid.filter((v) => {
      if (!seen.has(v.ev.id)) return true;
      results[callOf.get(v)!]![v.index] = { id: v.ev.id, status: 'duplicate' };
      return false;
    });

    const levels = new Map<string, { sku: string; loc: string; onHand: number; lastSetAt: number | null; dirty: boolean }>();
    for (const l of await loadLevels(tx, supplierId, skuCodes)) {
      levels.set(`${l.sku}\u0000${l.location_id}`, {
        sku: l.sku, loc: l.location_id, onHand: l.on_hand, lastSetAt: l.last_set_at ? Date.parse(l.last_set_at) : null, dirty: false,
      });
    }
    const sets = fresh.filter((v) => v.ev.kind === 'set');
    const laterSums = await adjustSumsAfter(tx, supplierId, sets.map((v) => ({ sku: v.sku, locationId: v.location, after: iso(v.t) })));
    const laterSumOf = new Map(sets.map((v, i) => [v, laterSums[i] ?? 0]));
    const batchAdjusts = new Map<string, { t: number; delta: number }[]>();

    const eventRows: StockEventRow[] = [];
    const ledger: LedgerRow[] = [];
    const sales = new Map<string, number>();
    const before = new Map([...totals].map(([k, v]) => [k, v.on_hand]));
    for (const v of fresh) {
      const key = `${v.sku}\u0000${v.location}`;
      let level = levels.get(key);
      if (!level) levels.set(key, (level = { sku: v.sku, loc: v.location, onHand: 0, lastSetAt: null, dirty: false }));
      const sku = totals.get(v.sku)!;
      const isShared = shared.get(v.location) ?? true;
      let outcome: 'applied' | 'stale' = 'applied';
      let delta = 0;
      if (v.ev.kind === 'adjust') {
        delta = v.amount;
        const list = batchAdjusts.get(key) ?? [];
        list.push({ t: v.t, delta });
        batchAdjusts.set(key, list);
        if (delta < 0 && SALE_REASON.test(v.ev.reason ?? '')) {
          const k = `${v.sku}\u0000${isoDay(v.t)}`;
          sales.set(k, (sales.get(k) ?? 0) - delta);
        }
      } else if (level.lastSetAt !== null && v.t < level.lastSetAt) {
        outcome = 'stale';
      } else {
        let later = laterSumOf.get(v) ?? 0;
        for (const a of batchAdjusts.get(key) ?? []) if (a.t > v.t) later += a.delta;
        delta = v.amount + later - level.onHand;
        level.lastSetAt = v.t;
      }
      level.onHand += delta;
      level.dirty = true;
      if (isShared) sku.on_hand += delta;
      eventRows.push({
        eventId: v.ev.id, sku: v.sku, locationId: v.location, kind: v.ev.kind,
        quantity: v.ev.kind === 'set' ? v.amount : null, delta: v.ev.kind === 'adjust' ? v.amount : null,
        occurredAt: iso(v.t), source: v.ev.source ?? null, reason: v.ev.reason ?? null, outcome,
      });
      ledger.push({
        sku: v.sku, locationId: v.location, kind: outcome === 'stale' ? 'stale' : v.ev.kind, ref: v.ev.id,
        dOnHand: isShared ? delta : 0, dCommitted: 0, dHeld: 0, onHand: sku.on_hand, committed: sku.committed, held: sku.held,
        detail: {
          occurredAt: iso(v.t), ...(v.ev.source ? { source: v.ev.source } : {}), ...(v.ev.reason ? { reason: v.ev.reason } : {}),
          ...(v.ev.kind === 'set' ? { quantity: v.ev.quantity } : { delta: v.ev.delta }),
          locationOnHand: level.onHand, ...(isShared ? {} : { unshared: true }),
        },
      });
      const res: EventResult = { id: v.ev.id, status: outcome };
      if (outcome === 'stale') res.reason = 'older than the newest applied set for this SKU and location';
      if (created.has(v.sku)) {
        res.createdSku = true;
        const similar = near.get(v.sku);
        res.reason = similar
          ? `unknown SKU created as unlisted; it differs from existing SKU "${similar}" only in case or whitespace (not merged)`
          : 'unknown SKU created as unlisted';
      }
      results[callOf.get(v)!]![v.index] = res;
    }

    await insertEvents(tx, supplierId, eventRows, at);
    await upsertLevels(tx, supplierId, [...levels.values()].filter((l) => l.dirty).map((l) => ({
      sku: l.sku, locationId: l.loc, onHand: l.onHand, lastSetAt: l.lastSetAt === null ? null : iso(l.lastSetAt),
    })));
    const changedTotals: SkuTotalsRow[] = [...totals.values()].filter((t) => t.on_hand !== before.get(t.sku));
    await writeSkuTotals(tx, supplierId, changedTotals, at);
    await appendLedger(tx, supplierId, ledger, at);
    await addSales(tx, supplierId, [...sales].map(([k, units]) => {
      const [sku, day] = k.split('\u0000') as [string, string];
      return { sku, retailerId: '', day, units };
    }));
    const changed = await recomputeSkus(tx, supplierId, changedTotals.map((t) => t.sku), now, ctx.origin, changedTotals);
    return { results: done([...created]), changed, skus: changedTotals.map((t) => t.sku) };
  });
}

function summarise(results: EventResult[], createdSkus: string[]): IngestResult {
  const count = (s: EventResult['status']) => results.filter((r) => r.status === s).length;
  return { results, applied: count('applied'), duplicate: count('duplicate'), stale: count('stale'), invalid: count('invalid'), createdSkus };
}
