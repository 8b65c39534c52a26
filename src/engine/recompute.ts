/**
 * Recompute: for affected SKUs, load rules, listings and measured velocity, call the domain's allocateSku and
 * write desired quantities per (store, listing) in the caller's transaction. A retailer with several stores
 * shows its shown[r] on each of them. Large sets (a global rule change: every SKU) go in chunks whose changes
 * stream into a DesiredChanges, so memory does not grow with the catalogue.
 */
import { allocateSku } from '../domain/index.ts';
import type { RetailerAllocationInput, SkuAllocationResult, Strategy } from '../domain/types.ts';
import type { Db } from '../store/types.ts';
import {
  loadAllRules, loadListingTargets, loadSkuStates, lockSkuPage, worstSyncDelayMs, type ListingTargetRow, type RetailerRuleRow,
  type RuleRow, type SkuStateRow,
} from '../store/ops/allocation-inputs.ts';
import { loadSales } from '../store/ops/sales.ts';
import { lockDesiredPage, writeDesired, type DesiredChange, type DesiredWrite } from '../store/ops/desired.ts';
import { buildRuleBook, toBufferRule } from './rules.ts';
import { lockSkus, type SkuTotalsRow } from '../store/ops/skus.ts';
import type { DesiredChanges } from './desired-changes.ts';

export const VELOCITY_WINDOW_DAYS = 28;
const DAY_MS = 86_400_000;

export const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export interface SkuAllocation {
  state: SkuStateRow;
  result: SkuAllocationResult;
  strategy: Strategy;
  velocity: number;
}

export interface Allocations {
  skus: Map<string, SkuAllocation>;
  targets: ListingTargetRow[];
  desired: DesiredWrite[];
}

export interface ComputeOptions {
  /** Current totals the caller already holds (locked rows), saving a read. */
  states?: SkuStateRow[];
  /** Read velocity even when no rule needs it (to show it). */
  withVelocity?: boolean;
  /** The supplier's rules, when the caller already read them (one read for many chunks). */
  rules?: { rules: RuleRow[]; retailerRules: RetailerRuleRow[] };
}

/** How long a supplier's measured sync delay is reused (clock time). */
export const SYNC_DELAY_REUSE_MS = 60_000;
const syncDelays = new Map<string, { at: number; ms: number }>();

/**
 * The worst store's p99 push lag over the last hour, which formula and table buffers size themselves by. It moves
 * slowly but costs a scan of an hour of push lag (thousands of rows a second under load), so each supplier's
 * figure is reused for a minute instead of being measured again by every recompute.
 */
async function recentSyncDelayMs(db: Db, supplierId: string, now: number): Promise<number> {
  const known = syncDelays.get(supplierId);
  if (known && now >= known.at && now - known.at < SYNC_DELAY_REUSE_MS) return known.ms;
  const ms = await worstSyncDelayMs(db, supplierId, new Date(now - 3_600_000).toISOString());
  syncDelays.set(supplierId, { at: now, ms });
  return ms;
}

/** Computes (without writing) every affected SKU's quantities and the desired value of each of its listings. */
export async function computeAllocations(
  db: Db, supplierId: string, skus: readonly string[], now: number, opts: ComputeOptions = {},
): Promise<Allocations> {
  const unique = [...new Set(skus)];
  // Sequential: `db` may be one transaction's connection, which runs one statement at a time.
  const states = opts.states ?? await loadSkuStates(db, supplierId, unique);
  const { rules, retailerRules } = opts.rules ?? await loadAllRules(db, supplierId);
  const targets = await loadListingTargets(db, supplierId, unique);
  const book = buildRuleBook(rules, retailerRules);
  const since = now - (VELOCITY_WINDOW_DAYS - 1) * DAY_MS;
  const sales = book.needsVelocity || opts.withVelocity ? await loadSales(db, supplierId, unique, isoDay(since)) : [];
  const velocity = new Map<string, { v: number; days: number }>();
  const today = Date.parse(isoDay(now));
  for (const s of sales) {
    const days = Math.min(VELOCITY_WINDOW_DAYS, Math.floor((today - Date.parse(s.first_day)) / DAY_MS) + 1);
    velocity.set(`${s.sku}\u0000${s.retailer_id}`, { v: s.units / Math.max(1, days), days });
  }
  const syncDelaySeconds = book.needsSyncDelay ? (await recentSyncDelayMs(db, supplierId, now)) / 1000 : 0;

  const retailersBySku = new Map<string, string[]>();
  for (const t of targets) {
    const list = retailersBySku.get(t.sku) ?? [];
    if (!list.includes(t.retailer_id)) list.push(t.retailer_id);
    retailersBySku.set(t.sku, list);
  }

  const out = new Map<string, SkuAllocation>();
  for (const state of states) {
    const r = book.forSku(state.sku, state.category);
    const skuVelocity = velocity.get(`${state.sku}\u0000`)?.v ?? 0;
    const retailers: RetailerAllocationInput[] = (retailersBySku.get(state.sku) ?? []).map((id) => {
      const v = velocity.get(`${state.sku}\u0000${id}`);
      return { ...book.retailer(id, state.sku, state.category), velocity: v?.v ?? 0, historyDays: v?.days ?? 0 };
    });
    const input = {
      onHand: state.on_hand, committed: state.committed, held: state.held,
      deactivationThreshold: r.threshold, strategy: r.strategy, retailers,
      ...(r.ownReserve ? { ownReserve: r.ownReserve } : {}),
    };
    const buffer = toBufferRule(r.buffer, skuVelocity, syncDelaySeconds);
    const result = allocateSku(buffer ? { ...input, buffer } : input);
    out.set(state.sku, { state, result, strategy: r.strategy, velocity: skuVelocity });
  }
  const desired: DesiredWrite[] = [];
  for (const t of targets) {
    const a = out.get(t.sku);
    if (!a) continue;
    desired.push({
      listingId: t.listing_id, storeId: t.store_id, sku: t.sku, externalId: t.external_id, externalLocationId: t.external_location_id,
      desired: Math.max(0, a.result.shown[t.retailer_id] ?? 0),
    });
  }
  return { skus: out, targets, desired };
}

/**
 * The origin of writes whose changes are not handed to this process's dispatcher in memory (orders, holds): their
 * notification is acted on by every dispatcher, this process's included.
 */
export const NOTIFY_ALL = '';

/**
 * Recomputes and writes desired quantities for `skus` in the caller's transaction; returns the rows that changed.
 * `origin` names the writing process in the notification (see writeDesired).
 */
export async function recomputeSkus(
  db: Db, supplierId: string, skus: readonly string[], now: number, origin: string, states?: readonly SkuTotalsRow[],
  rules?: ComputeOptions['rules'],
): Promise<DesiredChange[]> {
  if (skus.length === 0) return [];
  const want = new Set(skus);
  const known = states && states.every((s) => s.name !== undefined && s.listed !== undefined)
    ? states.filter((s) => want.has(s.sku)).map((s) => ({ sku: s.sku, category: s.category, name: s.name ?? null, listed: s.listed ?? true,
      on_hand: s.on_hand, committed: s.committed, held: s.held }))
    : undefined;
  const { desired } = await computeAllocations(db, supplierId, skus, now, { ...(known ? { states: known } : {}), ...(rules ? { rules } : {}) });
  return writeDesired(db, supplierId, desired, new Date(now).toISOString(), origin);
}

/** SKUs computed and written per statement group by recomputeWithin: 500 SKUs x 20 stores is 10,000 rows. */
export const RECOMPUTE_CHUNK = 500;
/** Desired rows locked per statement before a multi-chunk recompute writes any. */
const LOCK_PAGE = 20_000;

/**
 * Recomputes `skus` ('all': every SKU of the supplier) in the caller's transaction `tx`, with the SKU rows
 * locked (in SKU order) so a concurrent change cannot be overwritten by an older computation. The changes of
 * each chunk go into `into` and are dropped here, so memory stays bounded whatever the size of the set.
 *
 * Lock order: when the set spans several chunks, its SKU rows and then its desired rows (in listing-id order)
 * are all locked before the first write. Every other writer of `desired` (ingest, orders, the dispatcher's
 * confirmations) takes SKUs before desired rows and desired rows in listing-id order, so a long transaction
 * whose writes go chunk by chunk cannot deadlock with them. PGlite runs one transaction at a time: no locks.
 */
export async function recomputeWithin(
  tx: Db, supplierId: string, skus: readonly string[] | 'all', now: () => number, origin: string, into: DesiredChanges,
  chunk = RECOMPUTE_CHUNK,
): Promise<void> {
  const rules = await loadAllRules(tx, supplierId);
  const sorted = skus === 'all' ? null : [...new Set(skus)].sort();
  // Each chunk: the next SKUs, locked, with their totals.
  const chunks = async function* (): AsyncGenerator<{ codes: string[]; states: SkuTotalsRow[] }> {
    if (sorted) {
      for (let i = 0; i < sorted.length; i += chunk) {
        const codes = sorted.slice(i, i + chunk);
        yield { codes, states: [...(await lockSkus(tx, supplierId, codes)).values()] };
      }
      return;
    }
    for (let after: string | null = null; ;) {
      const states = await lockSkuPage(tx, supplierId, after, chunk);
      const last = states.at(-1);
      if (!last) return;
      yield { codes: states.map((s) => s.sku), states };
      if (states.length < chunk) return;
      after = last.sku;
    }
  };
  const several = sorted === null || sorted.length > chunk;
  if (several && tx.kind === 'postgres') {
    for await (const _ of chunks()) { /* locks the SKU rows, chunk by chunk, in SKU order */ }
    for (let after: string | null = null; ;) {
      after = await lockDesiredPage(tx, supplierId, sorted, after, LOCK_PAGE);
      if (after === null) break;
    }
  }
  for await (const { codes, states } of chunks()) {
    into.add(await recomputeSkus(tx, supplierId, codes, now(), origin, states, rules));
  }
}

