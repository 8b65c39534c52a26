import type { Db } from '../types.ts';

/** A supplier's store's non-secret config, or null when there is no such store. */
export async function readStoreConfig(db: Db, supplierId: string, storeId: string): Promise<Record<string, unknown> | null> {
  const rows = await db.query<{ config: Record<string, unknown> }>(`select config from stores where id = $1 and supplier_id = $2`, [storeId, supplierId]);
  return rows[0] ? (rows[0].config ?? {}) : null;
}
