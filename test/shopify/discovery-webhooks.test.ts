/** Connecting a store (discovery by SKU, webhook subscriptions) and a tiny webhook receiver built on
 * verifyShopifyWebhook / parseShopifyWebhook / shopifyWebhookDedupeKeys, as the HTTP layer will use them. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import {
  connectShopifyStore,
  parseShopifyWebhook,
  shopifyWebhookDedupeKeys,
  verifyShopifyWebhook,
  type ShopifyWebhookEvent,
  SHOPIFY_SUBSCRIBED_TOPICS,
} from '../../src/connectors/shopify/index.ts';
import { startShopifyEmulator } from '../../src/emulators/shopify/index.ts';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

test('discovery maps exact SKUs and reports missing, duplicate and case/space look-alikes without merging', async () => {
  const many = Array.from({ length: 120 }, (_, i) => ({ sku: `P-${i}`, available: i }));
  const emu = await startShopifyEmulator({
    catalog: [...many, { sku: 'DUP', available: 1 }, { sku: 'DUP', available: 2 }, { sku: 'case-1', available: 3 }, { sku: 'SPACE ', available: 4 }, { sku: 'OK', available: 7 }],
  });
  closers.push(() => emu.close());
  const wanted = [...many.map((m) => m.sku), 'DUP', 'CASE-1', 'SPACE', 'OK', 'NOPE'];
  const res = await connectShopifyStore({ shopDomain: emu.shopDomain, baseUrl: emu.url, accessToken: emu.accessToken }, wanted);
  assert.equal(res.locationId, emu.locationId);
  assert.equal(res.listings.length, 121);
  const ok = res.listings.find((l) => l.sku === 'OK')!;
  assert.deepEqual(ok, { sku: 'OK', externalId: emu.control.levels('OK')[0]!.inventoryItemId, externalLocationId: emu.locationId, available: 7 });
  assert.equal(res.listings.find((l) => l.sku === 'P-119')!.available, 119);
  const kinds = res.problems.map((p) => `${p.sku}:${p.kind}`).sort();
  assert.deepEqual(kinds, ['CASE-1:case_mismatch', 'CASE-1:missing', 'DUP:duplicate', 'NOPE:missing', 'SPACE:case_mismatch', 'SPACE:missing']);
  assert.equal(res.problems.find((p) => p.kind === 'duplicate')!.externalIds!.length, 2);
  assert.deepEqual(res.problems.find((p) => p.sku === 'SPACE' && p.kind === 'case_mismatch')!.storeSkus, ['SPACE ']);
  const searches = emu.control.requests().filter((r) => r.operationName === 'DropsyncDiscoverItems');
  assert.equal(searches.length, 3, '125 SKUs in searches of 50');
});

test('connect subscribes every topic with an https uri, a reconnect is fine, and an http address is refused first', async () => {
  const emu = await startShopifyEmulator({ skus: 3 });
  closers.push(() => emu.close());
  const opts = { shopDomain: emu.shopDomain, baseUrl: emu.url, accessToken: emu.accessToken, webhookCallbackUrl: 'https://dropsync.example/webhooks/shopify/s1' };
  const res = await connectShopifyStore(opts, ['SKU-00001']);
  assert.deepEqual(res.webhooks.map((w) => [w.topic, w.ok]), SHOPIFY_SUBSCRIBED_TOPICS.map((t) => [t, true]));
  assert.deepEqual(emu.control.subscriptions().map((s) => s.topic), [...SHOPIFY_SUBSCRIBED_TOPICS]);
  const again = await connectShopifyStore(opts, ['SKU-00001']);
  assert.ok(again.webhooks.every((w) => w.ok));
  assert.equal(emu.control.subscriptions().length, SHOPIFY_SUBSCRIBED_TOPICS.length);

  emu.control.clearRequests();
  await assert.rejects(
    connectShopifyStore({ ...opts, webhookCallbackUrl: 'http://127.0.0.1:9/webhooks/shopify/s2' }, ['SKU-00001']),
    (err: Error & { field?: string }) => /https/.test(err.message) && /DROPSYNC_PUBLIC_URL/.test(err.message) && err.field === 'webhookCallbackUrl',
  );
  assert.equal(emu.control.requests().length, 0, 'refused before anything is sent to Shopify');
});

test('verifyShopifyWebhook: raw-body HMAC, false on mismatch or missing header', () => {
  const body = Buffer.from('{"id":1}');
  const sig = createHmac('sha256', 's3cret').update(body).digest('base64');
  assert.equal(verifyShopifyWebhook(body, { 'X-Shopify-Hmac-Sha256': sig }, 's3cret'), true);
  assert.equal(verifyShopifyWebhook(body, new Headers({ 'x-shopify-hmac-sha256': sig }), 's3cret'), true);
  assert.equal(verifyShopifyWebhook(Buffer.from('{"id": 1}'), { 'x-shopify-hmac-sha256': sig }, 's3cret'), false, 're-serialised JSON fails');
  assert.equal(verifyShopifyWebhook(body, {}, 's3cret'), false);
  assert.equal(verifyShopifyWebhook(body, { 'x-shopify-hmac-sha256': 'short' }, 's3cret'), false);
  assert.equal(verifyShopifyWebhook(body, { 'x-shopify-hmac-sha256': sig }, ''), false);
});

test('parseShopifyWebhook rejects junk naming the field', () => {
  assert.throws(() => parseShopifyWebhook('orders/create', { id: 1, created_at: 'x', line_items: [{ quantity: 'two' }] }), /line_items\[0\]\.quantity/);
  assert.throws(() => parseShopifyWebhook('products/update', {}), /topic/);
  assert.throws(() => parseShopifyWebhook('customers/redact', { customer: { id: 1 } }), /shop_domain/);
  assert.throws(() => parseShopifyWebhook('inventory_levels/update', { inventory_item_id: 5 }), /available/);
  assert.throws(() => parseShopifyWebhook('inventory_levels/update', { inventory_item_id: 5, available: 3 }), /location_id/);
});

test('a tiny receiver verifies, dedupes by webhook id and parses what the emulator delivers', async () => {
  const events: ShopifyWebhookEvent[] = [];
  const seen = new Set<string>();
  let rejected = 0;
  let secret = '';
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      if (!verifyShopifyWebhook(raw, req.headers, secret)) {
        rejected++;
        return res.writeHead(401).end();
      }
      const keys = shopifyWebhookDedupeKeys(req.headers);
      if (!seen.has(keys.webhookId!)) {
        seen.add(keys.webhookId!);
        events.push(parseShopifyWebhook(keys.topic!, JSON.parse(raw.toString('utf8'))));
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/shopify/s1`;
  const emu = await startShopifyEmulator({ catalog: [{ sku: 'W', available: 5 }], webhookDuplication: 1, timeScale: 0.00001, allowHttpCallbacks: true });
  closers.push(() => emu.close());
  secret = emu.clientSecret;
  await connectShopifyStore({ shopDomain: emu.shopDomain, baseUrl: emu.url, accessToken: emu.accessToken, webhookCallbackUrl: url, allowHttpWebhooks: true }, ['W']);
  const order = emu.control.placeOrder({ lines: [{ sku: 'W', quantity: 2 }], email: 'w@example.com' }) as any;
  emu.control.cancelOrder(order.id, { restock: true });
  await emu.control.webhooksIdle();
  assert.equal(rejected, 0);
  // orders/cancelled and orders/updated (the cancellation changed the order) both say cancelled.
  assert.deepEqual(events.map((e) => e.kind).sort(), ['level', 'level', 'order', 'order_cancelled', 'order_cancelled']);
  const created = events.find((e) => e.kind === 'order');
  assert.ok(created && created.kind === 'order');
  assert.equal(created.order.platformOrderId, order.admin_graphql_api_id);
  assert.deepEqual(created.order.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), [{ sku: 'W', quantity: 2 }]);
  // The line's state as the REST body carries it: nothing shipped or refunded yet.
  assert.deepEqual(
    created.order.lines.map((l) => [l.lineId?.startsWith('gid://shopify/LineItem/'), l.currentQuantity, l.unfulfilledQuantity, l.fulfilledQuantity, l.refundedQuantity]),
    [[true, 2, 2, 0, 0]],
  );
  const levels = events.filter((e) => e.kind === 'level').map((e) => (e.kind === 'level' ? e.quantity : -1));
  assert.deepEqual(levels, [3, 5]);
  secret = 'rotated';
  emu.control.setLevel({ sku: 'W', available: 1 });
  await emu.control.webhooksIdle();
  assert.ok(rejected >= 1, 'a wrong secret is refused');
});
