/**
 * The generated world of `simulate levels`: a catalogue whose stock moves through the supplier's own channels
 * (sales, returns, receiving on a reorder policy) and retailers whose shoppers order as Poisson processes.
 * Generated once from the seed and then replayed under every sync level, so the levels differ only in how
 * stale each store's numbers are.
 *
 * Model choices (printed with the results, since the figures depend on them):
 * - Each SKU's own-channel change rate is `changesPerSkuDay` x a popularity factor uniform in [0.25, 1.75].
 *   90% of changes are sales of 1-3 units, 10% returns of 1 unit.
 * - Receiving: a reorder point of 3 days of expected sales, order up to `coverDays` (14) days more, lead time
 *   uniform 1-`leadDays` (6) days; one purchase order open at a time. Long lead times run SKUs out of stock for a while, as in life.
 * - Retailer orders: `ordersPerMonth` in total, spread over SKUs in proportion to popularity and over retailers
 *   by their share; 1 unit (80%), 2 (15%) or 3 (5%).
 * - Own channels sell from the supplier's on-hand stock and stop at zero; retailer orders only commit what
 *   the supplier's available stock covers (the rest is the oversell).
 */
import { invalid } from '../domain/errors.ts';
import { createRng, type Rng } from './prng.ts';
import type { LevelsOptions, RetailerProfile, SkuStream, Workload } from './types.ts';

const DAY = 86400;

/** The seed's five retailers A-E: floors 80/50/30/20/20 and ceilings 200/150/100/80/80 of a 300-unit pool. */
const SEED_RETAILERS = [
  { floor: 80, ceiling: 200 },
  { floor: 50, ceiling: 150 },
  { floor: 30, ceiling: 100 },
  { floor: 20, ceiling: 80 },
  { floor: 20, ceiling: 80 },
];
const SEED_POOL = 300;

/**
 * Retailer profiles. Five retailers get the seed's hybrid rules; other counts get Zipf-like shares with floors
 * adding up to two thirds of the pool (as the seed's 200 of 300) and ceilings at 2.5 x the floor.
 * Demand shares follow the floors: the biggest retailer sells the most.
 */
export function retailerProfiles(count: number): RetailerProfile[] {
  const letter = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : `R${i + 1}`);
  if (count === SEED_RETAILERS.length) {
    const floors = SEED_RETAILERS.reduce((sum, r) => sum + r.floor, 0);
    return SEED_RETAILERS.map((r, i) => ({
      id: letter(i),
      share: r.floor / floors,
      floorFraction: r.floor / SEED_POOL,
      ceilingFraction: r.ceiling / SEED_POOL,
      tier: i + 1,
    }));
  }
  const weights = Array.from({ length: count }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w, i) => {
    const share = w / total;
    const floorFraction = (2 / 3) * share;
    return { id: letter(i), share, floorFraction, ceilingFraction: Math.min(1, 2.5 * floorFraction), tier: i + 1 };
  });
}

function positiveInt(value: number, field: string, max: number): void {
  if (!Number.isInteger(value) || value < 1 || value > max) throw invalid(field, `must be a whole number from 1 to ${max}`);
}

export function validateLevelsOptions(o: LevelsOptions): void {
  positiveInt(o.skus, 'skus', 100_000);
  positiveInt(o.retailers, 'retailers', 100);
  positiveInt(o.days, 'days', 365);
  if (!Number.isFinite(o.changesPerSkuDay) || o.changesPerSkuDay <= 0 || o.changesPerSkuDay > 1000) {
    throw invalid('changesPerSkuDay', 'must be a number > 0 and <= 1000');
  }
  if (!Number.isFinite(o.ordersPerMonth) || o.ordersPerMonth < 0 || o.ordersPerMonth > 1_000_000) {
    throw invalid('ordersPerMonth', 'must be a number from 0 to 1000000');
  }
  if (!Number.isFinite(o.coverDays) || o.coverDays <= 0 || o.coverDays > 365) throw invalid('coverDays', 'must be a number > 0 and <= 365');
  if (!Number.isFinite(o.leadDays) || o.leadDays < 1 || o.leadDays > 90) throw invalid('leadDays', 'must be a number from 1 to 90');
  if (!Number.isInteger(o.seed)) throw invalid('seed', 'must be a whole number');
  if (!Number.isFinite(o.costPerOversell) || o.costPerOversell < 0) throw invalid('cost', 'must be a number >= 0');
  if (!Number.isInteger(o.allocation.deactivationThreshold) || o.allocation.deactivationThreshold < 0) {
    throw invalid('threshold', 'must be a whole number >= 0');
  }
}

const SALE_SIZES = [0.6, 0.25, 0.15]; // 1, 2 or 3 units
const ORDER_SIZES = [0.8, 0.15, 0.05];
const MEAN_SALE = 1 * 0.6 + 2 * 0.25 + 3 * 0.15;
const SALE_SHARE = 0.9;

function generateSku(index: number, popularity: number, retailerRatePerDay: number, o: LevelsOptions, shares: number[], rng: Rng, horizon: number): SkuStream {
  const changesPerDay = o.changesPerSkuDay * popularity;
  const usagePerDay = changesPerDay * (SALE_SHARE * MEAN_SALE - (1 - SALE_SHARE));
  const reorderPoint = Math.ceil(usagePerDay * 3);
  const orderUpTo = reorderPoint + Math.max(1, Math.ceil(usagePerDay * o.coverDays));
  const initialOnHand = rng.int(reorderPoint, orderUpTo);
  const events: SkuStream['events'] = [];

  let onHand = initialOnHand;
  let arrival: { at: number; units: number } | null = null;
  let t = rng.exponential(changesPerDay / DAY);
  for (;;) {
    if (arrival && arrival.at <= t && arrival.at < horizon) {
      onHand += arrival.units;
      events.push({ at: arrival.at, delta: arrival.units, reason: 'receiving' });
      arrival = null;
      continue;
    }
    if (t >= horizon) break;
    if (rng.next() < SALE_SHARE) {
      const wanted = rng.pick(SALE_SIZES) + 1;
      const sold = Math.min(wanted, onHand); // own channels stop at zero
      if (sold > 0) {
        onHand -= sold;
        events.push({ at: t, delta: -sold, reason: 'sale' });
      }
    } else {
      onHand += 1;
      events.push({ at: t, delta: 1, reason: 'return' });
    }
    if (!arrival && onHand <= reorderPoint) {
      arrival = { at: t + rng.uniform(1, Math.max(1, o.leadDays)) * DAY, units: orderUpTo - onHand };
    }
    t += rng.exponential(changesPerDay / DAY);
  }

  const orders: SkuStream['orders'] = [];
  if (retailerRatePerDay > 0) {
    for (let at = rng.exponential(retailerRatePerDay / DAY); at < horizon; at += rng.exponential(retailerRatePerDay / DAY)) {
      orders.push({ at, retailer: rng.pick(shares), quantity: rng.pick(ORDER_SIZES) + 1 });
    }
  }
  return { sku: `SKU-${String(index + 1).padStart(5, '0')}`, initialOnHand, referenceStock: orderUpTo, events, orders };
}

export function generateWorkload(options: LevelsOptions): Workload {
  validateLevelsOptions(options);
  const rng = createRng(options.seed);
  const retailers = retailerProfiles(options.retailers);
  const shares = retailers.map((r) => r.share);
  const horizon = options.days * DAY;
  const popularityRng = rng.fork(0);
  const popularity = Array.from({ length: options.skus }, () => popularityRng.uniform(0.25, 1.75));
  const popularityTotal = popularity.reduce((a, b) => a + b, 0);
  const retailerOrdersPerDay = options.ordersPerMonth / 30;
  const skus = popularity.map((p, i) =>
    generateSku(i, p, (retailerOrdersPerDay * p) / popularityTotal, options, shares, rng.fork(i + 1), horizon),
  );
  return { options, retailers, skus, horizonSeconds: horizon };
}
