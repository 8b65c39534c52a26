import type { Db } from '../types.ts';

/** Takes a store's token-refresh claim until `until` unless another owner holds an unexpired one. */
export async function claimStoreRefresh(db: Db, storeId: string, owner: string, now: string, until: string): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `update stores set refresh_owner = $2, refresh_until = $4::timestamptz
     where id = $1 and (refresh_owner is null or refresh_owner = $2 or refresh_until is null or refresh_until <= $3::timestamptz)
     returning id`,
    [storeId, owner, now, until],
  );
  return rows.length === 1;
}
