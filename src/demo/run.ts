/**
 * `dropsync demo`: the whole product on one machine. The server on embedded Postgres (through the composition
 * root, as `dropsync serve` runs it), four emulated retailer stores, a generated catalogue with hybrid
 * rules, every store connected through its connector's discovery, and a load of sales. Everything the demo
 * configures goes through the public API with the admin key, as a supplier's own scripts would.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { bootstrap, createHttpApp, openRuntime, systemClock } from '../runtime.ts';
import { readConfig } from '../config.ts';
import { connectorFactory, registerConnector } from '../connectors/registry.ts';
import { connectShopifyStore, createShopifyConnector } from '../connectors/shopify/index.ts';
import { connectWooStore } from '../connectors/woocommerce/index.ts';
import { DropsyncError, invalid } from '../domain/errors.ts';
import { createRng } from '../sim/prng.ts';
import { DEMO_RULES, demoCatalogue, demoStores, staleLevel } from './catalogue.ts';
import { shows, startStores, type RunningStore } from './emulators.ts';
import { startLoad, type Load, type StockEventBody } from './load.ts';
import type { DemoHandle, DemoOptions, DemoStats, DemoStoreInfo } from './types.ts';

const INITIAL_SYNC_PATIENCE_MS = 60_000;

type Api = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

function apiClient(baseUrl: string, key: string): Api {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(baseUrl + path, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new DropsyncError('upstream', `${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  };
}

/** Runs `fn` over `items`, `width` at a time. */
async function eachLimited<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

export async function startDemo(opts: DemoOptions = {}): Promise<DemoHandle> {
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const seed = opts.seed ?? 1;
  const clock = systemClock;
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'dropsync-demo-')));
  // Embedded on purpose, from no environment: the demo never touches a configured server database or key.
  const config = readConfig({ data: dataDir }, {});
  if (!connectorFactory('shopify')) registerConnector('shopify', createShopifyConnector);

  // The emulated stores are new on every run, so a database that knows the stores of an earlier run would
  // push to dead addresses and mistake new orders for old ones: the demo needs a fresh directory.
  if (!ownDir && (await readdir(dataDir).catch(() => [])).length > 0) {
    throw invalid('--data', `${dataDir} is not empty; the demo needs a new or empty directory (its stores are emulators started afresh)`);
  }
  const cleanups: (() => Promise<void>)[] = [];
  const cleanup = async (): Promise<void> => {
    for (const fn of cleanups.splice(0).reverse()) await fn().catch(() => {});
  };
  try {
    const rt = await openRuntime(config, { clock });
    cleanups.push(() => rt.close());
    const boot = await bootstrap(rt.db, clock, 'Demo supplier');
    if (!boot) throw new DropsyncError('conflict', 'the demo database already has keys', '--data');
    const adminKey = boot.adminKey;

    const app = await createHttpApp(rt);
    cleanups.push(() => app.close());
    try {
      await app.listen({ port: opts.port ?? 3000, host: opts.host ?? '127.0.0.1' });
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || !opts.anyPortIfTaken) throw err;
      log(`port ${opts.port ?? 3000} is taken; using a free one`);
      await app.listen({ port: 0, host: opts.host ?? '127.0.0.1' });
    }
    const address = app.server.address() as AddressInfo;
    const url = `http://${opts.host ?? '127.0.0.1'}:${address.port}`;
    const api = apiClient(url, adminKey);

    const catalogue = demoCatalogue(opts.skus ?? 300, seed);
    const specs = demoStores(catalogue, seed);
    const stores = await startStores(specs, catalogue, seed);
    cleanups.push(async () => void (await Promise.allSettled(stores.map((s) => s.emulator.close()))));
    log(`dropsync demo: server ${url}, data ${dataDir}, ${catalogue.length} SKUs, ${stores.length} stores`);

    // The catalogue, the hybrid rules, and the starting stock.
    const csv = ['sku,name,category,listed', ...catalogue.map((c) => `${c.sku},${c.name},${c.category},true`)].join('\n');
    await api('POST', '/v1/skus/import', { csv });
    await api('PUT', '/v1/rules/global', DEMO_RULES);
    const at = new Date(clock.now()).toISOString();
    for (let i = 0; i < catalogue.length; i += 1000) {
      const events = catalogue.slice(i, i + 1000).map((c) => ({ id: `demo-count-${c.sku}-${at}`, sku: c.sku, location: 'main', kind: 'set', quantity: c.stock, occurredAt: at, source: 'stocktake', reason: 'count' }));
      await api('POST', '/v1/stock-events', { events });
    }

    // Retailers, their stores, and each store connected through its platform's discovery.
    const infos: DemoStoreInfo[] = [];
    for (const [tier, store] of stores.entries()) {
      const spec = store.spec;
      const retailer = await api<{ id: string }>('POST', '/v1/retailers', { name: spec.retailer });
      await api('PUT', `/v1/retailers/${retailer.id}/rules/global`, { floor: spec.floor, ceiling: spec.ceiling, tier: tier + 1 });
      const storeId = await connect(api, url, retailer.id, store, catalogue.map((c) => c.sku));
      const listed = new Set(spec.skus);
      const bySku = new Map(catalogue.map((c) => [c.sku, c]));
      infos.push({
        key: spec.key,
        platform: spec.platform,
        name: spec.name,
        retailer: spec.retailer,
        storeId,
        url: store.emulator.url,
        webhookLoss: spec.webhookLoss,
        listed: listed.size,
        unsynced: () => spec.skus.filter((s) => shows(store, s) === staleLevel(bySku.get(s)!)).length,
        shows: (sku) => (listed.has(sku) ? shows(store, sku) : undefined),
      });
    }

    await rt.engine.start();
    const started = clock.now();
    let stopped = false;
    const initialSync = new Promise<{ seconds: number }>((resolve) => {
      const check = (): void => {
        if (stopped) return;
        if (infos.every((s) => s.unsynced() === 0)) resolve({ seconds: (clock.now() - started) / 1000 });
        else setTimeout(check, 100);
      };
      check();
    });

    const stats: DemoStats = { stockEvents: 0, shopperOrders: 0, shopperTurnedAway: 0, errors: 0 };
    let load: Load | null = null;
    const beginLoad = (): void => {
      if (stopped || load || opts.load === false) return;
      load = startLoad({
        clock,
        rng: createRng(seed).fork(7),
        catalogue,
        stores,
        sendEvents: async (events: StockEventBody[]) => void (await api('POST', '/v1/stock-events', { events })),
        stats,
        stockBatchesPerSecond: opts.stockBatchesPerSecond ?? 4,
        shopperOrdersPerSecond: opts.shopperOrdersPerSecond ?? 2,
        onError: (err) => log(`load: ${err instanceof Error ? err.message : String(err)}`),
      });
      log('load running: own-channel sales, returns and receiving through the API; shoppers buying on the four stores');
    };
    void initialSync.then(({ seconds }) => {
      if (stopped) return;
      const listings = infos.reduce((n, s) => n + s.listed, 0);
      log(`initial sync: ${listings} listings on ${infos.length} stores show dropsync's numbers after ${seconds.toFixed(1)} s`);
      beginLoad();
    });
    // A store that cannot be synced shows up unhealthy on the dashboard; the others still get their load.
    const syncWatch = setTimeout(() => {
      const behind = infos.filter((s) => s.unsynced() > 0).map((s) => `${s.name} (${s.unsynced()} SKUs)`);
      if (stopped || behind.length === 0) return;
      log(`initial sync incomplete after ${INITIAL_SYNC_PATIENCE_MS / 1000} s: ${behind.join(', ')} still show their old numbers; starting the load anyway`);
      beginLoad();
    }, INITIAL_SYNC_PATIENCE_MS);

    log('');
    log(`  Dashboard:  ${url}/`);
    log(`  Admin key:  ${adminKey}`);
    log(`  API docs:   ${url}/docs`);
    for (const s of infos) {
      log(`  ${s.platform === 'shopify' ? 'Shopify    ' : 'WooCommerce'} ${s.name.padEnd(16)} ${s.url}  (${s.retailer}${s.webhookLoss ? `, loses ${Math.round(s.webhookLoss * 100)}% of webhooks` : ''})`);
    }
    log('');

    let resolveDone!: () => void;
    const done = new Promise<void>((r) => (resolveDone = r));
    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(syncWatch);
        if (timer) clearTimeout(timer);
        const running = load as Load | null;
        if (running) await running.stop();
        await cleanup();
        if (ownDir) await rm(dataDir, { recursive: true, force: true });
        resolveDone();
      })();
      return stopping;
    };
    const timer = opts.durationSeconds !== undefined ? setTimeout(() => void stop(), opts.durationSeconds * 1000) : null;

    return { url, dashboardUrl: `${url}/`, adminKey, dataDir, stores: infos, stats, initialSync, done, stop };
  } catch (err) {
    await cleanup();
    if (ownDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Creates the store through the API, discovers its items with the platform connector, and lists them. */
async function connect(api: Api, url: string, retailerId: string, store: RunningStore, skus: string[]): Promise<string> {
  const spec = store.spec;
  let storeId: string;
  let listings: { sku: string; externalId: string; externalLocationId?: string | null }[];
  if (store.platform === 'shopify') {
    const em = store.emulator;
    const created = await api<{ id: string }>('POST', '/v1/stores', {
      retailerId,
      platform: 'shopify',
      name: spec.name,
      config: { shopDomain: em.shopDomain, baseUrl: em.url, locationId: em.locationId },
      credentials: { accessToken: em.accessToken, clientSecret: em.clientSecret, webhookSecret: em.clientSecret },
    });
    storeId = created.id;
    const found = await connectShopifyStore(
      { shopDomain: em.shopDomain, baseUrl: em.url, accessToken: em.accessToken, locationId: em.locationId, webhookCallbackUrl: `${url}/webhooks/shopify/${storeId}`, allowHttpWebhooks: true },
      skus,
    );
    listings = found.listings.map((l) => ({ sku: l.sku, externalId: l.externalId, externalLocationId: found.locationId }));
  } else {
    const em = store.emulator;
    const webhookSecret = `whsec-${spec.key}`;
    const created = await api<{ id: string }>('POST', '/v1/stores', {
      retailerId,
      platform: 'woocommerce',
      name: spec.name,
      config: { baseUrl: em.url },
      credentials: { consumerKey: em.consumerKey, consumerSecret: em.consumerSecret, webhookSecret },
    });
    storeId = created.id;
    const found = await connectWooStore(
      { baseUrl: em.url, consumerKey: em.consumerKey, consumerSecret: em.consumerSecret, webhookSecret, webhookDeliveryUrl: `${url}/webhooks/woocommerce/${storeId}` },
      skus,
    );
    listings = found.listings.map((l) => ({ sku: l.sku, externalId: l.externalId }));
  }
  await eachLimited(listings, 8, async (l) => void (await api('POST', '/v1/listings', { storeId, ...l })));
  return storeId;
}
