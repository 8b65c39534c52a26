/**
 * End-to-end harness: dropsync composed as `dropsync serve` composes it (src/runtime.ts: bootstrap, engine with
 * sealed credentials, the HTTP app, engine.start, listen on 127.0.0.1:0), on PGlite in memory or on a fresh
 * schema of the Postgres server; emulated stores connected through their connectors' discovery (which
 * subscribes the webhooks) and configured through the public API with the admin key.
 * Waiting is always "poll for a condition with a bounded deadline", never a fixed sleep.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { bootstrap, createHttpApp, registerPlatformConnectors, systemClock, type Runtime } from '../../src/runtime.ts';
import { connectShopifyStore } from '../../src/connectors/shopify/index.ts';
import { connectWooStore } from '../../src/connectors/woocommerce/index.ts';
import { startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import type { ShopifyEmulatorOptions } from '../../src/emulators/shopify/types.ts';
import { startWooEmulator, type WooEmulator, type WooKnobs } from '../../src/emulators/woocommerce/index.ts';
import { createEngine } from '../../src/engine/index.ts';
import { createSealer } from '../../src/security/index.ts';
import { openDatabase } from '../../src/store/index.ts';
import { readConfig } from '../../src/config.ts';
import { createCommands } from '../../src/app/index.ts';
import { createCredentialPort } from '../../src/store/credential-port.ts';
import type { ShopifyAppConfig } from '../../src/connectors/shopify/app.ts';

export const DEADLINE_MS = 20_000;

/** Polls `check` until it returns true; fails with `what` (and its last detail) after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | string | Promise<boolean | string>,
  timeoutMs = DEADLINE_MS,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last: boolean | string = false;
  for (;;) {
    last = await check();
    if (last === true) return;
    if (Date.now() > end) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${typeof last === 'string' ? `: ${last}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

export type Api = <T = any>(method: string, path: string, body?: unknown, opts?: { expect?: number; headers?: Record<string, string> }) => Promise<T>;

export interface Dropsync {
  url: string;
  adminKey: string;
  supplierId: string;
  rt: Runtime;
  app: FastifyInstance;
  api: Api;
  /** Raw POST (no bearer key): for webhook deliveries built by hand. */
  post(path: string, body: Buffer | string, headers: Record<string, string>): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Run on this PostgreSQL server, in a fresh schema dropped at close. Default: PGlite in memory. */
  databaseUrl?: string;
  /**
   * dropsync's Shopify app, as `--shopify-*` and DROPSYNC_PUBLIC_URL would configure it. Read when it is used, so
   * a test may fill it in once it knows dropsync's own URL. Default: not configured.
   */
  shopifyApp?: ShopifyAppConfig;
}

/**
 * The runtime `openRuntime` builds, with the database in memory (openRuntime always opens a data directory)
 * and a fresh credentials key: same engine options, same sealer, same HTTP app.
 */
async function memoryRuntime(opts: StartOptions): Promise<{ rt: Runtime }> {
  registerPlatformConnectors(opts.shopifyApp);
  const schema = opts.databaseUrl ? `e2e_${randomBytes(6).toString('hex')}` : undefined;
  const db = await openDatabase(opts.databaseUrl ? { databaseUrl: opts.databaseUrl, schema: schema!, poolSize: 4 } : {});
  const sealer = createSealer(randomBytes(32));
  const clock = systemClock;
  const engine = createEngine({
    db, clock, decryptCredentials: (sealed) => (sealed ? sealer.open(sealed) : {}),
    connectorDeps: { credentials: createCredentialPort(db, sealer, clock) },
  });
  const rt: Runtime = {
    config: readConfig({}, {}), db, engine, sealer, clock,
    commands: createCommands({ db, engine, clock, sealer, ...(opts.shopifyApp ? { shopifyApp: opts.shopifyApp } : {}) }),
    mode: opts.databaseUrl ? 'server' : 'embedded',
    location: opts.databaseUrl ? `schema ${schema}` : 'memory',
    secretKeySource: 'env',
    async close() {
      await engine.stop();
      if (schema) await db.query(`drop schema if exists ${schema} cascade`).catch(() => {});
      await db.close();
    },
  };
  return { rt };
}

export async function startDropsync(opts: StartOptions = {}): Promise<Dropsync> {
  const { rt } = await memoryRuntime(opts);
  let app: FastifyInstance | null = null;
  try {
    const boot = await bootstrap(rt.db, rt.clock, 'E2E supplier');
    if (!boot) throw new Error('bootstrap found keys in a fresh database');
    app = await createHttpApp(rt, { web: false });
    await rt.engine.start();
    await app.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const api: Api = async (method, path, body, o = {}) => {
      const res = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${boot.adminKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...o.headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : null;
      const expected = o.expect ?? (res.status >= 200 && res.status < 300 ? res.status : 200);
      if (res.status !== expected) throw new Error(`${method} ${path}: HTTP ${res.status} (expected ${expected}) ${text.slice(0, 400)}`);
      return parsed;
    };
    const started = app;
    return {
      url, adminKey: boot.adminKey, supplierId: boot.supplierId, rt, app: started, api,
      async post(path, body, headers) {
        const res = await fetch(url + path, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      },
      async close() {
        await started.close();
        await rt.close();
      },
    };
  } catch (err) {
    await app?.close().catch(() => {});
    await rt.close().catch(() => {});
    throw err;
  }
}

/** Creates the catalogue's SKUs and strategy rules: `dynamic` shows every store the whole pool, so expectations are simple. */
export async function setupCatalogue(ds: Dropsync, skus: string[], rules: Record<string, unknown> = { strategy: 'dynamic' }): Promise<void> {
  for (const sku of skus) await ds.api('POST', '/v1/skus', { sku, name: sku });
  await ds.api('PUT', '/v1/rules/global', rules);
}

let eventSeq = 0;
export async function setStock(ds: Dropsync, sku: string, quantity: number): Promise<void> {
  const res = await ds.api('POST', '/v1/stock-events', {
    events: [{ id: `e2e-${++eventSeq}-${sku}`, sku, location: 'main', kind: 'set', quantity, occurredAt: new Date().toISOString(), source: 'e2e' }],
  });
  if (res.applied !== 1) throw new Error(`stock event not applied: ${JSON.stringify(res)}`);
}

export interface SkuQuantities {
  onHand: number;
  committed: number;
  atp: number;
  pool: number;
}

export async function quantities(ds: Dropsync, sku: string): Promise<SkuQuantities> {
  const v = await ds.api(`GET`, `/v1/skus/${encodeURIComponent(sku)}`);
  return v.quantities ?? v;
}

export async function orders(ds: Dropsync, storeId?: string): Promise<any[]> {
  const q = storeId ? `?storeId=${encodeURIComponent(storeId)}&limit=500` : '?limit=500';
  return (await ds.api('GET', `/v1/orders${q}`)).items;
}

export interface ShopifyShop {
  storeId: string;
  retailerId: string;
  emu: ShopifyEmulator;
  shows(sku: string): number | undefined;
}

export async function addShopifyStore(ds: Dropsync, name: string, skus: string[], emuOpts: ShopifyEmulatorOptions = {}): Promise<ShopifyShop> {
  const emu = await startShopifyEmulator({
    shopDomain: `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.myshopify.com`,
    catalog: skus.map((sku) => ({ sku, available: 0 })),
    timeScale: 0.001, // Shopify's retry schedule in milliseconds
    allowHttpCallbacks: true, // dropsync listens on http://127.0.0.1 here; Shopify itself delivers to https only
    ...emuOpts,
  });
  try {
    const retailer = await ds.api('POST', '/v1/retailers', { name: `${name} retailer` });
    const store = await ds.api('POST', '/v1/stores', {
      retailerId: retailer.id, platform: 'shopify', name,
      config: { shopDomain: emu.shopDomain, baseUrl: emu.url, locationId: emu.locationId },
      credentials: { accessToken: emu.accessToken, webhookSecret: emu.clientSecret },
    });
    const found = await connectShopifyStore(
      { shopDomain: emu.shopDomain, baseUrl: emu.url, accessToken: emu.accessToken, locationId: emu.locationId, webhookCallbackUrl: `${ds.url}/webhooks/shopify/${store.id}`, allowHttpWebhooks: true },
      skus,
    );
    if (found.problems.length) throw new Error(`Shopify discovery problems: ${JSON.stringify(found.problems)}`);
    if (found.webhooks.some((w) => !w.ok)) throw new Error(`Shopify webhook subscriptions failed: ${JSON.stringify(found.webhooks)}`);
    for (const l of found.listings) await ds.api('POST', '/v1/listings', { storeId: store.id, sku: l.sku, externalId: l.externalId, externalLocationId: found.locationId });
    return { storeId: store.id, retailerId: retailer.id, emu, shows: (sku) => emu.control.available(sku) };
  } catch (err) {
    await emu.close();
    throw err;
  }
}

export interface WooShop {
  storeId: string;
  retailerId: string;
  emu: WooEmulator;
  webhookSecret: string;
  shows(sku: string): number | undefined;
}

/**
 * A WooCommerce store whose catalogue is `simple` products plus one variable product carrying `variations`,
 * all at stock 0, connected through discovery (which creates the order webhooks).
 */
export async function addWooStore(
  ds: Dropsync,
  name: string,
  catalogue: { simple: string[]; variations?: string[] },
  knobs: Partial<WooKnobs> = {},
  seed = 1,
): Promise<WooShop> {
  const emu = await startWooEmulator({ skus: 0, seed, knobs });
  try {
    for (const sku of catalogue.simple) emu.control.addProduct({ sku, name: sku, stockQuantity: 0 });
    if (catalogue.variations?.length) {
      emu.control.addProduct({ sku: `${name}-PARENT`, variations: catalogue.variations.map((sku) => ({ sku, stockQuantity: 0 })) });
    }
    const webhookSecret = `whsec-${randomBytes(8).toString('hex')}`;
    const retailer = await ds.api('POST', '/v1/retailers', { name: `${name} retailer` });
    const store = await ds.api('POST', '/v1/stores', {
      retailerId: retailer.id, platform: 'woocommerce', name,
      config: { baseUrl: emu.url },
      credentials: { consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret, webhookSecret },
    });
    const skus = [...catalogue.simple, ...(catalogue.variations ?? [])];
    // Discovery runs without the flaky-host knobs: connecting is not what these tests are about.
    const flaky = emu.control.knobs();
    emu.control.setKnobs({ errorRate: 0, rateLimitRate: 0, hangRate: 0 });
    const found = await connectWooStore(
      { baseUrl: emu.url, consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret, webhookSecret, webhookDeliveryUrl: `${ds.url}/webhooks/woocommerce/${store.id}` },
      skus,
    );
    emu.control.setKnobs({ errorRate: flaky.errorRate, rateLimitRate: flaky.rateLimitRate, hangRate: flaky.hangRate });
    if (found.problems.length) throw new Error(`WooCommerce discovery problems: ${JSON.stringify(found.problems)}`);
    for (const l of found.listings) await ds.api('POST', '/v1/listings', { storeId: store.id, sku: l.sku, externalId: l.externalId });
    return { storeId: store.id, retailerId: retailer.id, emu, webhookSecret, shows: (sku) => emu.control.stockOf(sku) };
  } catch (err) {
    await emu.close();
    throw err;
  }
}

/** Waits until every store shows `quantity` for `sku`; the failure names the stores that do not. */
export async function waitShown(stores: { storeId: string; shows(sku: string): number | undefined }[], sku: string, quantity: number, timeoutMs = DEADLINE_MS): Promise<void> {
  await waitFor(`every store to show ${sku} = ${quantity}`, () => {
    const off = stores.filter((s) => s.shows(sku) !== quantity);
    return off.length === 0 ? true : off.map((s) => `${s.storeId} shows ${s.shows(sku)}`).join(', ');
  }, timeoutMs);
}

/** Waits until every store shows what dropsync computed for it (`shown` per store in the SKU view), for every SKU. */
export async function waitConverged(ds: Dropsync, stores: { storeId: string; shows(sku: string): number | undefined }[], skus: string[], timeoutMs = DEADLINE_MS): Promise<void> {
  await waitFor('every store to show what dropsync computed for every SKU', async () => {
    const off: string[] = [];
    for (const sku of skus) {
      const view = await ds.api('GET', `/v1/skus/${encodeURIComponent(sku)}`);
      for (const s of stores) {
        const want = (view.stores as { storeId: string; shown: number }[]).find((r) => r.storeId === s.storeId)?.shown;
        if (want === undefined || s.shows(sku) !== want) off.push(`${s.storeId} ${sku}: shows ${s.shows(sku)}, dropsync ${want}`);
      }
    }
    return off.length === 0 ? true : off.slice(0, 5).join('; ');
  }, timeoutMs);
}
