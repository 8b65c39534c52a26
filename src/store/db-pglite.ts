import { PGlite } from '@electric-sql/pglite';
import { RANDOM_PAGE_COST, type Db } from './types.ts';

/** Embedded Postgres (PGlite). One connection, so transactions are serialised by PGlite's own lock. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const pg = dataDir ? new PGlite(dataDir) : new PGlite();
  await pg.waitReady;
  await pg.exec(`set random_page_cost = ${RANDOM_PAGE_COST}`);
  return wrap(pg, pg);
}

type Queryable = Pick<PGlite, 'query'> & { exec?: PGlite['exec'] };

function wrap(root: PGlite, conn: Queryable, inTx = false): Db {
  const db: Db = {
    kind: 'pglite',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      // Multi-statement SQL without parameters (migrations) goes through exec.
      if (params.length === 0 && conn.exec && sql.includes(';')) {
        const results = await conn.exec(sql);
        return (results[results.length - 1]?.rows ?? []) as T[];
      }
      const res = await conn.query<T>(sql, params as unknown[]);
      return res.rows;
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (inTx) return fn(db);
      return root.transaction(async (tx) => fn(wrap(root, tx as unknown as Queryable, true)));
    },
    async listen(channel, onNotify) {
      const unsub = await root.listen(channel, onNotify);
      return async () => { await unsub(); };
    },
    async close() {
      if (!inTx) await root.close();
    },
  };
  return db;
}
