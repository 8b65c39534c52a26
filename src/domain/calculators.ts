/** Business figures (phantom exposure, oversell cost, sync level, full-sync time) as plain functions over measured inputs. */
import { invalid } from './errors.ts';
import type { SyncLevel } from './types.ts';

function nonNegative(value: number, field: string): number {
  if (!Number.isFinite(value) || value < 0) throw invalid(field, 'must be a number >= 0');
  return value;
}

/** Removes float noise from products of decimals (1000 x 0.003 is 3, not 3.0000000000000004). */
function tidy(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

/** Units customers may buy that the supplier no longer has: velocity x sync delay (days) x shared SKUs. */
export function phantomExposure(velocity: number, syncDelayDays: number, sharedSkus: number): number {
  nonNegative(velocity, 'velocity');
  nonNegative(syncDelayDays, 'syncDelay');
  nonNegative(sharedSkus, 'skus');
  return tidy(velocity * syncDelayDays * sharedSkus);
}

export interface OversellCostInput {
  /** Retailer orders per month. */
  orders: number;
  /** Oversell rate as a fraction of orders (0.02 = 2%). */
  rate: number;
  /** Cost of one oversell in dollars (refund handling, support, lost customer). Default 20. */
  costPerOversell?: number;
}

export interface OversellCost {
  oversellsPerMonth: number;
  monthlyCost: number;
  annualCost: number;
}

export const DEFAULT_OVERSELL_COST = 20;

export function oversellCost(input: OversellCostInput): OversellCost {
  const orders = nonNegative(input.orders, 'orders');
  const rate = nonNegative(input.rate, 'rate');
  if (rate > 1) throw invalid('rate', 'must be a fraction between 0 and 1 (or a percent such as 2%)');
  const cost = nonNegative(input.costPerOversell ?? DEFAULT_OVERSELL_COST, 'cost');
  const oversellsPerMonth = tidy(orders * rate);
  const monthlyCost = tidy(oversellsPerMonth * cost);
  return { oversellsPerMonth, monthlyCost, annualCost: tidy(monthlyCost * 12) };
}

export interface SyncLevelInfo {
  level: SyncLevel;
  name: string;
  method: string;
  typicalDelay: string;
  /** The typical oversell rate range of this level's sync method, as fractions of orders. */
  oversellRate: { low: number; high: number };
}

export const SYNC_LEVELS: Readonly<Record<SyncLevel, SyncLevelInfo>> = {
  1: { level: 1, name: 'manual', method: 'CSV export/import', typicalDelay: '1-7 days', oversellRate: { low: 0.03, high: 0.08 } },
  2: { level: 2, name: 'scheduled', method: 'feed pulled every 1-4 hours', typicalDelay: '1-4 hours', oversellRate: { low: 0.01, high: 0.03 } },
  3: { level: 3, name: 'polling', method: 'API polling every 1-15 minutes', typicalDelay: '1-15 minutes', oversellRate: { low: 0.003, high: 0.01 } },
  4: { level: 4, name: 'real-time', method: 'webhooks / event-driven push', typicalDelay: 'under 5 seconds', oversellRate: { low: 0, high: 0.001 } },
};

/**
 * The sync level a measured delay achieves. The levels' typical ranges leave gaps; each delay gets the best level
 * whose upper bound it meets: up to 5 s real-time (4); up to 15 min polling (3, so a 30 s poll is still level 3);
 * up to 4 h scheduled (2, so a 30 min feed counts as scheduled); beyond 4 h manual (1).
 */
export function syncLevel(delaySeconds: number): SyncLevel {
  nonNegative(delaySeconds, 'syncDelay');
  if (delaySeconds <= 5) return 4;
  if (delaySeconds <= 15 * 60) return 3;
  if (delaySeconds <= 4 * 3600) return 2;
  return 1;
}

export interface FullSyncInput {
  skus: number;
  /** SKUs one API call updates (1 for Shopify REST, 250 for GraphQL inventorySetQuantities, 100 for a WooCommerce batch). */
  perCall: number;
  callsPerSecond: number;
}

export interface FullSyncPlan {
  calls: number;
  seconds: number;
  minutes: number;
}

/** How long pushing every SKU once takes at a rate limit: 5,000 SKUs, 1 per call, 2 calls/s = 2,500 s ~ 42 min. */
export function fullSyncPlan(input: FullSyncInput): FullSyncPlan {
  const skus = nonNegative(input.skus, 'skus');
  if (!Number.isInteger(skus)) throw invalid('skus', 'must be a whole number');
  const perCall = nonNegative(input.perCall, 'perCall');
  if (!Number.isInteger(perCall) || perCall < 1) throw invalid('perCall', 'must be a whole number >= 1');
  const rate = nonNegative(input.callsPerSecond, 'callsPerSecond');
  if (rate <= 0) throw invalid('callsPerSecond', 'must be > 0');
  const calls = Math.ceil(skus / perCall);
  const seconds = tidy(calls / rate);
  return { calls, seconds, minutes: tidy(seconds / 60) };
}
