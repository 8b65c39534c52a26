import type { Db } from '../types.ts';

/** The supplier a retailer belongs to, or null when there is no such retailer. */
export async function retailerSupplier(db: Db, retailerId: string): Promise<string | null> {
  const rows = await db.query<{ supplier_id: string }>(`select supplier_id from retailers where id = $1`, [retailerId]);
  return rows[0]?.supplier_id ?? null;
}
