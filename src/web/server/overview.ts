/** The Overview page's numbers: per-store sync health plus the business figures (oversells and their cost, phantom exposure), from measured data. */
import { phantomExposure, syncLevel, SYNC_LEVELS } from '../../domain/index.ts';
import type { Db } from '../../store/types.ts';
import type { Clock } from '../../domain/types.ts';
import { conflictTotals } from '../../store/views/conflicts.ts';
import { countSkus } from '../../store/views/skus.ts';
import { lagSeries, listStores, type StoreRow } from '../../store/views/stores.ts';

const DAY_MS = 86_400_000;
/** Lag chart resolution: 360 points per store over the last hour. */
const LAG_BUCKET_SECONDS = 10;

export function monthStart(now: number): string {
  const d = new Date(now);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
}

/** A store's current delay: its p99 lag, or how long its oldest unconfirmed change has waited if that is worse. */
export function storeDelayMs(s: StoreRow, now: number): number | null {
  const waiting = s.oldest_dirty_at ? Math.max(0, now - new Date(s.oldest_dirty_at).getTime()) : 0;
  if (s.lag_p99_ms === null && waiting === 0) return null;
  return Math.max(s.lag_p99_ms ?? 0, waiting);
}

export function describeStore(s: StoreRow, now: number) {
  const delay = storeDelayMs(s, now);
  const seen = s.webhooks_seen + s.orders_by_poll;
  const level = delay === null ? null : syncLevel(delay / 1000);
  return {
    id: s.id,
    name: s.name,
    platform: s.platform,
    retailerId: s.retailer_id,
    retailerName: s.retailer_name,
    paused: s.paused,
    health: s.health,
    lastPushAt: s.last_push_at,
    lastError: s.last_error,
    queueDepth: s.queue_depth,
    listings: s.listings,
    lagP50Ms: s.lag_p50_ms,
    lagP99Ms: s.lag_p99_ms,
    lagSamples: s.lag_samples,
    delayMs: delay,
    syncLevel: level,
    syncLevelName: level === null ? null : SYNC_LEVELS[level].name,
    // Share of orders that arrived by webhook rather than being found later by polling.
    webhookDeliveryRate: seen === 0 ? null : s.webhooks_seen / seen,
  };
}

export async function buildOverview(db: Db, clock: Clock, supplierId: string, retailerId: string | null) {
  const now = clock.now();
  const since24h = new Date(now - DAY_MS).toISOString();
  const sinceHour = new Date(now - 3_600_000).toISOString();
  const [stores, series, month, skus] = await Promise.all([
    listStores(db, supplierId, retailerId, since24h),
    lagSeries(db, supplierId, retailerId, sinceHour, LAG_BUCKET_SECONDS),
    conflictTotals(db, supplierId, retailerId, monthStart(now)),
    countSkus(db, supplierId),
  ]);
  const described = stores.map((s) => describeStore(s, now));
  const active = described.filter((s) => !s.paused);
  const worstDelayMs = active.reduce((m, s) => Math.max(m, s.delayMs ?? 0), 0);
  const avgVelocity = skus.listed === 0 ? 0 : skus.velocity / skus.listed;
  const exposure = phantomExposure(avgVelocity, worstDelayMs / DAY_MS, skus.listed);
  return {
    at: new Date(now).toISOString(),
    stores: described,
    lagSeries: series,
    oversells: { month: monthStart(now), count: month.oversells, units: month.units, cost: month.cost },
    phantom: {
      exposureUnits: exposure,
      avgVelocity,
      worstDelayMs,
      sharedSkus: skus.listed,
    },
    skus: { total: skus.total, listed: skus.listed },
  };
}
