import type { Db } from '../types.ts';

/** The supplier's SKUs offered to retailers (listed), in order. */
export async function supplierListedSkus(db: Db, supplierId: string): Promise<string[]> {
  return (await db.query<{ sku: string }>(`select sku from skus where supplier_id = $1 and listed order by sku`, [supplierId])).map((r) => r.sku);
}
