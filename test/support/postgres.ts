/** The Postgres server for tests and benchmarks: whether it answers, and throwaway schemas on it. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Db } from '../../src/store/index.ts';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

let reachable: Promise<boolean> | undefined;
/** True when the server answers (asked once per process); callers skip with a message otherwise. */
export function serverReachable(): Promise<boolean> {
  reachable ??= (async () => {
    const c = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
    try { await c.connect(); await c.query('select 1'); return true; } catch { return false; } finally { await c.end().catch(() => {}); }
  })();
  return reachable;
}

/** A migrated database in a fresh schema `<prefix>_<random>` on the server; `close` drops the schema. */
export async function openScratchSchema(prefix: string, poolSize = 10): Promise<{ db: Db; schema: string; close(): Promise<void> }> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: DATABASE_URL, schema, poolSize });
  return {
    db, schema,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      try { await c.query(`drop schema if exists "${schema}" cascade`); } finally { await c.end(); }
    },
  };
}
