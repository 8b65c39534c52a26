import type { Db } from '../types.ts';

/** Adds units sold per (sku, retailer, day); retailer '' is all channels. Rows must be unique per key. */
export async function addSales(
  db: Db, supplierId: string, rows: readonly { sku: string; retailerId: string; day: string; units: number }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `insert into sales_daily (supplier_id, sku, retailer_id, day, units)
     select $1, u.s, u.r, u.d, u.n from unnest($2::text[], $3::text[], $4::date[], $5::int[]) u(s, r, d, n)
     on conflict (supplier_id, sku, retailer_id, day) do update set units = sales_daily.units + excluded.units`,
    [supplierId, rows.map((r) => r.sku), rows.map((r) => r.retailerId), rows.map((r) => r.day), rows.map((r) => r.units)],
  );
}

export interface VelocityRow {
  sku: string;
  retailer_id: string;
  units: number;
  first_day: string;
}

/** Units sold per (sku, retailer) since `sinceDay` (inclusive), with the first day seen, for velocity and history. */
export async function loadSales(db: Db, supplierId: string, skus: readonly string[], sinceDay: string): Promise<VelocityRow[]> {
  if (skus.length === 0) return [];
  return db.query<VelocityRow>(
    `select sku, retailer_id, sum(units)::int as units, min(day)::text as first_day from sales_daily
     where supplier_id = $1 and sku = any($2::text[]) and day >= $3::date group by sku, retailer_id`,
    [supplierId, skus, sinceDay],
  );
}
