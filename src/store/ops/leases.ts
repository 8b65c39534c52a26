import type { Db } from '../types.ts';

/**
 * Ends every store lease. Only for an embedded database, which one process owns: any lease found at start-up
 * belongs to a process that died, and waiting for it to expire would pause those stores for a lease length.
 */
export async function releaseAllLeases(db: Db): Promise<number> {
  const rows = await db.query(`update stores set lease_owner = null, lease_until = null where lease_owner is not null returning id`);
  return rows.length;
}
