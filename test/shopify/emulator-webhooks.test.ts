/** Webhook delivery from the emulator: Shopify's headers, HMAC checked by our own verifier, retries on a
 * time scale (same event id on every retry, the subscription removed after the last one fails), https-only
 * subscriptions, loss and duplication knobs. */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { WEBHOOK_CREATE } from '../../src/connectors/shopify/documents.ts';
import { parseShopifyWebhook, verifyShopifyWebhook } from '../../src/connectors/shopify/index.ts';
import { RETRY_DELAYS_MS, startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { gql } from './helpers.ts';

interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

/** A receiver answering each delivery with the next status of `statuses` (then 200). */
async function receiver(statuses: number[] = []): Promise<{ url: string; got: Received[] }> {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got };
}

async function emulator(opts: Parameters<typeof startShopifyEmulator>[0], topics: string[], url: string): Promise<ShopifyEmulator> {
  // The receivers here listen on http://127.0.0.1, which Shopify would refuse: the knob allows it.
  const emu = await startShopifyEmulator({ skus: 5, catalog: [{ sku: 'A', available: 1_000 }], allowHttpCallbacks: true, ...opts });
  closers.push(() => emu.close());
  for (const topic of topics) {
    const r = await gql(emu, WEBHOOK_CREATE, { topic, uri: url });
    assert.deepEqual(r.data.webhookSubscriptionCreate.userErrors, []);
  }
  return emu;
}

test('orders/create arrives signed with the client secret and carries Shopify headers and the REST shape', async () => {
  const rx = await receiver();
  const emu = await emulator({ clientSecret: 'shhh' }, ['ORDERS_CREATE', 'INVENTORY_LEVELS_UPDATE'], rx.url);
  const order = emu.control.placeOrder({ lines: [{ sku: 'A', quantity: 3 }], email: 'x@example.com' }) as any;
  await emu.control.webhooksIdle();
  assert.equal(rx.got.length, 2);
  const create = rx.got.find((g) => g.headers['x-shopify-topic'] === 'orders/create')!;
  assert.ok(verifyShopifyWebhook(create.body, create.headers, 'shhh'));
  assert.equal(verifyShopifyWebhook(create.body, create.headers, 'wrong'), false);
  assert.equal(verifyShopifyWebhook(Buffer.concat([create.body, Buffer.from(' ')]), create.headers, 'shhh'), false);
  for (const h of ['x-shopify-shop-domain', 'x-shopify-api-version', 'x-shopify-webhook-id', 'x-shopify-event-id', 'x-shopify-triggered-at']) {
    assert.ok(create.headers[h], h);
  }
  const body = JSON.parse(create.body.toString());
  assert.equal(body.admin_graphql_api_id, order.admin_graphql_api_id);
  assert.equal(body.line_items[0].fulfillable_quantity, 3);
  const parsed = parseShopifyWebhook('orders/create', body);
  assert.equal(parsed.kind, 'order');
  const level = rx.got.find((g) => g.headers['x-shopify-topic'] === 'inventory_levels/update')!;
  const lv = parseShopifyWebhook('inventory_levels/update', JSON.parse(level.body.toString()));
  assert.deepEqual(lv.kind === 'level' && lv.quantity, 997);
});

test('failed deliveries are retried with the same ids, on the scaled schedule, and stop after 8 retries', async () => {
  const rx = await receiver([500, 503]);
  const emu = await emulator({ timeScale: 0.0001 }, ['ORDERS_CREATE'], rx.url);
  emu.control.placeOrder({ lines: [{ sku: 'A', quantity: 1 }] });
  await emu.control.webhooksIdle();
  assert.equal(rx.got.length, 3);
  assert.equal(new Set(rx.got.map((g) => g.headers['x-shopify-webhook-id'])).size, 1, 'retries replay the same webhook id');
  assert.equal(new Set(rx.got.map((g) => g.headers['x-shopify-event-id'])).size, 1, 'and the same event id');
  assert.deepEqual(emu.control.deliveries().map((d) => d.status), [500, 503, 200]);
  assert.equal(emu.control.subscriptions().length, 1, 'a delivery that finally succeeded keeps its subscription');

  const always = await receiver(Array(20).fill(500));
  const emu2 = await emulator({ timeScale: 0.00001 }, ['ORDERS_CREATE'], always.url);
  emu2.control.placeOrder({ lines: [{ sku: 'A', quantity: 1 }] });
  await emu2.control.webhooksIdle();
  assert.equal(always.got.length, 1 + RETRY_DELAYS_MS.length);
  assert.equal(RETRY_DELAYS_MS.reduce((a, b) => a + b, 0), 4 * 3600_000, 'the 8 retries span 4 hours at time scale 1');
  assert.equal(emu2.control.subscriptions().length, 0, 'Shopify removes a subscription whose delivery failed through every retry');
  assert.equal(emu2.control.deliveries().at(-1)!.subscriptionRemoved, true);
});

test('subscriptions are https only; http:// is refused unless the local-receiver knob allows it', async () => {
  const emu = await startShopifyEmulator({ skus: 1 });
  closers.push(() => emu.close());
  const http = await gql(emu, WEBHOOK_CREATE, { topic: 'ORDERS_CREATE', uri: 'http://127.0.0.1:9/hook' });
  assert.equal(http.data.webhookSubscriptionCreate.webhookSubscription, null);
  assert.match(http.data.webhookSubscriptionCreate.userErrors[0].message, /http:\/\/ is not supported/);
  const https = await gql(emu, WEBHOOK_CREATE, { topic: 'ORDERS_CREATE', uri: 'https://dropsync.example/webhooks/shopify/s1' });
  assert.deepEqual(https.data.webhookSubscriptionCreate.userErrors, []);
  assert.equal(https.data.webhookSubscriptionCreate.webhookSubscription.uri, 'https://dropsync.example/webhooks/shopify/s1');
  const listed = await gql(emu, `query($u: String!) { webhookSubscriptions(first: 10, uri: $u) { nodes { topic uri } } }`, { u: 'https://dropsync.example/webhooks/shopify/s1' });
  assert.deepEqual(listed.data.webhookSubscriptions.nodes, [{ topic: 'ORDERS_CREATE', uri: 'https://dropsync.example/webhooks/shopify/s1' }]);
  emu.control.setKnobs({ allowHttpCallbacks: true });
  assert.deepEqual((await gql(emu, WEBHOOK_CREATE, { topic: 'ORDERS_CREATE', uri: 'http://127.0.0.1:9/hook' })).data.webhookSubscriptionCreate.userErrors, []);
});

test('the loss knob drops a seeded fraction of deliveries, the same one for the same seed', async () => {
  const counts: number[] = [];
  for (let run = 0; run < 2; run++) {
    const rx = await receiver();
    const emu = await emulator({ webhookLoss: 0.3, seed: 42 }, ['ORDERS_CREATE'], rx.url);
    for (let i = 0; i < 100; i++) emu.control.placeOrder({ lines: [{ sku: 'A', quantity: 1 }] });
    await emu.control.webhooksIdle();
    const lost = emu.control.deliveries().filter((d) => d.status === 'lost').length;
    assert.equal(rx.got.length + lost, 100);
    assert.ok(lost >= 15 && lost <= 45, `lost ${lost} of 100 at 0.3`);
    counts.push(lost);
  }
  assert.equal(counts[0], counts[1]);
});

test('the duplication knob sends the same delivery twice', async () => {
  const rx = await receiver();
  const emu = await emulator({ webhookDuplication: 1 }, ['ORDERS_CREATE'], rx.url);
  emu.control.placeOrder({ lines: [{ sku: 'A', quantity: 1 }] });
  await emu.control.webhooksIdle();
  assert.equal(rx.got.length, 2);
  assert.equal(rx.got[0]!.headers['x-shopify-webhook-id'], rx.got[1]!.headers['x-shopify-webhook-id']);
});
