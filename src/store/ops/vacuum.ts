import type { Db } from '../types.ts';

/** Tables whose rows are rewritten by routine traffic (every change, push or lease), so dead rows pile up. */
const CHURNING = ['desired', 'stores', 'skus', 'stock_levels', 'sales_daily', 'holds', 'conflicts', 'push_lag_minute', 'webhook_health'];

/**
 * VACUUM (ANALYZE) of the churning tables. PGlite runs no autovacuum, so without this an embedded database
 * grows a dead row version for every desired update and confirmation, and its indexes with it; the engine runs it
 * every few minutes on PGlite. A server's autovacuum already does this job.
 */
export async function vacuumChurningTables(db: Db): Promise<void> {
  await db.query(`vacuum (analyze) ${CHURNING.join(', ')}`);
}
