/** The WooCommerce emulator behaves like WooCommerce where dropsync depends on it. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWooEmulator, type WooEmulator } from '../../src/emulators/woocommerce/index.ts';
import { verifyWooWebhook, parseWooWebhook } from '../../src/connectors/woocommerce/index.ts';
import { basicRequest, oauthRequest, startReceiver, type Receiver } from './helpers.ts';

let emu: WooEmulator;
let receiver: Receiver;

before(async () => {
  emu = await startWooEmulator({ skus: 40, variationsRatio: 0.5, seed: 3 });
  receiver = await startReceiver();
});
after(async () => {
  await emu.close();
  await receiver.close();
});

const simples = () => emu.control.stock().filter((r) => r.parentId === 0);

test('a batch of 101 items is refused with 413; 100 are accepted', async () => {
  const ids = simples().map((s) => s.id);
  const items = Array.from({ length: 101 }, (_, i) => ({ id: ids[i % ids.length], manage_stock: true, stock_quantity: 1 }));
  const tooMany = await basicRequest(emu, 'POST', 'products/batch', { update: items.slice(0, 60), delete: items.slice(60).map((i) => i.id) });
  assert.equal(tooMany.status, 413);
  assert.equal(tooMany.body.code, 'woocommerce_rest_request_entity_too_large');
  assert.equal(tooMany.body.data.status, 413);
  assert.equal(simples().length, ids.length, 'nothing deleted');
  const fine = await basicRequest(emu, 'POST', 'products/batch', { update: items.slice(0, 100) });
  assert.equal(fine.status, 200);
  assert.equal(fine.body.update.length, 100);
});

test('per-item errors sit in their slot and the other items apply', async () => {
  const [a, b] = simples();
  const res = await basicRequest(emu, 'POST', 'products/batch', {
    update: [{ id: a!.id, manage_stock: true, stock_quantity: 7 }, { id: 999999, stock_quantity: 1 }, { id: b!.id, manage_stock: true, stock_quantity: 8 }],
  });
  assert.equal(res.status, 200);
  assert.equal(res.body.update[0].stock_quantity, 7);
  assert.deepEqual(res.body.update[1], { id: 999999, error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } } });
  assert.equal(res.body.update[2].stock_quantity, 8);
  assert.equal(emu.control.stockOf(b!.sku), 8);
});

test('a variation under the wrong parent is a per-item error', async () => {
  const vars = emu.control.stock().filter((r) => r.parentId !== 0);
  const v = vars[0]!;
  const other = vars.find((x) => x.parentId !== v.parentId)!;
  const res = await basicRequest(emu, 'POST', `products/${other.parentId}/variations/batch`, {
    update: [{ id: v.id, manage_stock: true, stock_quantity: 3 }, { id: other.id, manage_stock: true, stock_quantity: 4 }],
  });
  assert.equal(res.body.update[0].error.code, 'woocommerce_rest_product_invalid_id');
  assert.equal(res.body.update[1].stock_quantity, 4);
  assert.notEqual(emu.control.stockOf(v.sku), 3);
});

test('stock_quantity only takes effect when manage_stock is on, already or in the same request', async () => {
  const p = emu.control.addProduct({ sku: 'UNMANAGED-1', manageStock: false });
  const ignored = await basicRequest(emu, 'PUT', `products/${p.id}`, { stock_quantity: 5 });
  assert.equal(ignored.status, 200);
  assert.equal(ignored.body.stock_quantity, null);
  assert.equal(ignored.body.manage_stock, false);
  const applied = await basicRequest(emu, 'PUT', `products/${p.id}`, { manage_stock: true, stock_quantity: 5 });
  assert.equal(applied.body.stock_quantity, 5);
  assert.equal(applied.body.stock_status, 'instock');
  const zero = await basicRequest(emu, 'PUT', `products/${p.id}`, { stock_quantity: 0 });
  assert.equal(zero.body.stock_status, 'outofstock');
  const off = await basicRequest(emu, 'PUT', `products/${p.id}`, { manage_stock: false, stock_quantity: 9 });
  assert.equal(off.body.stock_quantity, null);
});

test('per_page above 100 is a 400; paging headers are set', async () => {
  const bad = await basicRequest(emu, 'GET', 'products?per_page=101');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'rest_invalid_param');
  const ok = await basicRequest(emu, 'GET', 'products?per_page=7&page=2');
  assert.equal(ok.body.length, 7);
  assert.match(ok.headers.get('link') ?? '', /page=1>; rel="prev", <.*page=3>; rel="next"/);
  assert.equal(ok.headers.get('x-wp-totalpages'), String(Math.ceil(Number(ok.headers.get('x-wp-total')) / 7)));
});

test('OAuth 1.0a: HMAC-SHA1 and SHA256 accepted; bad signature, reused nonce and old timestamp refused', async () => {
  assert.equal((await oauthRequest(emu, 'GET', 'products', { sig: 'HMAC-SHA1' })).status, 200);
  assert.equal((await oauthRequest(emu, 'GET', 'products', { sig: 'HMAC-SHA256', query: { sku: 'SKU-00001,SKU-00002' } })).status, 200);
  const badSig = await oauthRequest(emu, 'GET', 'products', { secret: 'cs_not_it' });
  assert.equal(badSig.status, 401);
  assert.equal(badSig.body.code, 'woocommerce_rest_authentication_error');
  assert.match(badSig.body.message, /signature/i);
  assert.equal((await oauthRequest(emu, 'GET', 'products', { nonce: 'once-only' })).status, 200);
  const reused = await oauthRequest(emu, 'GET', 'products', { nonce: 'once-only' });
  assert.equal(reused.status, 401);
  assert.match(reused.body.message, /nonce/i);
  const old = await oauthRequest(emu, 'GET', 'products', { nowMs: Date.now() - 16 * 60_000 });
  assert.equal(old.status, 401);
  assert.match(old.body.message, /timestamp/i);
  const recent = await oauthRequest(emu, 'GET', 'products', { nowMs: Date.now() - 14 * 60_000 });
  assert.equal(recent.status, 200);
});

test('Basic auth and query-string keys; no credentials at all is refused', async () => {
  assert.equal((await basicRequest(emu, 'GET', 'products')).status, 200);
  assert.equal((await basicRequest(emu, 'GET', 'products', undefined, 'cs_wrong')).status, 401);
  const q = await fetch(`${emu.url}/wp-json/wc/v3/products?consumer_key=${emu.consumerKey}&consumer_secret=${emu.consumerSecret}`);
  assert.equal(q.status, 200);
  await q.arrayBuffer();
  const none = await fetch(`${emu.url}/wp-json/wc/v3/products`);
  assert.equal(none.status, 401);
  assert.equal(((await none.json()) as { code: string }).code, 'woocommerce_rest_cannot_view');
});

test('creating a webhook sends the unsigned form-encoded ping', async () => {
  const before = receiver.received.length;
  const res = await basicRequest(emu, 'POST', 'webhooks', { topic: 'order.created', delivery_url: receiver.url, secret: 'shh' });
  assert.equal(res.status, 201);
  const ping = receiver.received[before]!;
  assert.equal(ping.body.toString(), `webhook_id=${res.body.id}`);
  assert.equal(ping.headers['content-type'], 'application/x-www-form-urlencoded');
  assert.equal(ping.headers['x-wc-webhook-signature'], undefined);
  assert.deepEqual(parseWooWebhook(ping.headers, ping.body), { kind: 'ping', webhookId: res.body.id });
});

test('an order delivery is signed; the verifier accepts it and rejects a tampered body', async () => {
  await basicRequest(emu, 'POST', 'webhooks', { topic: 'order.updated', delivery_url: receiver.url, secret: 'shh' });
  const sku = simples()[3]!.sku;
  emu.control.setStock(sku, 10);
  const order = emu.control.placeOrder({ lines: [{ sku, quantity: 2 }], email: 'ann@example.com' });
  assert.equal(emu.control.stockOf(sku), 8);
  emu.control.cancelOrder(order.id as number);
  assert.equal(emu.control.stockOf(sku), 10, 'cancellation restocks');
  await emu.control.flushWebhooks();
  const deliveries = receiver.received.filter((r) => r.headers['x-wc-webhook-topic']);
  const created = deliveries.find((d) => d.headers['x-wc-webhook-topic'] === 'order.created')!;
  const updated = deliveries.find((d) => d.headers['x-wc-webhook-topic'] === 'order.updated')!;
  assert.ok(verifyWooWebhook(created.body, created.headers, 'shh'));
  assert.ok(!verifyWooWebhook(created.body, created.headers, 'other'));
  assert.ok(!verifyWooWebhook(Buffer.from(created.body.toString().replace('ann', 'bob')), created.headers, 'shh'));
  assert.equal(created.headers['x-wc-webhook-resource'], 'order');
  assert.equal(created.headers['x-wc-webhook-event'], 'created');
  assert.equal(created.headers['x-wc-webhook-source'], `${emu.url}/`);
  assert.ok(created.headers['x-wc-webhook-delivery-id']);
  const event = parseWooWebhook(updated.headers, updated.body);
  assert.equal(event.kind, 'order');
  if (event.kind === 'order') {
    assert.equal(event.order.status, 'cancelled');
    assert.equal(event.order.lines[0]!.sku, sku);
    assert.equal(event.ownCancellation, false);
  }
});

test('the body is built at delivery time, not event time', async () => {
  emu.control.setKnobs({ webhookDelayMs: 30 });
  const sku = simples()[4]!.sku;
  emu.control.setStock(sku, 5);
  const start = receiver.received.length;
  const order = emu.control.placeOrder({ lines: [{ sku, quantity: 1 }] });
  await basicRequest(emu, 'PUT', `orders/${order.id}`, { status: 'cancelled' });
  await emu.control.flushWebhooks();
  emu.control.setKnobs({ webhookDelayMs: 0 });
  const created = receiver.received.slice(start).find((d) => d.headers['x-wc-webhook-topic'] === 'order.created')!;
  assert.equal(JSON.parse(created.body.toString()).status, 'cancelled');
});

test('a webhook is disabled after more than 5 consecutive failed deliveries, and never retried', async () => {
  const failing = await startReceiver(500);
  try {
    const hook = await basicRequest(emu, 'POST', 'webhooks', { topic: 'order.created', delivery_url: failing.url, secret: 'x' });
    const sku = simples()[5]!.sku;
    emu.control.setStock(sku, 100);
    const state = () => emu.control.webhooks().find((w) => w.id === hook.body.id)!;
    for (let i = 1; i <= 6; i++) {
      emu.control.placeOrder({ lines: [{ sku, quantity: 1 }] });
      await emu.control.flushWebhooks();
    }
    assert.equal(state().status, 'active', 'six failures: still active');
    assert.equal(state().failure_count, 6);
    emu.control.placeOrder({ lines: [{ sku, quantity: 1 }] });
    await emu.control.flushWebhooks();
    assert.equal(state().status, 'disabled', 'the 7th consecutive failure disables it');
    const attempts = failing.received.filter((r) => r.headers['x-wc-webhook-topic']).length;
    assert.equal(attempts, 7, 'one attempt per event, no retries');
    emu.control.placeOrder({ lines: [{ sku, quantity: 1 }] });
    await emu.control.flushWebhooks();
    assert.equal(failing.received.filter((r) => r.headers['x-wc-webhook-topic']).length, 7);
    const reactivated = await basicRequest(emu, 'PUT', `webhooks/${hook.body.id}`, { status: 'active' });
    assert.equal(reactivated.body.status, 'active');
  } finally {
    await failing.close();
  }
});

test('webhook loss is seeded: loss 1 drops every delivery', async () => {
  emu.control.setKnobs({ webhookLoss: 1 });
  const start = receiver.received.length;
  const sku = simples()[6]!.sku;
  emu.control.setStock(sku, 5);
  emu.control.placeOrder({ lines: [{ sku, quantity: 1 }] });
  await emu.control.flushWebhooks();
  emu.control.setKnobs({ webhookLoss: 0 });
  assert.equal(receiver.received.length, start);
  assert.ok(emu.control.deliveries().some((d) => d.outcome === 'lost'));
});

test('orders: list by modified_after in modified order, notes, status', async () => {
  const all = await basicRequest(emu, 'GET', 'orders?orderby=modified&order=asc&per_page=100');
  assert.ok(all.body.length >= 3);
  const future = await basicRequest(emu, 'GET', `orders?modified_after=${new Date(Date.now() + 3_600_000).toISOString()}`);
  assert.equal(future.body.length, 0);
  const past = await basicRequest(emu, 'GET', `orders?modified_after=2020-01-01T00:00:00&per_page=2&page=1`);
  assert.equal(past.body.length, 2);
  const note = await basicRequest(emu, 'POST', `orders/${all.body[0].id}/notes`, { note: 'Sorry', customer_note: true });
  assert.equal(note.status, 201);
  assert.equal(note.body.customer_note, true);
});

test('a duplicate coupon code is refused', async () => {
  const first = await basicRequest(emu, 'POST', 'coupons', { code: 'SORRY-1', amount: '10', usage_limit: 1, email_restrictions: ['a@b.c'] });
  assert.equal(first.status, 201);
  assert.equal(first.body.code, 'sorry-1');
  const again = await basicRequest(emu, 'POST', 'coupons', { code: 'sorry-1', amount: '10' });
  assert.equal(again.status, 400);
  assert.equal(again.body.code, 'woocommerce_rest_coupon_code_already_exists');
});

test('host failures: injected 429 with Retry-After, 503 without, then normal service', async () => {
  emu.control.injectFailures([{ status: 429, retryAfterSeconds: 7 }, { status: 503 }]);
  const limited = await fetch(`${emu.url}/wp-json/wc/v3/products`);
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '7');
  await limited.arrayBuffer();
  const raw = await fetch(`${emu.url}/wp-json/wc/v3/products`);
  assert.equal(raw.status, 503);
  assert.equal(raw.headers.get('retry-after'), null);
  await raw.arrayBuffer();
  const limitedLog = emu.control.requests().at(-2)!;
  assert.equal(limitedLog.status, 429);
  assert.equal((await basicRequest(emu, 'GET', 'products')).status, 200);
});

test('a hung request never answers until the client gives up', async () => {
  emu.control.injectFailures([{ status: 0, hang: true }]);
  await assert.rejects(fetch(`${emu.url}/wp-json/wc/v3/products`, { signal: AbortSignal.timeout(100) }));
});
