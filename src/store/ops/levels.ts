import type { Db } from '../types.ts';

export interface LevelRow {
  sku: string;
  location_id: string;
  on_hand: number;
  last_set_at: string | null;
}

/** Creates unknown locations (shared, so stock is never hidden) and returns every asked location's shared flag. */
export async function ensureLocations(db: Db, supplierId: string, ids: readonly string[]): Promise<Map<string, boolean>> {
  if (ids.length === 0) return new Map();
  const unique = [...new Set(ids)].sort();
  // One round trip: the CTE's insert is invisible to the outer select, hence the union with what it returned.
  const rows = await db.query<{ id: string; shared: boolean }>(
    `with ins as (
       insert into locations (supplier_id, id, name, shared) select $1, l, l, true from unnest($2::text[]) l
       on conflict do nothing returning id, shared)
     select id, shared from locations where supplier_id = $1 and id = any($2::text[])
     union all select id, shared from ins`,
    [supplierId, unique],
  );
  return new Map(rows.map((r) => [r.id, r.shared]));
}

/** Current per-location levels of the given SKUs (callers hold the SKU row locks). */
export async function loadLevels(db: Db, supplierId: string, skus: readonly string[]): Promise<LevelRow[]> {
  if (skus.length === 0) return [];
  return db.query<LevelRow>(
    `select sku, location_id, on_hand, last_set_at::text as last_set_at from stock_levels
     where supplier_id = $1 and sku = any($2::text[])`,
    [supplierId, [...new Set(skus)]],
  );
}

/** Writes per-location levels (new absolute values) in one statement. */
export async function upsertLevels(
  db: Db, supplierId: string, rows: readonly { sku: string; locationId: string; onHand: number; lastSetAt: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into stock_levels (supplier_id, sku, location_id, on_hand, last_set_at)
     select $1, u.s, u.l, u.q, u.t from unnest($2::text[], $3::text[], $4::int[], $5::timestamptz[]) u(s, l, q, t)
     on conflict (supplier_id, sku, location_id) do update set on_hand = excluded.on_hand, last_set_at = excluded.last_set_at`,
    [supplierId, rows.map((r) => r.sku), rows.map((r) => r.locationId), rows.map((r) => r.onHand), rows.map((r) => r.lastSetAt)],
  );
}

/** Per SKU, the shared location holding the most units: where shipped units leave from. */
export async function fullestSharedLocations(db: Db, supplierId: string, skus: readonly string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await db.query<{ sku: string; location_id: string }>(
    `select distinct on (sl.sku) sl.sku, sl.location_id from stock_levels sl
     join locations l on l.supplier_id = sl.supplier_id and l.id = sl.location_id and l.shared
     where sl.supplier_id = $1 and sl.sku = any($2::text[]) order by sl.sku, sl.on_hand desc, sl.location_id`,
    [supplierId, skus],
  );
  return new Map(rows.map((r) => [r.sku, r.location_id]));
}

export interface SkuLocationRow { location_id: string; on_hand: number; shared: boolean; last_set_at: string | null }

/** One SKU's units per location, with whether the location is shared with retailers. */
export async function skuLocations(db: Db, supplierId: string, sku: string): Promise<SkuLocationRow[]> {
  return db.query<SkuLocationRow>(
    `select sl.location_id, sl.on_hand, coalesce(l.shared, true) as shared, sl.last_set_at::text as last_set_at
     from stock_levels sl left join locations l on l.supplier_id = sl.supplier_id and l.id = sl.location_id
     where sl.supplier_id = $1 and sl.sku = $2 order by sl.location_id`, [supplierId, sku]);
}
