/**
 * Terms:
 * - Db: the one-method-wide database seam (pg-boss style). Everything in dropsync talks SQL through `query`,
 *   and `transaction` hands the callback a Db bound to one transaction, so a business write and its outbox
 *   (desired quantities) commit together.
 * - embedded: PGlite in a data directory (or in memory); server: PostgreSQL through `pg`. Same SQL dialect.
 * - notify/listen: Postgres LISTEN/NOTIFY; on PGlite they work within the one process.
 */
export interface Db {
  /** Runs one parameterised statement ($1, $2, ...) and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs `fn` in one transaction; commits when it resolves, rolls back when it throws. Nested calls reuse the outer one. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Subscribes to a NOTIFY channel; returns an unsubscribe function. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** Which engine this is: 'pglite' or 'postgres'. */
  readonly kind: 'pglite' | 'postgres';
  close(): Promise<void>;
}

/**
 * The planner's cost of a random page read, set on dropsync's own sessions. The default (4) assumes spinning
 * disks; with the hot tables in memory it made a dispatch confirming 10,000 rows scan all of `desired` (500,000
 * rows) instead of probing its primary key, about 4x slower. 1.1 is the usual value for cached data and SSDs.
 */
export const RANDOM_PAGE_COST = 1.1;

export interface OpenDatabaseOptions {
  /** PostgreSQL connection string; when set, a server is used instead of PGlite. */
  databaseUrl?: string;
  /** PGlite data directory; omitted (and no databaseUrl): in memory. */
  dataDir?: string;
  /** Run pending migrations on open. Default true. */
  migrate?: boolean;
  /** Server only: a schema to use (created if missing); tests use one schema per file for isolation. */
  schema?: string;
  /** Server only: pool size. Default 10. */
  poolSize?: number;
  /** Server only: the session's application_name (default `dropsync`), statement and idle-in-transaction timeouts (default 60 s each). */
  applicationName?: string;
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
  /** Server only: logs lost connections and reconnections. */
  log?: (msg: string, err?: unknown) => void;
}
