import type { Db } from '../types.ts';

/**
 * A store whose platform access is gone: paused, marked `lost` or `uninstalled` with the reason (shown as its
 * last error and unhealthy), the refresh claim dropped; `wipe` also removes its credentials.
 * Returns the store's supplier, or null when there is no such store.
 */
export async function markStoreAccess(
  db: Db, storeId: string, status: 'lost' | 'uninstalled', reason: string, wipe: boolean,
): Promise<{ supplierId: string } | null> {
  const rows = await db.query<{ supplier_id: string }>(
    `update stores set paused = true, access_status = $2, access_reason = $3, health = 'unhealthy', last_error = $3,
       refresh_owner = null, refresh_until = null, credentials = case when $4 then null else credentials end
     where id = $1 returning supplier_id`,
    [storeId, status, reason, wipe],
  );
  return rows[0] ? { supplierId: rows[0].supplier_id } : null;
}
