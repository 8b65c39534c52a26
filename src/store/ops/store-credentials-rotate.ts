import type { Db } from '../types.ts';

/** Saves rotated credentials and releases the refresh claim in one write. */
export async function saveRotatedCredentials(db: Db, storeId: string, owner: string, sealed: string): Promise<void> {
  await db.query(
    `update stores set credentials = $3,
       refresh_owner = case when refresh_owner = $2 then null else refresh_owner end,
       refresh_until = case when refresh_owner = $2 then null else refresh_until end
     where id = $1`,
    [storeId, owner, sealed],
  );
}
