/**
 * Seeds a small supplier straight into the schema, for testing the dashboard plugin on its own: two retailers
 * with one store each, three SKUs (the seed's hybrid example among them), desired rows, lag samples, a conflict.
 */
import { lagBucket } from '../../src/store/ops/lag.ts';
import { EventEmitter } from 'node:events';
import Fastify, { type FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/store/admin/index.ts';
import { openDatabase } from '../../src/store/index.ts';
import type { Db } from '../../src/store/types.ts';
import { registerWeb } from '../../src/web/index.ts';
import { createCommands } from '../../src/app/index.ts';
import { createEngine } from '../../src/engine/index.ts';
import { createSealer } from '../../src/security/index.ts';
import { randomBytes } from 'node:crypto';
import type { WebDeps } from '../../src/web/types.ts';

export const NOW = Date.parse('2026-11-20T12:00:00Z');

export interface Seeded {
  db: Db;
  supplierId: string;
  adminKey: string;
  alphaToken: string;
  betaToken: string;
}

export async function seed(db: Db): Promise<Seeded> {
  const at = new Date(NOW - 3_600_000).toISOString();
  const q = (sql: string, params: unknown[] = []) => db.query(sql, params);
  await q(`insert into suppliers (id, name, created_at) values ('sup1', 'Acme Supply', $1)`, [at]);
  await q(`insert into locations (supplier_id, id, name, shared) values ('sup1', 'main', 'Main', true)`);
  for (const [id, name] of [['alpha', 'Alpha Outfitters'], ['beta', 'Beta Boutique']]) {
    await q(`insert into retailers (id, supplier_id, name, created_at) values ($1, 'sup1', $2, $3)`, [id, name, at]);
  }
  await q(`insert into stores (id, supplier_id, retailer_id, platform, name, created_at, last_push_at, webhooks_seen, orders_by_poll)
           values ('st_alpha', 'sup1', 'alpha', 'shopify', 'Alpha Shopify', $1, $2, 19, 1),
                  ('st_beta', 'sup1', 'beta', 'woocommerce', 'Beta Woo', $1, $2, 5, 5)`, [at, new Date(NOW - 60_000).toISOString()]);
  for (const [sku, name, cat, onHand] of [['TEE-M', 'Tee medium', 'tees', 500], ['TEE-L', 'Tee large', 'tees', 40], ['MUG', 'Mug', 'home', 12]] as const) {
    await q(`insert into skus (supplier_id, sku, name, category, on_hand, velocity, created_at, updated_at) values ('sup1', $1, $2, $3, $4, 15, $5, $5)`, [sku, name, cat, onHand, at]);
    await q(`insert into ledger (supplier_id, sku, location_id, at, kind, ref, delta_on_hand, on_hand, committed, held, atp)
             values ('sup1', $1, 'main', $2, 'set', 'evt-' || $1, $3, $3, 0, 0, $3)`, [sku, at, onHand]);
  }
  // An unlisted SKU from a stock event that differs from a listed one only by case: a mapping problem.
  await q(`insert into skus (supplier_id, sku, listed, on_hand, created_at, updated_at) values ('sup1', 'tee-m', false, 0, $1, $1)`, [at]);
  for (const store of ['st_alpha', 'st_beta']) {
    for (const sku of ['TEE-M', 'TEE-L']) {
      const id = `${store}_${sku}`;
      await q(`insert into listings (id, supplier_id, store_id, sku, external_id, created_at) values ($1, 'sup1', $2, $3, $1, $4)`, [id, store, sku, at]);
      await q(`insert into desired (listing_id, supplier_id, store_id, sku, desired, desired_at, confirmed, confirmed_at, external_id)
               values ($1, 'sup1', $2, $3, 20, $4, 20, $4, $1)`, [id, store, sku, at]);
    }
  }
  // Lag histograms: one acknowledged item per store and minute over the last half hour.
  for (let i = 0; i < 30; i++) {
    await q(`insert into push_lag_minute (store_id, minute, bucket, n) values ('st_alpha', date_trunc('minute', $1::timestamptz), $2, 1), ('st_beta', date_trunc('minute', $1::timestamptz), $3, 1)`,
      [new Date(NOW - (30 - i) * 60_000).toISOString(), lagBucket(200 + i * 10), lagBucket(2000 + i * 100)]);
  }
  // Seed hybrid example (SPEC section 4): pool 300 with floors/ceilings for two retailers.
  await q(`insert into rules (supplier_id, scope, scope_key, kind, value, updated_at) values
           ('sup1', 'global', '', 'own_reserve', '{"units": 200}', $1), ('sup1', 'global', '', 'strategy', '{"strategy": "hybrid"}', $1)`, [at]);
  await q(`insert into retailer_rules (supplier_id, retailer_id, scope, scope_key, floor, ceiling) values
           ('sup1', 'alpha', 'global', '', 80, 200), ('sup1', 'beta', 'global', '', 50, 150)`);
  for (const [oid, store, retailer, name, status, short] of [['o1', 'st_alpha', 'alpha', '#1001', 'accepted', 0], ['o2', 'st_beta', 'beta', '#2001', 'conflict', 2]] as const) {
    await q(`insert into orders (id, supplier_id, store_id, retailer_id, platform_order_id, name, email, source, status, placed_at, committed_at, updated_at)
             values ($1, 'sup1', $2, $3, $1, $4, 'c@example.com', 'webhook', $5, $6, $6, $6)`, [oid, store, retailer, name, status, new Date(NOW - 600_000 + (short ? 1000 : 0)).toISOString()]);
    await q(`insert into order_lines (order_id, line_no, supplier_id, sku, quantity, accepted, short) values ($1, 1, 'sup1', 'MUG', $2, $3, $4)`,
      [oid, short ? 2 : 12, short ? 0 : 12, short]);
  }
  await q(`insert into conflicts (id, supplier_id, order_id, store_id, retailer_id, sku, short, cost, action, status, code, created_at, resolved_at)
           values ('cf1', 'sup1', 'o2', 'st_beta', 'beta', 'MUG', 2, 40, 'cancel', 'done', 'SORRY-ABC', $1, $1)`, [new Date(NOW - 599_000).toISOString()]);

  const when = new Date(NOW);
  const adminKey = (await createApiKey(db, { supplierId: 'sup1' }, when)).key;
  const alphaToken = (await createApiKey(db, { supplierId: 'sup1', retailerId: 'alpha' }, when)).key;
  const betaToken = (await createApiKey(db, { supplierId: 'sup1', retailerId: 'beta' }, when)).key;
  return { db, supplierId: 'sup1', adminKey, alphaToken, betaToken };
}

export interface PluginHarness extends Seeded {
  app: FastifyInstance;
  engine: EventEmitter;
  close(): Promise<void>;
}

/** Opens a fresh database: PGlite in memory, or a new schema on the Postgres server (dropped on close). */
export type OpenTestDb = () => Promise<{ db: Db; drop: () => Promise<void> } | null>;

export const pglite: OpenTestDb = async () => ({ db: await openDatabase(), drop: async () => {} });

export const postgresServer: OpenTestDb = async () => {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `web_test_${process.pid}_${Math.floor(Math.random() * 1e6)}`;
  let db: Db;
  try {
    db = await openDatabase({ databaseUrl: url, schema, poolSize: 3 });
  } catch {
    return null;
  }
  return { db, drop: async () => { await db.query(`drop schema if exists ${schema} cascade`); } };
};

/** A bare Fastify with only the dashboard plugin, over a seeded database, with an EventEmitter standing in for the engine. */
export async function pluginHarness(extra: Partial<WebDeps> = {}, open: OpenTestDb = pglite): Promise<PluginHarness | null> {
  const opened = await open();
  if (!opened) return null;
  const { db, drop } = opened;
  const seeded = await seed(db);
  const engine = new EventEmitter();
  const app = Fastify({ logger: false });
  const clock = { now: () => NOW };
  const commands = createCommands({ db, clock, engine: createEngine({ db, clock }), sealer: createSealer(randomBytes(32)) });
  registerWeb(app, { db, clock, engine, commands, ...extra });
  await app.ready();
  return { ...seeded, app, engine, close: async () => { await app.close(); await drop(); await db.close(); } };
}

/** Signs in through the real endpoint; returns the cookie header and CSRF token. */
export async function signIn(app: FastifyInstance, key: string): Promise<{ cookie: string; csrf: string }> {
  const res = await app.inject({ method: 'POST', url: '/web/session', payload: { key } });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  const setCookie = String(res.headers['set-cookie']);
  return { cookie: setCookie.split(';')[0]!, csrf: (res.json() as { csrf: string }).csrf };
}
