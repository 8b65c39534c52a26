/**
 * The five allocation strategies: how one SKU's `pool` is shown to its retailers.
 * Pure and deterministic; every result is an integer >= 0 and never above the retailer's ceiling.
 */
import { largestRemainder } from './largest-remainder.ts';
import type { RetailerAllocationInput, Strategy } from './types.ts';

/** Under this many days of sales history a retailer counts as new for `proportional`. */
export const NEW_RETAILER_DAYS = 14;

interface Entry {
  id: string;
  tier: number;
  cap: number;
  floor: number;
  velocity: number;
  historyDays: number;
  weight: number;
}

function compareTierThenId(a: Entry, b: Entry): number {
  if (a.tier !== b.tier) return a.tier - b.tier;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Splits `total` over `entries` in proportion to their weight (all weights 0: equally), never above a cap; what a
 * capped entry cannot take flows to the others (water filling). Writes into `out`; returns the units handed out,
 * which is `total` unless every entry hit its cap.
 */
function splitCapped(total: number, entries: Entry[], out: Record<string, number>): number {
  let active = entries;
  let remaining = total;
  while (active.length > 0 && remaining > 0) {
    let weightSum = 0;
    for (const e of active) weightSum += e.weight;
    const byWeight = weightSum > 0;
    const denominator = byWeight ? weightSum : active.length;
    const uncapped: Entry[] = [];
    let cappedUnits = 0;
    for (const e of active) {
      // An entry whose share reaches its cap keeps the cap: later rounds only raise the others' shares.
      if ((remaining * (byWeight ? e.weight : 1)) / denominator >= e.cap) {
        out[e.id] = e.cap;
        cappedUnits += e.cap;
      } else {
        uncapped.push(e);
      }
    }
    if (uncapped.length === active.length) {
      const quotas = active.map((e) => (remaining * (byWeight ? e.weight : 1)) / denominator);
      const units = largestRemainder(quotas, remaining, (i, j) => compareTierThenId(active[i]!, active[j]!));
      active.forEach((e, i) => (out[e.id] = units[i]!));
      return total;
    }
    remaining -= cappedUnits;
    active = uncapped;
  }
  return total - remaining;
}

function equal(pool: number, entries: Entry[], out: Record<string, number>): void {
  for (const e of entries) e.weight = 1;
  splitCapped(pool, entries, out);
}

/** New retailers (under 14 days of history) get the mean weight of the established ones; all new: equal. */
function proportional(pool: number, entries: Entry[], out: Record<string, number>): void {
  let establishedSum = 0;
  let establishedCount = 0;
  for (const e of entries) {
    if (e.historyDays >= NEW_RETAILER_DAYS) {
      establishedSum += e.velocity;
      establishedCount++;
    }
  }
  const meanWeight = establishedCount > 0 ? establishedSum / establishedCount : 1;
  for (const e of entries) {
    e.weight = establishedCount === 0 ? 1 : e.historyDays >= NEW_RETAILER_DAYS ? e.velocity : meanWeight;
  }
  splitCapped(pool, entries, out);
}

/** Tier 1 first; within a tier an equal split up to ceilings; what a tier cannot take passes to the next. */
function priority(pool: number, entries: Entry[], out: Record<string, number>): void {
  const tiers = [...new Set(entries.map((e) => e.tier))].sort((a, b) => a - b);
  let remaining = pool;
  for (const tier of tiers) {
    const members = entries.filter((e) => e.tier === tier);
    for (const e of members) e.weight = 1;
    remaining -= splitCapped(remaining, members, out);
  }
}

function dynamic(pool: number, entries: Entry[], out: Record<string, number>): void {
  for (const e of entries) out[e.id] = Math.min(e.cap, pool);
}

/**
 * Floors first, then everyone may show floor + the shared rest up to its ceiling. A pool short of the floors
 * scales the floors down in proportion to their size and shares nothing.
 */
function hybrid(pool: number, entries: Entry[], out: Record<string, number>): void {
  let floorSum = 0;
  for (const e of entries) floorSum += e.floor;
  if (pool >= floorSum) {
    const shared = pool - floorSum;
    for (const e of entries) out[e.id] = Math.min(e.cap, e.floor + shared);
    return;
  }
  const quotas = entries.map((e) => (pool * e.floor) / floorSum);
  const units = largestRemainder(quotas, pool, (i, j) => compareTierThenId(entries[i]!, entries[j]!));
  entries.forEach((e, i) => (out[e.id] = units[i]!));
}

/**
 * Shows `pool` to `retailers` by `strategy`. Excluded retailers get 0. The result has one key per retailer (in
 * input order, except that JavaScript lists integer-like ids such as "7" first). Inputs are assumed valid (see validateAllocationInput): integer pool >= 0, floor <= ceiling.
 */
export function allocate(pool: number, retailers: readonly RetailerAllocationInput[], strategy: Strategy): Record<string, number> {
  const out: Record<string, number> = {};
  const entries: Entry[] = [];
  for (const r of retailers) {
    out[r.id] = 0;
    if (r.excluded) continue;
    entries.push({
      id: r.id,
      tier: r.tier ?? 1,
      cap: r.ceiling ?? Infinity,
      floor: r.floor ?? 0,
      velocity: r.velocity ?? 0,
      historyDays: r.historyDays ?? 0,
      weight: 1,
    });
  }
  if (entries.length === 0 || pool <= 0) return out;
  switch (strategy) {
    case 'equal':
      equal(pool, entries, out);
      break;
    case 'proportional':
      proportional(pool, entries, out);
      break;
    case 'priority':
      priority(pool, entries, out);
      break;
    case 'dynamic':
      dynamic(pool, entries, out);
      break;
    case 'hybrid':
      hybrid(pool, entries, out);
      break;
    default: {
      const never: never = strategy;
      throw new Error(`unknown strategy ${String(never)}`);
    }
  }
  return out;
}
