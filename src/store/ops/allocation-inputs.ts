import type { Db } from '../types.ts';
import { lagPercentilesSql } from './lag.ts';

export interface RuleRow { scope: 'global' | 'category' | 'sku'; scope_key: string; kind: string; value: unknown }
export interface RetailerRuleRow {
  retailer_id: string; scope: 'global' | 'category' | 'sku'; scope_key: string;
  floor: number | null; ceiling: number | null; tier: number | null; excluded: boolean | null;
}
export interface SkuStateRow { sku: string; category: string | null; name: string | null; listed: boolean; on_hand: number; committed: number; held: number }
export interface ListingTargetRow { listing_id: string; store_id: string; retailer_id: string; sku: string; external_id: string; external_location_id: string | null }

/** Both rule tables of a supplier in one round trip. */
export async function loadAllRules(db: Db, supplierId: string): Promise<{ rules: RuleRow[]; retailerRules: RetailerRuleRow[] }> {
  const rows = await db.query<{ rules: RuleRow[] | null; retailer_rules: RetailerRuleRow[] | null }>(
    `select (select json_agg(json_build_object('scope', scope, 'scope_key', scope_key, 'kind', kind, 'value', value)) from rules where supplier_id = $1) as rules,
            (select json_agg(json_build_object('retailer_id', retailer_id, 'scope', scope, 'scope_key', scope_key, 'floor', floor,
               'ceiling', ceiling, 'tier', tier, 'excluded', excluded)) from retailer_rules where supplier_id = $1) as retailer_rules`,
    [supplierId],
  );
  return { rules: rows[0]?.rules ?? [], retailerRules: rows[0]?.retailer_rules ?? [] };
}

export async function loadSkuStates(db: Db, supplierId: string, skus: readonly string[]): Promise<SkuStateRow[]> {
  if (skus.length === 0) return [];
  return db.query<SkuStateRow>(
    `select sku, category, name, listed, on_hand, committed, held from skus where supplier_id = $1 and sku = any($2::text[])`,
    [supplierId, skus],
  );
}

/** Every listing of the given SKUs with the retailer owning its store. */
export async function loadListingTargets(db: Db, supplierId: string, skus: readonly string[]): Promise<ListingTargetRow[]> {
  if (skus.length === 0) return [];
  return db.query<ListingTargetRow>(
    `select l.id as listing_id, l.store_id, s.retailer_id, l.sku, l.external_id, l.external_location_id from listings l join stores s on s.id = l.store_id
     where l.supplier_id = $1 and l.sku = any($2::text[]) order by l.id`,
    [supplierId, skus],
  );
}

/**
 * Row-locks the next `limit` SKUs of a supplier after `after` (null: from the first), in SKU order, and returns
 * their totals: recompute 'all' walks the catalogue page by page without holding the list of codes.
 */
export async function lockSkuPage(db: Db, supplierId: string, after: string | null, limit: number): Promise<SkuStateRow[]> {
  return db.query<SkuStateRow>(
    `select sku, category, name, listed, on_hand, committed, held from skus
     where supplier_id = $1 and ($2::text is null or sku > $2) order by sku limit $3 for update`,
    [supplierId, after, limit],
  );
}

/** The worst recent sync delay (ms) over the supplier's stores: the p99 of the last hour's push lag; 0 without data. */
export async function worstSyncDelayMs(db: Db, supplierId: string, since: string): Promise<number> {
  const rows = await db.query<{ ms: number | null }>(
    `select max(x.p99)::float as ms from stores s cross join lateral (${lagPercentilesSql('s.id', '$2::timestamptz')}) x where s.supplier_id = $1`,
    [supplierId, since],
  );
  return rows[0]?.ms ?? 0;
}
