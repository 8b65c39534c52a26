/** Webhook routes: HMAC over the raw body with the store's sealed secret, replays processed once, 401/404. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { setup, type TestCtx } from './helpers.ts';

let t: TestCtx;
const shopifySecret = 'shpss_webhook_secret';
const wooSecret = 'woo_webhook_secret';
let shopifyStore: string;
let wooStore: string;

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(Buffer.from(body)).digest('base64');

before(async () => {
  t = await setup({ engine: 'real' });
  const r = (await t.req({ method: 'POST', url: '/v1/retailers', payload: { name: 'Hooks' } })).json();
  shopifyStore = (await t.req({
    method: 'POST', url: '/v1/stores',
    payload: { retailerId: r.id, platform: 'shopify', name: 'S', config: { shop: 's.myshopify.com' }, credentials: { accessToken: 'shpat_x', webhookSecret: shopifySecret } },
  })).json().id;
  wooStore = (await t.req({
    method: 'POST', url: '/v1/stores',
    payload: { retailerId: r.id, platform: 'woocommerce', name: 'W', config: { url: 'http://127.0.0.1:1' }, credentials: { consumerKey: 'ck', consumerSecret: 'cs', webhookSecret: wooSecret } },
  })).json().id;
  await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events: [{ id: 'wh-set', sku: 'HOOK-1', location: 'main', kind: 'set', quantity: 10, occurredAt: '2026-11-26T11:00:00Z' }] } });
});
after(async () => { await t.close(); });

test('Shopify orders/create: signed over the raw bytes, committed once, replay acknowledged, bad signature 401', async () => {
  // Whitespace and key order matter for the HMAC: the route must check the bytes as sent, not re-serialised JSON.
  const body = '{ "id": 5001, "admin_graphql_api_id": "gid://shopify/Order/5001", "name": "#5001", "created_at": "2026-11-26T11:05:00Z",\n  "email": "a@example.com", "line_items": [ { "sku": "HOOK-1", "quantity": 3 } ] }';
  const headers = {
    'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'ev-1',
    'x-shopify-hmac-sha256': sign(shopifySecret, body),
  };
  const url = `/webhooks/shopify/${shopifyStore}`;
  const first = await t.req({ method: 'POST', url, payload: body, headers, key: null });
  assert.equal(first.statusCode, 200, first.body);
  assert.equal(first.json().status, 'processed');
  const replay = await t.req({ method: 'POST', url, payload: body, headers, key: null });
  assert.equal(replay.json().status, 'duplicate');
  assert.equal((await t.req({ method: 'GET', url: '/v1/skus/HOOK-1' })).json().quantities.committed, 3, 'committed once');

  const forged = await t.req({ method: 'POST', url, payload: body.replace('"quantity": 3', '"quantity": 9'), headers: { ...headers, 'x-shopify-event-id': 'ev-2' }, key: null });
  assert.equal(forged.statusCode, 401);
  assert.equal(forged.json().error.field, 'signature');
  assert.equal((await t.req({ method: 'GET', url: '/v1/skus/HOOK-1' })).json().quantities.committed, 3);

  const unknown = await t.req({ method: 'POST', url: '/webhooks/shopify/sto_nope', payload: body, headers, key: null });
  assert.equal(unknown.statusCode, 404);
  const wrongPlatform = await t.req({ method: 'POST', url: `/webhooks/shopify/${wooStore}`, payload: body, headers, key: null });
  assert.equal(wrongPlatform.statusCode, 404);
});

test('WooCommerce: the unsigned ping is acknowledged, a signed order.created commits, an unsigned one is refused', async () => {
  const url = `/webhooks/woocommerce/${wooStore}`;
  const ping = await t.req({ method: 'POST', url, payload: 'webhook_id=17', headers: { 'content-type': 'application/x-www-form-urlencoded' }, key: null });
  assert.equal(ping.statusCode, 200, ping.body);
  assert.equal(ping.json().status, 'ignored');

  const body = JSON.stringify({ id: 77, number: '77', status: 'processing', date_created_gmt: '2026-11-26T11:06:00', date_modified_gmt: '2026-11-26T11:06:00', line_items: [{ product_id: 5, sku: 'HOOK-1', quantity: 2 }] });
  const headers = {
    'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-delivery-id': 'd-1',
    'x-wc-webhook-signature': sign(wooSecret, body),
  };
  const ok = await t.req({ method: 'POST', url, payload: body, headers, key: null });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.equal(ok.json().status, 'processed');
  assert.equal((await t.req({ method: 'GET', url: '/v1/skus/HOOK-1' })).json().quantities.committed, 5);
  const again = await t.req({ method: 'POST', url, payload: body, headers, key: null });
  assert.equal(again.json().status, 'duplicate');
  const unsigned = await t.req({ method: 'POST', url, payload: body, headers: { ...headers, 'x-wc-webhook-signature': 'AAAA' }, key: null });
  assert.equal(unsigned.statusCode, 401);
  assert.equal((await t.req({ method: 'GET', url: '/v1/skus/HOOK-1' })).json().quantities.committed, 5);
});
