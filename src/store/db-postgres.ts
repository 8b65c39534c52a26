import pg from 'pg';
import { RANDOM_PAGE_COST, type Db } from './types.ts';

// int8 (bigserial ids, count(*)) as numbers: dropsync's counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (money-like settings) as numbers.
pg.types.setTypeParser(1700, (v) => Number(v));

/** A PostgreSQL server through a `pg` pool. `schema` isolates tests (one schema per test file). */
export async function openPostgres(url: string, opts: { schema?: string; poolSize?: number } = {}): Promise<Db> {
  // JIT off: dropsync runs short OLTP statements whose cost the planner can overestimate (e.g. partial-index row
  // counts), and compiling them costs more than running them.
  // A plain schema name goes into the connection's startup options, so no statement pays an extra round trip.
  const simpleSchema = opts.schema !== undefined && /^[a-z_][a-z0-9_]*$/.test(opts.schema);
  const options = `-c jit=off -c random_page_cost=${RANDOM_PAGE_COST}${simpleSchema ? ` -c search_path=${opts.schema}` : ''}`;
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, options });
  if (opts.schema) {
    const ident = quoteIdent(opts.schema);
    await pool.query(`create schema if not exists ${ident}`);
    if (!simpleSchema) pool.on('connect', (client) => { client.query(`set search_path to ${ident}`).catch(() => {}); });
  }
  // Every pooled client gets the search path before first use (other schema names: one statement per use).
  const withClient = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    try {
      if (opts.schema && !simpleSchema) await client.query(`set search_path to ${quoteIdent(opts.schema)}`);
      return await fn(client);
    } finally {
      client.release();
    }
  };
  let listener: pg.Client | null = null;
  const handlers = new Map<string, Set<(payload: string) => void>>();

  const bound = (client: pg.PoolClient): Db => ({
    kind: 'postgres',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const res = await client.query(sql, params as unknown[]);
      return (Array.isArray(res) ? (res[res.length - 1]?.rows ?? []) : res.rows) as T[];
    },
    transaction: (fn) => fn(bound(client)),
    listen: (channel, cb) => db.listen(channel, cb),
    close: async () => {},
  });

  const db: Db = {
    kind: 'postgres',
    async query<T>(sql: string, params: readonly unknown[] = []) {
      if (!opts.schema || simpleSchema) {
        const res = await pool.query(sql, params as unknown[]);
        return (Array.isArray(res) ? (res[res.length - 1]?.rows ?? []) : res.rows) as T[];
      }
      return withClient(async (c) => {
        const res = await c.query(sql, params as unknown[]);
        return (Array.isArray(res) ? (res[res.length - 1]?.rows ?? []) : res.rows) as T[];
      });
    },
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return withClient(async (client) => {
        await client.query('begin');
        try {
          const out = await fn(bound(client));
          await client.query('commit');
          return out;
        } catch (err) {
          await client.query('rollback').catch(() => {});
          throw err;
        }
      });
    },
    async listen(channel, onNotify) {
      if (!listener) {
        listener = new pg.Client({ connectionString: url });
        await listener.connect();
        listener.on('notification', (msg) => {
          for (const h of handlers.get(msg.channel) ?? []) h(msg.payload ?? '');
        });
      }
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        await listener.query(`listen ${quoteIdent(channel)}`);
      }
      set.add(onNotify);
      return async () => { set!.delete(onNotify); };
    },
    async close() {
      if (listener) await listener.end().catch(() => {});
      await pool.end();
    },
  };
  return db;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
