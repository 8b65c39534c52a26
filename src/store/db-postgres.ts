import pg from 'pg';
import { RANDOM_PAGE_COST, type Db } from './types.ts';

// int8 (bigserial ids, count(*)) as numbers: dropsync's counts stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (money-like settings) as numbers.
pg.types.setTypeParser(1700, (v) => Number(v));

export interface PostgresOptions {
  schema?: string; poolSize?: number;
  /** Shown in pg_stat_activity (default `dropsync`), so an operator can tell dropsync's sessions apart. */
  applicationName?: string;
  /** A statement running longer is cancelled (default 60 s); a transaction idle longer is ended (default 60 s). */
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
  /**
   * How long a query waits for a connection (a free one from the pool, or a new one when the server is slow to
   * answer) before it fails (default 30 s). A server that refuses connections fails at once.
   */
  connectTimeoutMs?: number;
  /** Logs connection errors and reconnections (default: silent). */
  log?: (msg: string, err?: unknown) => void;
}

/** Reconnection of the LISTEN connection: the first retry after this, doubling up to the cap. */
const RECONNECT_FIRST_MS = 100;
const RECONNECT_CAP_MS = 5_000;

/**
 * A PostgreSQL server through a `pg` pool. `schema` isolates tests (one schema per test file).
 *
 * Faults of a real deployment (a failover, a restart, an idle-connection reaper, a pooler restart) never end the
 * process: a pooled connection that breaks is dropped by the pool (its error is logged, the query that ran on it
 * fails), and the next query opens a new one; the LISTEN connection reconnects with backoff, LISTENs again, and
 * then calls every handler with an empty payload, which means "anything may have changed while away" (the engine
 * then looks at every store, so no notification missed meanwhile is lost).
 */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<Db> {
  // JIT off: dropsync runs short OLTP statements whose cost the planner can overestimate (e.g. partial-index row
  // counts), and compiling them costs more than running them.
  // A plain schema name goes into the connection's startup options, so no statement pays an extra round trip.
  const simpleSchema = opts.schema !== undefined && /^[a-z_][a-z0-9_]*$/.test(opts.schema);
  const log = opts.log ?? (() => {});
  const options = `-c jit=off -c random_page_cost=${RANDOM_PAGE_COST}${simpleSchema ? ` -c search_path=${opts.schema}` : ''}`;
  const session = {
    // PGAPPNAME is libpq's (and pg's) own variable for it.
    application_name: opts.applicationName ?? process.env.PGAPPNAME ?? 'dropsync',
    statement_timeout: opts.statementTimeoutMs ?? 60_000,
    idle_in_transaction_session_timeout: opts.idleInTransactionTimeoutMs ?? 60_000,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 30_000,
  };
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, options, ...session });
  // An idle pooled connection that breaks (its backend terminated) emits here; the pool has already dropped it.
  pool.on('error', (err) => log('database connection lost (pooled)', err));
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
  let connecting: Promise<pg.Client> | null = null;
  let closed = false;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  const deliver = (channel: string, payload: string) => { for (const h of handlers.get(channel) ?? []) h(payload); };

  /** Opens the LISTEN connection and LISTENs on every channel with handlers; on loss it comes back by itself. */
  const connectListener = (): Promise<pg.Client> => {
    connecting ??= (async () => {
      const client = new pg.Client({ connectionString: url, ...session, application_name: `${session.application_name}:listen` });
      let lost = false;
      const onLost = (err?: unknown) => {
        if (lost) return;
        lost = true;
        if (listener === client) listener = null;
        client.removeAllListeners('notification');
        void client.end().catch(() => {});
        if (closed) return;
        log('database LISTEN connection lost; reconnecting', err);
        void reconnect();
      };
      client.on('error', onLost);
      client.on('end', () => onLost());
      client.on('notification', (msg) => deliver(msg.channel, msg.payload ?? ''));
      try {
        await client.connect();
        for (const channel of handlers.keys()) await client.query(`listen ${quoteIdent(channel)}`);
      } catch (err) {
        client.removeAllListeners('end');
        await client.end().catch(() => {});
        throw err;
      }
      listener = client;
      return client;
    })().finally(() => { connecting = null; });
    return connecting;
  };

  let reconnecting = false;
  const reconnect = async () => {
    if (reconnecting) return;
    reconnecting = true;
    try {
      for (let wait = RECONNECT_FIRST_MS; !closed; wait = Math.min(RECONNECT_CAP_MS, wait * 2)) {
        await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random() / 2)).unref?.());
        if (closed) return;
        try {
          await connectListener();
          log('database LISTEN connection back');
          // Whatever was notified while away is lost: tell every handler to look at everything.
          for (const channel of handlers.keys()) deliver(channel, '');
          return;
        } catch (err) {
          log('database reconnect failed; retrying', err);
        }
      }
    } finally {
      reconnecting = false;
    }
  };

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
      let set = handlers.get(channel);
      if (!set) {
        set = new Set();
        handlers.set(channel, set);
        const client = listener ?? (await connectListener());
        // A connection made just now LISTENed on every channel already.
        if (client === listener) await client.query(`listen ${quoteIdent(channel)}`).catch(() => {});
      }
      set.add(onNotify);
      return async () => { set!.delete(onNotify); };
    },
    async close() {
      closed = true;
      const l = listener;
      listener = null;
      if (l) await l.end().catch(() => {});
      await pool.end();
    },
  };
  return db;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
