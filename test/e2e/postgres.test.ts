/**
 * The same end-to-end path on the PostgreSQL server (a fresh schema, dropped at the end): one Shopify and one
 * WooCommerce store; stock reaches both, and an order on each commits and moves the other store.
 * Skipped, saying why, when the server is unreachable.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import {
  addShopifyStore, addWooStore, quantities, setStock, setupCatalogue, startDropsync, waitFor, waitShown,
  type Dropsync, type ShopifyShop, type WooShop,
} from './helpers.ts';

const PG_URL = process.env.E2E_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function unreachableReason(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return null;
  } catch (err) {
    return `Postgres at ${PG_URL.replace(/:[^:@/]+@/, ':***@')} is unreachable (${(err as Error).message}): server e2e skipped`;
  } finally {
    await client.end().catch(() => {});
  }
}

const skipReason = await unreachableReason();
const SKUS = ['PG-LAMP', 'PG-DESK'];

describe('e2e on the Postgres server: a Shopify and a WooCommerce store', { skip: skipReason ?? false }, () => {
  let ds: Dropsync;
  let shopify: ShopifyShop;
  let woo: WooShop;

  before(async () => {
    ds = await startDropsync({ databaseUrl: PG_URL });
    await setupCatalogue(ds, SKUS);
    shopify = await addShopifyStore(ds, 'Golf Shop', SKUS, { seed: 31 });
    woo = await addWooStore(ds, 'Hotel Store', { simple: SKUS }, {}, 32);
  });

  after(async () => {
    await Promise.allSettled([shopify?.emu.close(), woo?.emu.close()]);
    await ds?.close();
  });

  it('stock reaches both stores', async () => {
    assert.equal(ds.rt.db.kind, 'postgres');
    await setStock(ds, 'PG-LAMP', 9);
    await waitShown([shopify, woo], 'PG-LAMP', 9);
  });

  it('an order on each store commits and updates the other store', async () => {
    shopify.emu.control.placeOrder({ lines: [{ sku: 'PG-LAMP', quantity: 2 }], email: 'ivy@example.com' });
    await waitShown([shopify, woo], 'PG-LAMP', 7);
    woo.emu.control.placeOrder({ lines: [{ sku: 'PG-LAMP', quantity: 3 }], email: 'jon@example.com' });
    await waitShown([shopify, woo], 'PG-LAMP', 4);
    await waitFor('both orders committed', async () => {
      const q = await quantities(ds, 'PG-LAMP');
      return q.committed === 5 && q.atp === 4 ? true : `committed ${q.committed}, atp ${q.atp}`;
    });
  });
});
