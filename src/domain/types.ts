/**
 * Terms:
 * - onHand: units at locations shared with retailers.
 * - committed: units of accepted retailer orders not yet fulfilled or cancelled.
 * - held: units in unexpired holds (cart reservations).
 * - atp: available to promise = onHand - committed - held (may be negative: oversold).
 * - ownReserve: units kept for the supplier's own channels, absolute or a percent of atp.
 * - afterReserve: max(0, atp - ownReserve).
 * - buffer: safety units taken off afterReserve before retailers share it.
 * - pool: max(0, afterReserve - buffer), what retailers share.
 * - deactivated: atp < deactivationThreshold; every retailer is then shown 0.
 * - shown[r]: what retailer r's stores display for the SKU.
 * - velocity: units per day sold; historyDays: how many days of sales that velocity is measured over.
 * - sync delay: seconds between a change at the source and the store showing it.
 */

/** One retailer as allocation sees it for one SKU. */
export interface RetailerAllocationInput {
  id: string;
  /** Units guaranteed under `hybrid` when the pool covers all floors. Default 0. */
  floor?: number;
  /** Most units this retailer may be shown. Default: no cap. */
  ceiling?: number;
  /** Priority tier, 1 first. Default 1. */
  tier?: number;
  /** Measured units/day of this SKU sold by this retailer. Default 0. */
  velocity?: number;
  /** Days of sales history behind `velocity`; under 14 counts as new. Default 0. */
  historyDays?: number;
  /** Excluded retailers get 0 for this SKU. */
  excluded?: boolean;
}

export type Strategy = 'equal' | 'proportional' | 'priority' | 'dynamic' | 'hybrid';

export const STRATEGIES: readonly Strategy[] = ['equal', 'proportional', 'priority', 'dynamic', 'hybrid'];

/** Own-channel reserve: absolute units or a percent of atp. */
export type ReserveRule = { units: number } | { percent: number };

/** Buffer rule. Delays are in seconds. */
export type BufferRule =
  | { percent: number }
  | { units: number }
  | { formula: { velocity: number; syncDelaySeconds: number } }
  | { table: { velocity: number; syncDelaySeconds: number } };

/** Everything that decides one SKU's numbers. */
export interface SkuAllocationInput {
  onHand: number;
  committed?: number;
  held?: number;
  ownReserve?: ReserveRule;
  buffer?: BufferRule;
  /** atp below this deactivates the SKU everywhere. Default 0 (only when oversold, where the pool is 0 anyway). */
  deactivationThreshold?: number;
  strategy: Strategy;
  retailers: RetailerAllocationInput[];
}

/** One SKU's quantities, in the order they are computed, plus each retailer's shown quantity. */
export interface SkuAllocationResult {
  onHand: number;
  committed: number;
  held: number;
  atp: number;
  ownReserve: number;
  afterReserve: number;
  buffer: number;
  /** The buffer percent applied, when the buffer rule is percent based (percent, formula or table). */
  bufferPercent?: number;
  pool: number;
  deactivated: boolean;
  /** Why the SKU is deactivated, when it is: below threshold, or the buffer table says not viable. */
  deactivatedReason?: 'threshold' | 'not_viable';
  shown: Record<string, number>;
  /** sum(shown) - pool when positive, else 0. */
  overlap: number;
}

/** Sync classes of the buffer table: real-time up to 5 s, hourly up to 1 h, daily beyond. */
export type SyncClass = 'realtime' | 'hourly' | 'daily';
export type VelocityClass = 'slow' | 'medium' | 'fast' | 'high';

/** Seed sync levels: 1 manual (days), 2 scheduled (1-4 h), 3 polling (1-15 min), 4 real-time (< 5 s). */
export type SyncLevel = 1 | 2 | 3 | 4;

/** Injectable time source: all logic reads time through this, never Date.now() directly. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}
