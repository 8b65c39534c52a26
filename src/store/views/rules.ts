import type { Db } from '../types.ts';

export interface RuleRow {
  scope: 'global' | 'category' | 'sku';
  scope_key: string;
  kind: 'own_reserve' | 'buffer' | 'threshold' | 'strategy';
  value: unknown;
  updated_at: string;
}

export interface RetailerRuleRow {
  retailer_id: string;
  scope: 'global' | 'category' | 'sku';
  scope_key: string;
  floor: number | null;
  ceiling: number | null;
  tier: number | null;
  excluded: boolean | null;
}

export interface RetailerRow {
  id: string;
  name: string;
  conflict_action: string;
  discount_value: string;
  oversell_cost: string;
}

export async function listRules(db: Db, supplierId: string): Promise<RuleRow[]> {
  return db.query<RuleRow>(
    `select scope, scope_key, kind, value, updated_at from rules where supplier_id = $1 order by scope, scope_key, kind`,
    [supplierId],
  );
}

export async function listRetailerRules(db: Db, supplierId: string): Promise<RetailerRuleRow[]> {
  return db.query<RetailerRuleRow>(
    `select retailer_id, scope, scope_key, floor, ceiling, tier, excluded
       from retailer_rules where supplier_id = $1 order by retailer_id, scope, scope_key`,
    [supplierId],
  );
}

export async function listRetailers(db: Db, supplierId: string, retailerId: string | null): Promise<RetailerRow[]> {
  return db.query<RetailerRow>(
    `select id, name, conflict_action, discount_value::text, oversell_cost::text
       from retailers where supplier_id = $1 and ($2::text is null or id = $2) order by name, id`,
    [supplierId, retailerId],
  );
}

export interface RetailerSales {
  sku: string;
  retailer_id: string;
  units: number;
  days: number;
  first_day: string;
}

/** Units per (SKU, retailer) over a trailing window, and the days of history behind them, for proportional split. */
export async function retailerSales(db: Db, supplierId: string, skus: readonly string[], sinceDay: string): Promise<RetailerSales[]> {
  if (skus.length === 0) return [];
  return db.query<RetailerSales>(
    `select sku, retailer_id, coalesce(sum(units) filter (where day >= $3::date), 0)::int as units,
            count(distinct day)::int as days, min(day)::text as first_day
       from sales_daily where supplier_id = $1 and sku = any($2::text[]) and retailer_id <> ''
      group by sku, retailer_id`,
    [supplierId, skus, sinceDay],
  );
}
