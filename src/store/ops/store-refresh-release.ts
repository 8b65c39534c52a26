import type { Db } from '../types.ts';

/** Releases the token-refresh claim if `owner` holds it. */
export async function releaseStoreRefresh(db: Db, storeId: string, owner: string): Promise<void> {
  await db.query(`update stores set refresh_owner = null, refresh_until = null where id = $1 and refresh_owner = $2`, [storeId, owner]);
}
