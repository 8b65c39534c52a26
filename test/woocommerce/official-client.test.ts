/** The official WooCommerce JS client drives the emulator over plain http, so it signs with OAuth 1.0a. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import WooModule from '@woocommerce/woocommerce-rest-api';

import { startWooEmulator, type WooEmulator } from '../../src/emulators/woocommerce/index.ts';

// The package is CommonJS with `exports.default`; under ESM the class sits one level down.
const WooCommerceRestApi = ((WooModule as unknown as { default?: unknown }).default ?? WooModule) as typeof WooModule.default;
type WooCommerceRestApi = InstanceType<typeof WooModule.default>;

let emu: WooEmulator;
let api: WooCommerceRestApi;

before(async () => {
  emu = await startWooEmulator({ skus: 30, variationsRatio: 0.5, seed: 7 });
  api = new WooCommerceRestApi({ url: emu.url, consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret, version: 'wc/v3' });
});
after(() => emu.close());

test('lists products with paging headers, signed with OAuth 1.0a', async () => {
  const res = await api.get('products', { per_page: 5, page: 2 });
  assert.equal(res.status, 200);
  assert.equal(res.data.length, 5);
  assert.ok(Number(res.headers['x-wp-total']) > 15);
  assert.equal(Number(res.headers['x-wp-totalpages']), Math.ceil(Number(res.headers['x-wp-total']) / 5));
  const q = emu.control.requests().at(-1)!;
  assert.equal(q.status, 200);
});

test('finds products and variations by exact SKU and updates one variation', async () => {
  const stock = emu.control.stock();
  const simple = stock.find((r) => r.parentId === 0)!;
  const variation = stock.find((r) => r.parentId !== 0)!;
  const found = await api.get('products', { sku: `${simple.sku},${variation.sku}` });
  assert.deepEqual(found.data.map((p: { id: number }) => p.id).sort(), [simple.id, variation.id].sort());
  const put = await api.put(`products/${variation.parentId}/variations/${variation.id}`, { manage_stock: true, stock_quantity: 42 });
  assert.equal(put.data.stock_quantity, 42);
  assert.equal(emu.control.stockOf(variation.sku), 42);
});

test('batch update through the official client', async () => {
  const simple = emu.control.stock().filter((r) => r.parentId === 0).slice(0, 3);
  const res = await api.post('products/batch', { update: simple.map((s, i) => ({ id: s.id, manage_stock: true, stock_quantity: 100 + i })) });
  assert.deepEqual(res.data.update.map((u: { stock_quantity: number }) => u.stock_quantity), [100, 101, 102]);
});

test('a wrong consumer secret is refused with WooCommerce\'s error shape', async () => {
  const bad = new WooCommerceRestApi({ url: emu.url, consumerKey: emu.consumerKey, consumerSecret: 'cs_wrong', version: 'wc/v3' });
  await assert.rejects(bad.get('products'), (err: { response: { status: number; data: { code: string; data: { status: number } } } }) => {
    assert.equal(err.response.status, 401);
    assert.equal(err.response.data.code, 'woocommerce_rest_authentication_error');
    assert.equal(err.response.data.data.status, 401);
    return true;
  });
});
