/**
 * Push lag as histograms per store and minute (table `push_lag_minute`). Bucket b holds the lags in
 * (1.05^(b-1), 1.05^b] ms (bucket 0: 1 ms and less), so a percentile read back is within 2.5% of the true one, and
 * an hour of a busy store is a few hundred rows however many items it acknowledged.
 */
import type { Db } from '../types.ts';

const RATIO = 1.05;
const LN_RATIO = Math.log(RATIO);

/** The bucket of a lag in ms. */
export function lagBucket(ms: number): number {
  return ms <= 1 ? 0 : Math.min(32_000, Math.ceil(Math.log(ms) / LN_RATIO - 1e-9));
}

/** The value a bucket stands for: the geometric middle of its range (0 for bucket 0). */
export function bucketValueMs(bucket: number): number {
  return bucket <= 0 ? 0 : Math.pow(RATIO, bucket - 0.5);
}

/** SQL of bucketValueMs over a bucket expression. */
const valueSql = (b: string) => `(case when ${b} <= 0 then 0 else power(${RATIO}, ${b} - 0.5) end)::float`;

/**
 * SQL of a lateral subquery giving `p50`, `p99` (ms) and `n` (samples) over the histogram rows of `storeExpr`
 * since `sinceExpr` (both SQL expressions). Used by the store's sync view and the dashboard.
 */
export function lagPercentilesSql(storeExpr: string, sinceExpr: string): string {
  return `select ${valueSql('min(c.bucket) filter (where c.cum >= 0.5 * c.total)')} as p50,
                 ${valueSql('min(c.bucket) filter (where c.cum >= 0.99 * c.total)')} as p99,
                 coalesce(max(c.total), 0)::int as n
          from (select h.bucket, sum(h.n) over (order by h.bucket) as cum, sum(h.n) over () as total
                from (select bucket, sum(n) as n from push_lag_minute
                      where store_id = ${storeExpr} and minute >= date_trunc('minute', ${sinceExpr}) group by bucket) h) c`;
}

/**
 * SQL of the lag-over-time chart: per store of supplier $1 (retailer $2, or all) and time bucket of $4 seconds
 * since $3, the median and the worst lag (ms). Columns: store_id, minute (ISO text), p50, max.
 */
export const lagSeriesSql = `
  select b.store_id, to_char(b.t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as minute,
         round(${valueSql('min(b.bucket) filter (where b.cum >= 0.5 * b.total)')})::int as p50,
         round(${valueSql('max(b.bucket)')})::int as max
  from (select h.store_id, h.t, h.bucket, sum(h.n) over (partition by h.store_id, h.t order by h.bucket) as cum,
               sum(h.n) over (partition by h.store_id, h.t) as total
        from (select pl.store_id, to_timestamp(floor(extract(epoch from pl.minute) / $4) * $4) as t, pl.bucket, sum(pl.n) as n
              from push_lag_minute pl join stores s on s.id = pl.store_id
              where s.supplier_id = $1 and ($2::text is null or s.retailer_id = $2) and pl.minute >= date_trunc('minute', $3::timestamptz)
              group by 1, 2, 3) h) b
  group by b.store_id, b.t
  order by b.t, b.store_id`;

/** Counts of acknowledged items per (store, bucket), for one minute. */
export interface LagCount { storeId: string; bucket: number; n: number }

/** Histogram counts of a list of lags per store. */
export function countLags(lags: readonly { storeId: string; lagMs: number }[]): LagCount[] {
  const m = new Map<string, LagCount>();
  for (const l of lags) {
    const b = lagBucket(l.lagMs);
    const key = `${l.storeId}\u0000${b}`;
    const c = m.get(key);
    if (c) c.n++;
    else m.set(key, { storeId: l.storeId, bucket: b, n: 1 });
  }
  return [...m.values()];
}
