/**
 * Client-side model of Shopify's cost bucket, fed by `extensions.cost.throttleStatus`: available points
 * = currentlyAvailable + restoreRate x elapsed, capped at maximumAvailable. Points are reserved when a
 * request is sent so concurrent calls do not overspend; each answer resets the model to Shopify's figure.
 * Also: the minimum time the bucket allows for a full sync.
 */
import type { Clock } from '../../domain/types.ts';
import { levelsByIdCost, LEVELS_BY_ID_MAX, SET_QUANTITIES_COST } from './documents.ts';
import type { ShopifyPlan } from './types.ts';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class ThrottleModel {
  private available: number | null = null;
  private maximum = Infinity;
  private restoreRate = 0;
  private at = 0;

  constructor(private readonly clock: Clock) {}

  private level(now: number): number | null {
    if (this.available === null) return null;
    return Math.min(this.maximum, this.available + (this.restoreRate * Math.max(0, now - this.at)) / 1000);
  }

  /** Milliseconds until `cost` points are available; 0 when affordable now (or nothing is known yet). */
  waitMs(cost: number): number {
    const now = this.clock.now();
    const have = this.level(now);
    if (have === null || have >= cost) return 0;
    if (cost > this.maximum || this.restoreRate <= 0) return Number.POSITIVE_INFINITY;
    return Math.ceil(((cost - have) * 1000) / this.restoreRate);
  }

  /** Takes the points for a request about to be sent. */
  reserve(cost: number): void {
    const now = this.clock.now();
    const have = this.level(now);
    if (have === null) return;
    this.available = have - cost;
    this.at = now;
  }

  /** Shopify's own figure, read from an answer (throttled or not). */
  update(status: ThrottleStatus): void {
    this.available = status.currentlyAvailable;
    this.maximum = status.maximumAvailable;
    this.restoreRate = status.restoreRate;
    this.at = this.clock.now();
  }

  snapshot(): { available: number | null; maximum: number; restoreRate: number } {
    return { available: this.level(this.clock.now()), maximum: this.maximum, restoreRate: this.restoreRate };
  }
}

export const PLAN_RESTORE_RATE: Record<ShopifyPlan, number> = { standard: 100, advanced: 200, plus: 1000, enterprise: 2000 };

export interface FullSyncPlan {
  skus: number;
  plan: ShopifyPlan;
  requests: number;
  points: number;
  bucketSize: number;
  restoreRate: number;
  /** The least time Shopify's bucket allows, starting full: (points - bucket) / restore rate. */
  minMs: number;
}

/**
 * A full sync of `skus` listings: read every level (nodes by id, 250 a call) so each push can compare against
 * what the store shows, then push every quantity (inventorySetQuantities, 250 a call). `read: false` prices
 * the push alone.
 */
export function planFullSync(skus: number, plan: ShopifyPlan, opts: { read?: boolean } = {}): FullSyncPlan {
  const restoreRate = PLAN_RESTORE_RATE[plan];
  const bucketSize = restoreRate * 20;
  const calls = Math.ceil(skus / LEVELS_BY_ID_MAX);
  let points = calls * SET_QUANTITIES_COST;
  let requests = calls;
  if (opts.read ?? true) {
    const full = Math.floor(skus / LEVELS_BY_ID_MAX);
    points += full * levelsByIdCost(LEVELS_BY_ID_MAX) + levelsByIdCost(skus % LEVELS_BY_ID_MAX);
    requests += calls;
  }
  const minMs = Math.max(0, ((points - bucketSize) * 1000) / restoreRate);
  return { skus, plan, requests, points, bucketSize, restoreRate, minMs };
}
