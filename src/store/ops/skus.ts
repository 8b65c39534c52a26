import type { Db } from '../types.ts';

export interface SkuTotalsRow {
  sku: string;
  category: string | null;
  name?: string | null;
  listed?: boolean;
  on_hand: number;
  committed: number;
  held: number;
}

/** Creates the SKUs that do not exist yet as unlisted; returns the ones created. Sorted inserts keep lock order stable. */
export async function ensureSkus(db: Db, supplierId: string, skus: readonly string[], at: string): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db.query<{ sku: string }>(
    `insert into skus (supplier_id, sku, listed, created_at, updated_at)
     select $1, s, false, $3::timestamptz, $3::timestamptz from unnest($2::text[]) s order by s
     on conflict do nothing returning sku`,
    [supplierId, [...new Set(skus)].sort(), at],
  );
  return rows.map((r) => r.sku);
}

/** Row-locks the SKUs (sorted, so concurrent transactions never deadlock) and returns their running totals. */
export async function lockSkus(db: Db, supplierId: string, skus: readonly string[]): Promise<Map<string, SkuTotalsRow>> {
  if (skus.length === 0) return new Map();
  const rows = await db.query<SkuTotalsRow>(
    `select sku, category, name, listed, on_hand, committed, held from skus
     where supplier_id = $1 and sku = any($2::text[]) order by sku for update`,
    [supplierId, [...new Set(skus)].sort()],
  );
  return new Map(rows.map((r) => [r.sku, r]));
}

/** Writes new absolute totals for locked SKUs in one statement. */
export async function writeSkuTotals(db: Db, supplierId: string, rows: readonly SkuTotalsRow[], at: string): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `update skus s set on_hand = u.a, committed = u.b, held = u.c, updated_at = $6::timestamptz
     from unnest($2::text[], $3::int[], $4::int[], $5::int[]) u(sku, a, b, c)
     where s.supplier_id = $1 and s.sku = u.sku`,
    [supplierId, rows.map((r) => r.sku), rows.map((r) => r.on_hand), rows.map((r) => r.committed), rows.map((r) => r.held), at],
  );
}

/** For new SKU codes, an existing code that differs only in case or whitespace (reported, never merged). */
export async function findNearSkus(db: Db, supplierId: string, codes: readonly string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await db.query<{ code: string; sku: string }>(
    `select c as code, s.sku from unnest($2::text[]) c
     join skus s on s.supplier_id = $1 and lower(btrim(s.sku)) = lower(btrim(c)) and s.sku <> c`,
    [supplierId, codes],
  );
  return new Map(rows.map((r) => [r.code, r.sku]));
}
