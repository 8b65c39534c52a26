/**
 * Shopify's leaky bucket of cost points, per app per store. Restore rates per plan are Shopify's documented
 * figures; the bucket size (20 x restore) is what Shopify's responses show, not stated in its text.
 */
import type { Clock } from '../../domain/types.ts';
import type { ShopifyPlan } from './types.ts';

export const RESTORE_RATE: Record<ShopifyPlan, number> = {
  standard: 100,
  advanced: 200,
  plus: 1000,
  enterprise: 2000,
};

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export class CostBucket {
  private available: number;
  private at: number;
  restoreRate: number;
  maximum: number;

  constructor(
    plan: ShopifyPlan,
    private readonly clock: Clock,
  ) {
    this.restoreRate = RESTORE_RATE[plan];
    this.maximum = this.restoreRate * 20;
    this.available = this.maximum;
    this.at = clock.now();
  }

  setPlan(plan: ShopifyPlan): void {
    this.refill();
    this.restoreRate = RESTORE_RATE[plan];
    this.maximum = this.restoreRate * 20;
    this.available = Math.min(this.available, this.maximum);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.at);
    this.available = Math.min(this.maximum, this.available + (elapsed * this.restoreRate) / 1000);
    this.at = now;
  }

  /** Takes `cost` points if the bucket holds them; false (nothing taken) otherwise. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  /** Gives back points charged but not spent (requested minus actual cost). */
  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximum, this.available + Math.max(0, points));
  }

  /** Empties the bucket, e.g. to simulate another app on the same store. */
  drain(to = 0): void {
    this.refill();
    this.available = Math.max(0, Math.min(this.maximum, to));
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximum,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }
}
