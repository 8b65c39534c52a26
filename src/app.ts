/**
 * Composition root: opens the database (PGlite in a data directory, or a server from DATABASE_URL), loads the
 * credentials key, creates the engine with credential decryption, and builds the HTTP app (with the dashboard
 * when it is available). The CLI's serve, import and keys commands all start here.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { openDatabase, type Db } from './store/index.ts';
import { countApiKeys, createApiKey, createSupplier, listSuppliers } from './store/admin/index.ts';
import { createSealer, loadSecretKey, type CredentialSealer } from './security/index.ts';
import { createEngine, engineMetrics, type Engine } from './engine/index.ts';
import { buildApp } from './http/index.ts';
import { connectorFactory, registerConnector } from './connectors/registry.ts';
import { createShopifyConnector } from './connectors/shopify/index.ts';
// WooCommerce registers its connector when imported.
import './connectors/woocommerce/index.ts';
import type { Clock } from './domain/types.ts';
import { DropsyncError } from './domain/errors.ts';

export { systemClock } from './clock.ts';
import { systemClock } from './clock.ts';

/** Layout of a data directory: the embedded database in `db/`, the credentials key in `secret.key`. */
export function embeddedDbDir(dataDir: string): string {
  // The directory holds the credentials key too: keep it private to the user.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return join(dataDir, 'db');
}

export interface RuntimeOptions {
  /** PGlite data directory (embedded mode). Default: DROPSYNC_DATA or ./data. Ignored with databaseUrl. */
  dataDir?: string;
  /** PostgreSQL server; default DATABASE_URL. */
  databaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  logger?: FastifyBaseLogger;
  /** Run migrations on open (default true). */
  migrate?: boolean;
}

export interface Runtime {
  db: Db;
  engine: Engine;
  sealer: CredentialSealer;
  clock: Clock;
  mode: 'embedded' | 'server';
  /** Where the database lives, for messages (never includes a password). */
  location: string;
  /** 'created' when this run generated <data>/secret.key. */
  secretKeySource: 'env' | 'file' | 'created';
  close(): Promise<void>;
}

/** Resolves the data directory and database URL from options and the environment. */
export function resolveStorage(opts: { dataDir?: string | undefined; databaseUrl?: string | undefined; env?: NodeJS.ProcessEnv | undefined }): { databaseUrl?: string; dataDir: string } {
  const env = opts.env ?? process.env;
  const databaseUrl = opts.databaseUrl ?? (env.DATABASE_URL && env.DATABASE_URL.trim() !== '' ? env.DATABASE_URL : undefined);
  const dataDir = resolve(opts.dataDir ?? env.DROPSYNC_DATA ?? './data');
  return databaseUrl ? { databaseUrl, dataDir } : { dataDir };
}

/** Makes every platform connector available to the engine (test and http are built in). */
export function registerPlatformConnectors(): void {
  if (!connectorFactory('shopify')) registerConnector('shopify', createShopifyConnector);
}

export async function openRuntime(opts: RuntimeOptions = {}): Promise<Runtime> {
  registerPlatformConnectors();
  const env = opts.env ?? process.env;
  const clock = opts.clock ?? systemClock;
  const storage = resolveStorage({ dataDir: opts.dataDir, databaseUrl: opts.databaseUrl, env });
  // The key first: refusing to start beats storing credentials nobody can read later.
  const { key, source } = storage.databaseUrl
    ? loadSecretKey({ env, ...(opts.dataDir ? { dataDir: storage.dataDir } : {}) })
    : loadSecretKey({ env, dataDir: storage.dataDir });
  const sealer = createSealer(key);
  const db = await openDatabase({
    ...(storage.databaseUrl ? { databaseUrl: storage.databaseUrl } : { dataDir: embeddedDbDir(storage.dataDir) }),
    migrate: opts.migrate ?? true,
  });
  const logger = opts.logger;
  const engine = createEngine({
    db,
    clock,
    ...(logger ? { logger: logger as unknown as NonNullable<Parameters<typeof createEngine>[0]['logger']> } : {}),
    decryptCredentials: (sealed) => (sealed ? sealer.open(sealed) : {}),
  });
  return {
    db, engine, sealer, clock, secretKeySource: source,
    mode: storage.databaseUrl ? 'server' : 'embedded',
    location: storage.databaseUrl ? redactUrl(storage.databaseUrl) : storage.dataDir,
    async close() {
      await engine.stop();
      await db.close();
    },
  };
}

/**
 * On an empty database, creates the first supplier and an admin key and returns the key (to print once).
 * Returns null when any key exists already.
 */
export async function bootstrap(db: Db, clock: Clock, name = 'My supplier'): Promise<{ supplierId: string; adminKey: string } | null> {
  return db.transaction(async (tx) => {
    if (tx.kind === 'postgres') await tx.query(`select pg_advisory_xact_lock(72470002)`);
    if ((await countApiKeys(tx)) > 0) return null;
    const at = new Date(clock.now());
    const existing = (await listSuppliers(tx))[0];
    const supplier = existing ?? (await createSupplier(tx, { name }, at));
    if (!existing) {
      await tx.query(`insert into locations (supplier_id, id, name, shared) values ($1, 'main', 'Main warehouse', true)`, [supplier.id]);
    }
    const { key } = await createApiKey(tx, { supplierId: supplier.id, label: 'first admin key' }, at);
    return { supplierId: supplier.id, adminKey: key };
  });
}

/** The HTTP app over a runtime, with /metrics from the engine's registry and the dashboard when present. */
export async function createHttpApp(rt: Runtime, opts: { logger?: FastifyBaseLogger; web?: boolean } = {}): Promise<FastifyInstance> {
  return buildApp({
    db: rt.db,
    engine: rt.engine,
    clock: rt.clock,
    sealer: rt.sealer,
    ...(opts.logger ? { logger: opts.logger } : {}),
    metrics: async () => ({ contentType: engineMetrics.registry.contentType, body: await engineMetrics.registry.metrics() }),
    metricsRegistry: engineMetrics.registry,
    ...(opts.web === false ? {} : { extend: (app: FastifyInstance) => mountWeb(app, rt) }),
  });
}

/** The dashboard is optional: when its module is missing the API still serves. */
async function mountWeb(app: FastifyInstance, rt: Runtime): Promise<void> {
  let web: typeof import('./web/index.ts');
  try {
    web = await import('./web/index.ts');
  } catch {
    return;
  }
  web.registerWeb(app, { db: rt.db, clock: rt.clock, engine: rt.engine });
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** Just the database (no credentials key needed): for migrate, keys and import. */
export async function openStorage(opts: { dataDir?: string | undefined; databaseUrl?: string | undefined; env?: NodeJS.ProcessEnv; migrate?: boolean }): Promise<{ db: Db; location: string; mode: 'embedded' | 'server' }> {
  const storage = resolveStorage(opts);
  const db = await openDatabase({
    ...(storage.databaseUrl ? { databaseUrl: storage.databaseUrl } : { dataDir: embeddedDbDir(storage.dataDir) }),
    migrate: opts.migrate ?? true,
  });
  return { db, location: storage.databaseUrl ? redactUrl(storage.databaseUrl) : storage.dataDir, mode: storage.databaseUrl ? 'server' : 'embedded' };
}

/**
 * The supplier a CLI command acts for: the one given, else the only one. With none yet, bootstrap() makes one;
 * with several, the caller must say which.
 */
export async function resolveSupplierId(db: Db, given?: string): Promise<string> {
  const suppliers = await listSuppliers(db);
  if (given) {
    if (!suppliers.some((s) => s.id === given)) throw new DropsyncError('not_found', `no supplier "${given}"`, '--supplier');
    return given;
  }
  if (suppliers.length === 1) return suppliers[0]!.id;
  if (suppliers.length === 0) throw new DropsyncError('not_found', 'no supplier yet: run `dropsync serve` once or `dropsync keys create`', '--supplier');
  throw new DropsyncError('invalid', `several suppliers (${suppliers.map((s) => s.id).join(', ')}); say which`, '--supplier');
}
