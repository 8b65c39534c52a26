/**
 * The sync levels as delayed snapshots. A store synced at time s shows the allocation of the supplier's numbers
 * at s (computed by the domain's `allocateSku`, the engine's own code), minus the units it sold itself since.
 * A periodic sync (levels 1-3) refreshes every store on its own schedule; a push (level 4) refreshes a store a
 * few seconds after every change, so what it shows at t is the allocation as of t - delay.
 *
 * Evaluated lazily: only the instants where a shopper orders matter, so each order looks up the store's last
 * refresh instead of replaying every sync (a 1-minute poll over a month would be 43,200 syncs per store).
 */
import { allocateSku } from '../domain/quantities.ts';
import type { RetailerAllocationInput, SyncLevel } from '../domain/types.ts';
import type { Rng } from './prng.ts';
import type { LevelOutcome, RetailerProfile, SimAllocation, SkuStream, Workload } from './types.ts';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86400;

/** Each level's refresh interval range in seconds (level 4: the push delay). */
export const LEVEL_SYNC_RANGES: Record<SyncLevel, { low: number; high: number; kind: 'periodic' | 'push' }> = {
  1: { low: DAY, high: 7 * DAY, kind: 'periodic' },
  2: { low: HOUR, high: 4 * HOUR, kind: 'periodic' },
  3: { low: MINUTE, high: 15 * MINUTE, kind: 'periodic' },
  4: { low: 0.5, high: 5, kind: 'push' },
};

export interface SyncPlan {
  kind: 'periodic' | 'push';
  /** Per retailer: interval (periodic) or delay (push), seconds. */
  seconds: number[];
  /** Per retailer, periodic only: the first scheduled sync after the initial load at time 0. */
  phase: number[];
}

/** Samples each retailer's interval within the level's range, and a random phase, from `rng`. */
export function sampleSyncPlan(level: SyncLevel, retailers: number, rng: Rng): SyncPlan {
  const range = LEVEL_SYNC_RANGES[level];
  const seconds: number[] = [];
  const phase: number[] = [];
  for (let r = 0; r < retailers; r++) {
    const s = rng.uniform(range.low, range.high);
    seconds.push(s);
    phase.push(rng.uniform(0, s));
  }
  return { kind: range.kind, seconds, phase };
}

/** When store r last heard the supplier's numbers before time t. */
export function lastRefresh(plan: SyncPlan, r: number, t: number): number {
  const s = plan.seconds[r]!;
  if (plan.kind === 'push') return Math.max(0, t - s);
  const phase = plan.phase[r]!;
  if (t < phase) return 0;
  return phase + Math.floor((t - phase) / s) * s;
}

/** The per-SKU retailer rules: the profiles' floor and ceiling fractions applied to this SKU's reference pool. */
export function skuRetailers(sku: SkuStream, profiles: readonly RetailerProfile[], allocation: SimAllocation, horizonDays: number): RetailerAllocationInput[] {
  const reserve = allocation.ownReserve;
  const reserved = !reserve ? 0 : 'units' in reserve ? reserve.units : Math.ceil((sku.referenceStock * reserve.percent) / 100);
  const pool = Math.max(0, sku.referenceStock - reserved);
  const perDay = sku.orders.length / horizonDays;
  return profiles.map((p) => {
    const floor = Math.round(p.floorFraction * pool);
    return {
      id: p.id,
      floor,
      ceiling: Math.max(floor, Math.round(p.ceilingFraction * pool)),
      tier: p.tier,
      velocity: perDay * p.share,
      historyDays: 90,
    };
  });
}

/** Index of the last element with `at <= t` in a time-ordered array, or -1. */
function lastAtOrBefore(list: readonly { at: number }[], t: number): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.at <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export interface SkuTally {
  attempts: number;
  accepted: number;
  oversells: number;
  turnedAway: number;
}

/** Replays one SKU's orders under a sync plan. */
export function runSku(sku: SkuStream, retailers: RetailerAllocationInput[], allocation: SimAllocation, plan: SyncPlan): SkuTally {
  // On-hand after each stock event, for lookups at any instant.
  const onHandAfter: number[] = [];
  let level = sku.initialOnHand;
  for (const e of sku.events) onHandAfter.push((level += e.delta));
  const onHandAt = (t: number): number => {
    const i = lastAtOrBefore(sku.events, t);
    return i < 0 ? sku.initialOnHand : onHandAfter[i]!;
  };
  // Units each accepted-and-covered order committed (time ordered), and every order each store took.
  const committed: { at: number; units: number; total: number }[] = [];
  const taken: { at: number; units: number }[][] = retailers.map(() => []);
  const committedAt = (t: number): number => {
    const i = lastAtOrBefore(committed, t);
    return i < 0 ? 0 : committed[i]!.total;
  };
  const tally: SkuTally = { attempts: 0, accepted: 0, oversells: 0, turnedAway: 0 };

  for (const order of sku.orders) {
    tally.attempts++;
    const r = order.retailer;
    const refreshed = lastRefresh(plan, r, order.at);
    const seen = allocateSku({
      onHand: onHandAt(refreshed),
      committed: committedAt(refreshed),
      strategy: allocation.strategy,
      ownReserve: allocation.ownReserve,
      buffer: allocation.buffer,
      deactivationThreshold: allocation.deactivationThreshold,
      retailers,
    }).shown[retailers[r]!.id]!;
    let soldSince = 0;
    for (const s of taken[r]!) if (s.at > refreshed) soldSince += s.units;
    if (seen - soldSince < order.quantity) {
      tally.turnedAway++;
      continue;
    }
    tally.accepted++;
    taken[r]!.push({ at: order.at, units: order.quantity });
    const atp = onHandAt(order.at) - committedAt(order.at);
    if (atp >= order.quantity) {
      const total = (committed[committed.length - 1]?.total ?? 0) + order.quantity;
      committed.push({ at: order.at, units: order.quantity, total });
    } else {
      tally.oversells++; // the order is cancelled: it commits nothing
    }
  }
  return tally;
}

/** One level over the whole workload with the snapshot model. */
export function runSnapshotLevel(workload: Workload, level: SyncLevel, rng: Rng): LevelOutcome {
  const plan = sampleSyncPlan(level, workload.retailers.length, rng);
  const allocation = workload.options.allocation;
  const days = workload.horizonSeconds / DAY;
  const total: SkuTally = { attempts: 0, accepted: 0, oversells: 0, turnedAway: 0 };
  for (const sku of workload.skus) {
    if (sku.orders.length === 0) continue;
    const t = runSku(sku, skuRetailers(sku, workload.retailers, allocation, days), allocation, plan);
    total.attempts += t.attempts;
    total.accepted += t.accepted;
    total.oversells += t.oversells;
    total.turnedAway += t.turnedAway;
  }
  return {
    level,
    method: plan.kind === 'push' ? 'snapshot model: allocateSku on the numbers as of one push delay ago' : "snapshot model: allocateSku on each store's last synced numbers",
    syncSeconds: plan.seconds,
    ...total,
  };
}
