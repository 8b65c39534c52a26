/**
 * A supplier with N retailer stores on one platform, each its own in-process emulator on 127.0.0.1:0, wired
 * to the real engine on PGlite in memory (no HTTP layer: the lag measured is engine + connector + emulator).
 * One retailer per store; no rules, so the default hybrid strategy without floors shows the whole pool on
 * every store, and a `set` of Q at the shared location makes every store show Q.
 */
import { registerPlatformConnectors } from '../../src/runtime.ts';
import type { Clock } from '../../src/domain/types.ts';
import { startShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { startWooEmulator } from '../../src/emulators/woocommerce/index.ts';
import { createEngine, createSupplier, type Engine } from '../../src/engine/index.ts';
import { createListing, createRetailer, createSku, createStore } from '../../src/store/admin/index.ts';
import { openDatabase, type Db } from '../../src/store/index.ts';

export type FleetPlatform = 'shopify' | 'woocommerce';

export interface FleetStore {
  storeId: string;
  /** What the emulator's store shows for a SKU right now (in-process read, no HTTP). */
  shows(sku: string): number | undefined;
  setLatency(ms: number): void;
  /** One bare API write of a quantity, straight to the emulator (no connector): the round-trip baseline. */
  bareWrite(sku: string, quantity: number): Promise<void>;
}

export interface Fleet {
  db: Db;
  engine: Engine;
  supplierId: string;
  skus: string[];
  stores: FleetStore[];
  close(): Promise<void>;
}

const clock: Clock = { now: () => Date.now() };
const SHOPIFY_SKUS = ['SKU-00001', 'SKU-00002', 'SKU-00003', 'SKU-00004'];


interface Started {
  store: Omit<FleetStore, 'storeId'>;
  config: Record<string, unknown>;
  credentials: Record<string, string>;
  /** sku -> externalId (+ location) on this store. */
  items: Map<string, { externalId: string; externalLocationId: string | null }>;
  close(): Promise<void>;
}

async function startShopify(latencyMs: number, i: number): Promise<Started> {
  const emu = await startShopifyEmulator({
    shopDomain: `bench-${i}.myshopify.com`,
    catalog: SHOPIFY_SKUS.map((sku) => ({ sku, available: 0 })),
    latencyMs,
    plan: 'plus',
  });
  const items = new Map(emu.control.levels().map((l) => [l.sku, { externalId: l.inventoryItemId, externalLocationId: l.locationId }]));
  const endpoint = `${emu.url}/admin/api/2026-10/graphql.json`;
  let n = 0;
  return {
    config: { shopDomain: emu.shopDomain, baseUrl: emu.url, locationId: emu.locationId },
    credentials: { accessToken: emu.accessToken, webhookSecret: emu.clientSecret },
    items,
    store: {
      shows: (sku) => emu.control.available(sku),
      setLatency: (ms) => void emu.control.setKnobs({ latencyMs: ms }),
      async bareWrite(sku, quantity) {
        const item = items.get(sku)!;
        const query = `mutation S($input: InventorySetQuantitiesInput!) {
          inventorySetQuantities(input: $input) @idempotent(key: "bare-${i}-${n++}") { userErrors { code message } } }`;
        const variables = {
          input: { name: 'available', reason: 'correction', quantities: [{ inventoryItemId: item.externalId, locationId: emu.locationId, quantity, changeFromQuantity: null }] },
        };
        const res = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-shopify-access-token': emu.accessToken },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await res.json()) as { errors?: unknown; data?: { inventorySetQuantities?: { userErrors: unknown[] } } };
        if (!res.ok || body.errors || body.data?.inventorySetQuantities?.userErrors.length) throw new Error(`bare Shopify write failed: ${JSON.stringify(body)}`);
      },
    },
    close: () => emu.close(),
  };
}

async function startWoo(latencyMs: number): Promise<Started> {
  // Seed 1 with 4 SKUs: SKU-00001, SKU-00002 (simple) and two variations of one variable product.
  const emu = await startWooEmulator({ skus: 4, variationsRatio: 0.5, seed: 1, knobs: { latencyMs } });
  const rows = emu.control.stock();
  const items = new Map(rows.map((r) => [r.sku, { externalId: r.parentId ? `variation:${r.parentId}:${r.id}` : `product:${r.id}`, externalLocationId: null }]));
  const auth = `Basic ${Buffer.from(`${emu.consumerKey}:${emu.consumerSecret}`).toString('base64')}`;
  return {
    config: { baseUrl: emu.url },
    credentials: { consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret, webhookSecret: 'bench-secret' },
    items,
    store: {
      shows: (sku) => emu.control.stockOf(sku),
      setLatency: (ms) => void emu.control.setKnobs({ latencyMs: ms }),
      async bareWrite(sku, quantity) {
        const row = rows.find((r) => r.sku === sku)!;
        const path = row.parentId ? `products/${row.parentId}/variations/batch` : 'products/batch';
        const res = await fetch(`${emu.url}/wp-json/wc/v3/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth },
          body: JSON.stringify({ update: [{ id: row.id, stock_quantity: quantity }] }),
        });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`bare WooCommerce write failed: HTTP ${res.status}`);
      },
    },
    close: () => emu.close(),
  };
}

export async function startFleet(platform: FleetPlatform, count: number, latencyMs: number): Promise<Fleet> {
  registerPlatformConnectors(); // as openRuntime does; the bench composes its own engine
  const db = await openDatabase();
  const engine = createEngine({ db, clock, reconcile: false });
  const started: Started[] = [];
  try {
    for (let i = 0; i < count; i++) started.push(platform === 'shopify' ? await startShopify(latencyMs, i) : await startWoo(latencyMs));
    const supplierId = await createSupplier(db, clock, { name: `bench ${platform} x${count}` });
    const skus = [...started[0]!.items.keys()].sort();
    const at = new Date(clock.now());
    for (const sku of skus) await createSku(db, supplierId, { sku }, at);
    const stores: FleetStore[] = [];
    for (let i = 0; i < count; i++) {
      const s = started[i]!;
      const retailer = await createRetailer(db, supplierId, { name: `retailer ${i}` }, at);
      const store = await createStore(db, supplierId, {
        retailerId: retailer.id, platform, name: `${platform} ${i}`, config: s.config, sealedCredentials: JSON.stringify(s.credentials),
      }, at);
      for (const sku of skus) {
        const item = s.items.get(sku);
        if (item) await createListing(db, supplierId, { storeId: store.id, sku, ...item }, at);
      }
      stores.push({ storeId: store.id, ...s.store });
    }
    await engine.start();
    return {
      db, engine, supplierId, skus, stores,
      async close() {
        await engine.stop();
        await Promise.all(started.map((s) => s.close()));
        await db.close();
      },
    };
  } catch (err) {
    await engine.stop().catch(() => {});
    await Promise.all(started.map((s) => s.close().catch(() => {})));
    await db.close().catch(() => {});
    throw err;
  }
}
