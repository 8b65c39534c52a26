/**
 * Composition root: from a Config (src/config.ts) it opens the database (PGlite in the data directory, or a
 * PostgreSQL server), loads the credentials key, creates the engine with credential decryption, and builds the
 * HTTP app (with the dashboard when it is available). The CLI's serve, import, keys and migrate commands and
 * the demo start here.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { DEFAULT_DATA_DIR, type Config } from './config.ts';
import { openDatabase, type Db } from './store/index.ts';
import { listSuppliers } from './store/admin/index.ts';
import { createSealer, loadSecretKey, type CredentialSealer } from './security/index.ts';
import { createEngine, engineMetrics, type Engine } from './engine/index.ts';
import { buildApp, type ApiMount } from './http/index.ts';
import { createCommands, type Commands } from './app/index.ts';
import { connectorFactory, registerConnector } from './connectors/registry.ts';
import { createShopifyConnector } from './connectors/shopify/index.ts';
import { SHOPIFY_SCOPES, type ShopifyAppConfig } from './connectors/shopify/app.ts';
import { createCredentialPort } from './store/credential-port.ts';
// WooCommerce registers its connector when imported.
import './connectors/woocommerce/index.ts';
import type { Clock } from './domain/types.ts';
import { DropsyncError } from './domain/errors.ts';
import { systemClock } from './clock.ts';

export { systemClock };
export { bootstrap } from './app/keys.ts';

/** Layout of a data directory: the embedded database in `db/`, the credentials key in `secret.key`. */
export function embeddedDbDir(dataDir: string): string {
  // The directory holds the credentials key too: keep it private to the user.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return join(dataDir, 'db');
}

/** The data directory of the embedded database: the one configured, else ./data. */
export function embeddedDataDir(config: Config): string {
  return config.storage.dataDir ?? resolve(DEFAULT_DATA_DIR);
}

export interface Runtime {
  config: Config;
  db: Db;
  engine: Engine;
  /** The application layer over this database and engine: what the API, the dashboard and the CLI call. */
  commands: Commands;
  sealer: CredentialSealer;
  clock: Clock;
  mode: 'embedded' | 'server';
  /** Where the database lives, for messages (never includes a password). */
  location: string;
  /** 'created' when this run generated <data>/secret.key. */
  secretKeySource: 'env' | 'file' | 'created';
  close(): Promise<void>;
}

/**
 * Makes every platform connector available to the engine (test and http are built in). With `shopifyApp`, the
 * Shopify connector refreshes expiring tokens with that app's credentials.
 */
export function registerPlatformConnectors(shopifyApp?: ShopifyAppConfig): void {
  if (shopifyApp) registerConnector('shopify', (store, deps) => createShopifyConnector(store, { ...deps, shopifyApp }));
  else if (!connectorFactory('shopify')) registerConnector('shopify', createShopifyConnector);
}

/** dropsync's Shopify app as configured (client id and secret, public URL, shop URLs). */
export function shopifyAppOf(config: Config): ShopifyAppConfig {
  return {
    clientId: config.shopify.clientId ?? '', clientSecret: config.secrets.shopifyClientSecret ?? '', scopes: SHOPIFY_SCOPES,
    publicUrl: config.server.publicUrl ?? null, shopUrls: config.shopify.shopUrls, allowHttpWebhooks: config.shopify.allowHttpWebhooks,
  };
}

export async function openRuntime(config: Config, opts: { clock?: Clock; logger?: FastifyBaseLogger } = {}): Promise<Runtime> {
  const shopifyApp = shopifyAppOf(config);
  registerPlatformConnectors(shopifyApp);
  const clock = opts.clock ?? systemClock;
  const { storage } = config;
  // The key first: refusing to start beats storing credentials nobody can read later. With a server database
  // the key file is used only when a data directory was asked for explicitly.
  const dataDir = storage.databaseUrl ? storage.dataDir : embeddedDataDir(config);
  const { key, source } = loadSecretKey({ secretKey: config.secrets.secretKey, ...(dataDir ? { dataDir } : {}) });
  const sealer = createSealer(key);
  const log = opts.logger;
  const { db, location, mode } = await openStorage(config, { ...(log ? { log: (msg: string, err?: unknown) => log.warn({ err }, msg) } : {}) });
  const engine = createEngine({
    db,
    clock,
    ...config.engine,
    ...(opts.logger ? { logger: opts.logger } : {}),
    decryptCredentials: (sealed) => (sealed ? sealer.open(sealed) : {}),
    // Connectors save the credentials they rotate (Shopify's expiring tokens) through this port.
    connectorDeps: { credentials: createCredentialPort(db, sealer, clock) },
  });
  return {
    config, db, engine, sealer, clock, secretKeySource: source, mode, location,
    commands: createCommands({ db, engine, clock, sealer, shopifyApp }),
    async close() {
      await engine.stop();
      await db.close();
    },
  };
}

/** The HTTP app over a runtime, with /metrics from the engine's registry and the dashboard when present. */
export async function createHttpApp(rt: Runtime, opts: { logger?: FastifyBaseLogger; web?: boolean } = {}): Promise<FastifyInstance> {
  const { server } = rt.config;
  return buildApp({
    db: rt.db,
    clock: rt.clock,
    commands: rt.commands,
    bodyLimit: server.bodyLimit,
    maxEventsPerRequest: server.maxEventsPerRequest,
    ...(opts.logger ? { logger: opts.logger } : {}),
    metrics: async () => ({ contentType: engineMetrics.registry.contentType, body: await engineMetrics.registry.metrics() }),
    metricsRegistry: engineMetrics.registry,
    ...((opts.web ?? server.web) ? { extend: (app: FastifyInstance, mountApi: ApiMount) => mountWeb(app, rt, mountApi) } : {}),
  });
}

/** The dashboard is optional: when its module is missing the API still serves. */
async function mountWeb(app: FastifyInstance, rt: Runtime, mountApi: ApiMount): Promise<void> {
  let web: typeof import('./web/index.ts');
  try {
    web = await import('./web/index.ts');
  } catch {
    return;
  }
  const { server } = rt.config;
  web.registerWeb(app, {
    db: rt.db, clock: rt.clock, engine: rt.engine, commands: rt.commands, mountApi, sessionTtlMs: server.sessionTtlMs,
    ...(server.secureCookie !== undefined ? { secureCookie: server.secureCookie } : {}),
    ...(server.publicUrl ? { publicUrl: server.publicUrl } : {}),
  });
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
export async function openStorage(config: Config, opts: { migrate?: boolean; log?: (msg: string, err?: unknown) => void } = {}): Promise<{ db: Db; location: string; mode: 'embedded' | 'server' }> {
  const { storage } = config;
  const db = await openDatabase({
    ...(storage.databaseUrl ? { databaseUrl: storage.databaseUrl, poolSize: storage.poolSize } : { dataDir: embeddedDbDir(embeddedDataDir(config)) }),
    migrate: opts.migrate ?? true,
    // Lost connections and reconnections of a server database, in the server's log.
    ...(opts.log ? { log: opts.log } : {}),
  });
  return storage.databaseUrl
    ? { db, location: redactUrl(storage.databaseUrl), mode: 'server' }
    : { db, location: embeddedDataDir(config), mode: 'embedded' };
}

/**
 * The database and the commands over it, without the credentials key (nothing here seals credentials) and
 * with an engine that is never started: for the CLI's keys and import commands.
 */
export async function openCommands(config: Config, clock: Clock = systemClock): Promise<{ db: Db; commands: Commands; location: string; close(): Promise<void> }> {
  const { db, location } = await openStorage(config);
  const refuse = (): never => { throw new DropsyncError('invalid', 'store credentials are sealed by `dropsync serve` (which holds the key)', 'credentials'); };
  const commands = createCommands({ db, clock, engine: createEngine({ db, clock, ...config.engine }), sealer: { seal: refuse, open: refuse } });
  return { db, commands, location, close: () => db.close() };
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
  const [only, ...more] = suppliers;
  if (only && more.length === 0) return only.id;
  if (!only) throw new DropsyncError('not_found', 'no supplier yet: run `dropsync serve` once or `dropsync keys create`', '--supplier');
  throw new DropsyncError('invalid', `several suppliers (${suppliers.map((s) => s.id).join(', ')}); say which`, '--supplier');
}
