import type { Db } from '../types.ts';

export interface SkuRow {
  sku: string;
  name: string | null;
  category: string | null;
  listed: boolean;
  on_hand: number;
  committed: number;
  held: number;
  velocity: number;
  updated_at: string;
}

const SKU_COLUMNS = 'sku, name, category, listed, on_hand, committed, held, velocity, updated_at';

/** SKUs of a supplier matching a search (SKU, name or category, case-insensitive), in SKU order. */
export async function searchSkus(db: Db, supplierId: string, search: string, limit: number, offset: number): Promise<SkuRow[]> {
  return db.query<SkuRow>(
    `select ${SKU_COLUMNS}
       from skus
      where supplier_id = $1
        and ($2 = '' or sku ilike '%' || $2 || '%' or coalesce(name, '') ilike '%' || $2 || '%' or coalesce(category, '') ilike '%' || $2 || '%')
      order by sku limit $3 offset $4`,
    [supplierId, search, limit, offset],
  );
}

/** One SKU, or undefined. */
export async function findSku(db: Db, supplierId: string, sku: string): Promise<SkuRow | undefined> {
  return (await db.query<SkuRow>(`select ${SKU_COLUMNS} from skus where supplier_id = $1 and sku = $2`, [supplierId, sku]))[0];
}

/** The SKUs named (at most `limit`), or else those of a category, in SKU order. */
export async function skusNamedOrInCategory(
  db: Db, supplierId: string, pick: { skus: readonly string[] } | { category: string }, limit: number,
): Promise<SkuRow[]> {
  return 'skus' in pick
    ? db.query<SkuRow>(`select ${SKU_COLUMNS} from skus where supplier_id = $1 and sku = any($2::text[]) order by sku limit $3`, [supplierId, pick.skus, limit])
    : db.query<SkuRow>(`select ${SKU_COLUMNS} from skus where supplier_id = $1 and category = $2 order by sku limit $3`, [supplierId, pick.category, limit]);
}

/** Every category some SKU has, sorted. */
export async function listCategories(db: Db, supplierId: string): Promise<string[]> {
  const rows = await db.query<{ category: string }>(
    `select distinct category from skus where supplier_id = $1 and category is not null order by category`, [supplierId]);
  return rows.map((r) => r.category);
}

export async function countSkus(db: Db, supplierId: string): Promise<{ total: number; listed: number; velocity: number }> {
  const rows = await db.query<{ total: number; listed: number; velocity: number }>(
    `select count(*)::int as total, count(*) filter (where listed)::int as listed,
            coalesce(sum(velocity) filter (where listed), 0)::float8 as velocity
       from skus where supplier_id = $1`,
    [supplierId],
  );
  return rows[0] ?? { total: 0, listed: 0, velocity: 0 };
}

export interface ShownRow {
  sku: string;
  store_id: string;
  store_name: string;
  retailer_id: string;
  desired: number;
  confirmed: number | null;
  confirmed_at: string | null;
  last_error: string | null;
}

/** Per store: the quantity dropsync wants shown (desired) and what the store last acknowledged (confirmed). */
export async function shownForSkus(db: Db, supplierId: string, skus: readonly string[], retailerId: string | null): Promise<ShownRow[]> {
  if (skus.length === 0) return [];
  return db.query<ShownRow>(
    `select d.sku, d.store_id, s.name as store_name, s.retailer_id, d.desired, d.confirmed, d.confirmed_at, d.last_error
       from desired d join stores s on s.id = d.store_id
      where d.supplier_id = $1 and d.sku = any($2::text[]) and ($3::text is null or s.retailer_id = $3)
      order by d.sku, s.name`,
    [supplierId, skus, retailerId],
  );
}

export interface LedgerRow {
  id: string;
  at: string;
  kind: string;
  location_id: string | null;
  ref: string | null;
  delta_on_hand: number;
  delta_committed: number;
  delta_held: number;
  on_hand: number;
  committed: number;
  held: number;
  atp: number;
  detail: unknown;
}

/** The newest ledger lines of one SKU, newest first. */
export async function skuLedger(db: Db, supplierId: string, sku: string, limit: number): Promise<LedgerRow[]> {
  return db.query<LedgerRow>(
    `select id::text, at, kind, location_id, ref, delta_on_hand, delta_committed, delta_held, on_hand, committed, held, atp, detail
       from ledger where supplier_id = $1 and sku = $2 order by id desc limit $3`,
    [supplierId, sku, limit],
  );
}

export interface SkuDrift {
  store_id: string;
  expected: number | null;
  actual: number;
  source: string;
  at: string;
}

export async function skuDrift(db: Db, supplierId: string, sku: string, limit: number): Promise<SkuDrift[]> {
  return db.query<SkuDrift>(
    `select store_id, expected, actual, source, at from drift where supplier_id = $1 and sku = $2 order by id desc limit $3`,
    [supplierId, sku, limit],
  );
}
