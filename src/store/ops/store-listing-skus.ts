import type { Db } from '../types.ts';

/** The SKUs a store already lists. */
export async function storeListingSkus(db: Db, storeId: string): Promise<Set<string>> {
  return new Set((await db.query<{ sku: string }>(`select sku from listings where store_id = $1`, [storeId])).map((r) => r.sku));
}
