import type { Db } from '../types.ts';

/** A store's sealed credentials as stored now (null when none). */
export async function readStoreCredentials(db: Db, storeId: string): Promise<string | null> {
  const rows = await db.query<{ credentials: string | null }>(`select credentials from stores where id = $1`, [storeId]);
  return rows[0]?.credentials ?? null;
}
