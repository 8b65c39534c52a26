import type { Db } from '../types.ts';

/** A store whose access was granted again (a new install): access ok, unpaused, healthy, no error. */
export async function restoreStoreAccess(db: Db, storeId: string): Promise<void> {
  await db.query(
    `update stores set access_status = 'ok', access_reason = null, paused = false, health = 'healthy', last_error = null, failures = 0,
       circuit_open_until = null, next_attempt_at = null
     where id = $1`,
    [storeId],
  );
}
