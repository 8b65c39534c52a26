import { openPglite } from './db-pglite.ts';
import { openPostgres } from './db-postgres.ts';
import { migrate } from './migrate.ts';
import type { Db, OpenDatabaseOptions } from './types.ts';

/**
 * Opens the database dropsync runs on: a PostgreSQL server when `databaseUrl` is given, else PGlite
 * (in `dataDir`, or in memory), and applies pending migrations.
 *
 * @example
 *   const db = await openDatabase({ dataDir: './data' });
 *   const rows = await db.query<{ sku: string }>('select sku from skus where supplier_id = $1', [supplierId]);
 */
export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<Db> {
  const db = opts.databaseUrl
    ? await openPostgres(opts.databaseUrl, {
      ...(opts.schema ? { schema: opts.schema } : {}), ...(opts.poolSize ? { poolSize: opts.poolSize } : {}),
      ...(opts.applicationName ? { applicationName: opts.applicationName } : {}), ...(opts.log ? { log: opts.log } : {}),
      ...(opts.statementTimeoutMs ? { statementTimeoutMs: opts.statementTimeoutMs } : {}),
      ...(opts.idleInTransactionTimeoutMs ? { idleInTransactionTimeoutMs: opts.idleInTransactionTimeoutMs } : {}),
    })
    : await openPglite(opts.dataDir);
  if (opts.migrate !== false) await migrate(db);
  return db;
}
