import type { Db } from '../types.ts';
import { lagPercentilesSql, lagSeriesSql } from '../ops/lag.ts';

export interface StoreRow {
  id: string;
  name: string;
  platform: string;
  retailer_id: string;
  retailer_name: string;
  paused: boolean;
  health: string;
  last_push_at: string | null;
  last_error: string | null;
  webhooks_seen: number;
  orders_by_poll: number;
  queue_depth: number;
  listings: number;
  oldest_dirty_at: string | null;
  lag_p50_ms: number | null;
  lag_p99_ms: number | null;
  lag_samples: number;
}

/**
 * Every store of a supplier (or of one retailer) with its sync health: queue depth = listings whose desired
 * quantity is not yet confirmed; lag percentiles from the lag histograms since `since`.
 */
export async function listStores(db: Db, supplierId: string, retailerId: string | null, since: string): Promise<StoreRow[]> {
  return db.query<StoreRow>(
    `select s.id, s.name, s.platform, s.retailer_id, r.name as retailer_name, s.paused, s.health,
            s.last_push_at, s.last_error, s.webhooks_seen, s.orders_by_poll,
            coalesce(q.depth, 0)::int as queue_depth, coalesce(q.listings, 0)::int as listings, q.oldest_dirty_at,
            l.p50::int as lag_p50_ms, l.p99::int as lag_p99_ms, coalesce(l.n, 0)::int as lag_samples
       from stores s
       join retailers r on r.id = s.retailer_id
       left join lateral (
         select count(*) filter (where d.confirmed is distinct from d.desired) as depth,
                count(*) as listings,
                min(d.desired_at) filter (where d.confirmed is distinct from d.desired) as oldest_dirty_at
           from desired d where d.store_id = s.id) q on true
       left join lateral (${lagPercentilesSql('s.id', '$3::timestamptz')}) l on true
      where s.supplier_id = $1 and ($2::text is null or s.retailer_id = $2)
      order by r.name, s.name`,
    [supplierId, retailerId, since],
  );
}

export interface LagPoint {
  store_id: string;
  minute: string;
  p50: number;
  max: number;
}

/** Per store and `bucketSeconds` since `since`: median and worst lag (from the lag histograms), for the lag-over-time chart. */
export async function lagSeries(
  db: Db, supplierId: string, retailerId: string | null, since: string, bucketSeconds: number,
): Promise<LagPoint[]> {
  return db.query<LagPoint>(lagSeriesSql, [supplierId, retailerId, since, bucketSeconds]);
}

export interface MappingProblem {
  store_id: string;
  kind: 'missing' | 'duplicate' | 'case_mismatch';
  sku: string;
  detail: string;
}

/**
 * Mapping problems of a supplier's stores: listed SKUs a store has no listing for (missing); SKUs that collide
 * once case and whitespace are ignored (duplicate); event-created (unlisted) SKUs that differ from a listed SKU
 * only by case or whitespace (case_mismatch: reported, never merged).
 */
export async function mappingProblems(db: Db, supplierId: string, retailerId: string | null): Promise<MappingProblem[]> {
  return db.query<MappingProblem>(
    `select s.id as store_id, 'missing' as kind, k.sku, 'SKU has no listing in this store' as detail
       from stores s join skus k on k.supplier_id = s.supplier_id and k.listed
      where s.supplier_id = $1 and ($2::text is null or s.retailer_id = $2)
        and not exists (select 1 from listings l where l.store_id = s.id and l.sku = k.sku)
     union all
     select null, 'duplicate', min(k.sku), 'SKUs ' || string_agg(k.sku, ', ' order by k.sku) || ' differ only by case or whitespace'
       from skus k where k.supplier_id = $1 and $2::text is null
      group by lower(btrim(k.sku)) having count(*) > 1 and bool_and(k.listed)
     union all
     select null, 'case_mismatch', u.sku, 'unlisted SKU from a stock event resembles listed SKU ' || k.sku
       from skus u join skus k on k.supplier_id = u.supplier_id and k.listed and k.sku <> u.sku
                               and lower(btrim(k.sku)) = lower(btrim(u.sku))
      where u.supplier_id = $1 and not u.listed and $2::text is null
      order by 1 nulls first, 2, 3
      limit 500`,
    [supplierId, retailerId],
  );
}

export interface ConnectTarget {
  id: string;
  platform: string;
  config: Record<string, unknown>;
}

/** A store of this supplier with what discovery needs (credentials come from the user, not the database). */
export async function storeForConnect(db: Db, supplierId: string, storeId: string): Promise<ConnectTarget | undefined> {
  const rows = await db.query<ConnectTarget>(`select id, platform, config from stores where supplier_id = $1 and id = $2`, [supplierId, storeId]);
  return rows[0];
}

export async function listedSkus(db: Db, supplierId: string): Promise<string[]> {
  return (await db.query<{ sku: string }>(`select sku from skus where supplier_id = $1 and listed order by sku`, [supplierId])).map((r) => r.sku);
}

export async function storeListingSkus(db: Db, storeId: string): Promise<Set<string>> {
  return new Set((await db.query<{ sku: string }>(`select sku from listings where store_id = $1`, [storeId])).map((r) => r.sku));
}
