/** Connecting a store (SKU mapping, problems, webhooks), incoming webhooks, and the poll interval. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { startWooEmulator, type WooEmulator } from '../../src/emulators/woocommerce/index.ts';
import { checkWooWebhooks, connectWooStore, createWooConnector, handleWooWebhook, parseWooWebhook, type WooStoreParams } from '../../src/connectors/woocommerce/index.ts';
import { pollIntervalMs } from '../../src/connectors/webhook-health.ts';
import { DropsyncError } from '../../src/domain/errors.ts';
import { basicRequest, startReceiver, type Receiver } from './helpers.ts';

let emu: WooEmulator;
let receiver: Receiver;
let params: WooStoreParams;

before(async () => {
  emu = await startWooEmulator({ skus: 30, variationsRatio: 0.5, seed: 5 });
  receiver = await startReceiver();
  params = { baseUrl: emu.url, consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret, webhookSecret: 'hook-secret', webhookDeliveryUrl: receiver.url };
  emu.control.addProduct({ sku: 'DUP-1', stockQuantity: 1 });
  emu.control.addProduct({ sku: 'DUP-1', stockQuantity: 2 });
  emu.control.addProduct({ sku: ' case-sku', stockQuantity: 3 });
  emu.control.addProduct({ sku: 'TSHIRT', variations: [{ sku: 'TSHIRT-S', stockQuantity: 4 }, { sku: 'TSHIRT-M', stockQuantity: 5 }] });
});
after(async () => {
  await emu.close();
  await receiver.close();
});

test('connect maps SKUs to products and variations and reports problems without merging', async () => {
  const tshirtS = emu.control.stock().find((r) => r.sku === 'TSHIRT-S')!;
  const result = await connectWooStore(params, ['SKU-00001', 'TSHIRT-S', 'DUP-1', 'CASE-SKU', 'NOPE', 'TSHIRT', 'SKU-00001']);
  assert.deepEqual(result.listings.map((l) => [l.sku, l.externalId]), [
    ['SKU-00001', `product:${emu.control.stock().find((r) => r.sku === 'SKU-00001')!.id}`],
    ['TSHIRT-S', `variation:${tshirtS.parentId}:${tshirtS.id}`],
  ]);
  assert.equal(result.listings[1]!.quantity, 4);
  const byKind = Object.fromEntries(result.problems.map((p) => [p.sku, p]));
  assert.equal(byKind['DUP-1']!.kind, 'duplicated');
  assert.equal(byKind['DUP-1']!.kind === 'duplicated' && byKind['DUP-1']!.externalIds.length, 2);
  assert.equal(byKind['CASE-SKU']!.kind, 'near_match');
  assert.deepEqual(byKind['CASE-SKU']!.kind === 'near_match' && byKind['CASE-SKU']!.candidates.map((c) => c.sku), [' case-sku']);
  assert.equal(byKind['NOPE']!.kind, 'missing');
  assert.equal(byKind['TSHIRT']!.kind, 'variable_parent');
  assert.deepEqual(result.webhooks.webhooks.map((w) => [w.topic, w.status]), [['order.created', 'active'], ['order.updated', 'active']]);
  assert.equal(result.webhooks.created.length, 2);
  const pings = receiver.received.filter((r) => r.body.toString().startsWith('webhook_id='));
  assert.equal(pings.length, 2);
  const again = await connectWooStore(params, ['SKU-00001']);
  assert.deepEqual(again.webhooks.created, [], 'connecting twice does not duplicate webhooks');
});

test('bad keys are an unauthorized DropsyncError naming the credentials', async () => {
  await assert.rejects(connectWooStore({ ...params, consumerSecret: 'cs_wrong' }, ['X']), (err: unknown) => {
    assert.ok(err instanceof DropsyncError);
    assert.equal(err.kind, 'unauthorized');
    assert.equal(err.field, 'credentials');
    return true;
  });
});

test('deliveries reach the receiver signed with our secret; the echo of our own cancellation is recognised', async () => {
  const conn = createWooConnector(
    { storeId: 's', supplierId: 'p', platform: 'woocommerce', config: { baseUrl: emu.url }, credentials: params as unknown as Record<string, string> },
    { clock: { now: () => Date.now() } },
  );
  emu.control.setStock('SKU-00002', 9);
  const start = receiver.received.length;
  const order = emu.control.placeOrder({ lines: [{ sku: 'SKU-00002', quantity: 1 }], email: 'x@example.com' });
  await conn.compensate({ conflictId: 'k1', platformOrderId: String(order.id), lines: [], action: 'cancel', discountValue: 5, apologyNote: 'Sorry', email: 'x@example.com' });
  await emu.control.flushWebhooks();
  const got = receiver.received.slice(start).map((r) => handleWooWebhook(r.body, r.headers, 'hook-secret'));
  assert.ok(got.every((g) => g.ok));
  const events = got.flatMap((g) => (g.ok && g.event.kind === 'order' ? [g.event] : []));
  const created = events.find((e) => e.topic === 'order.created')!;
  const echo = events.find((e) => e.topic === 'order.updated')!;
  assert.equal(created.ownCancellation, false);
  assert.equal(created.order.status, 'open');
  assert.equal(echo.ownCancellation, true);
  assert.equal(echo.order.status, 'cancelled');
  assert.equal(echo.dedupeKeys.length, 2);
  assert.notDeepEqual(created.dedupeKeys, echo.dedupeKeys);
  const first = receiver.received[start]!;
  const forged = handleWooWebhook(first.body, first.headers, 'not-the-secret');
  assert.deepEqual(forged.ok ? null : forged.reason, 'bad_signature');
});

test('dedupe keys: delivery id, and order id + modification date + status', () => {
  const body = Buffer.from(JSON.stringify({ id: 77, status: 'refunded', date_modified_gmt: '2026-01-02T03:04:05', line_items: [{ product_id: 5, variation_id: 9, sku: 'A', quantity: 2 }] }));
  const headers = { 'x-wc-webhook-topic': 'order.updated', 'x-wc-webhook-delivery-id': 'abc', 'x-wc-webhook-signature': createHmac('sha256', 's').update(body).digest('base64') };
  const event = parseWooWebhook(headers, body);
  assert.equal(event.kind, 'order');
  if (event.kind !== 'order') return;
  assert.deepEqual(event.dedupeKeys, ['delivery:abc', 'order:77:2026-01-02T03:04:05:refunded']);
  assert.equal(event.order.status, 'cancelled');
  assert.equal(event.order.updatedAt, '2026-01-02T03:04:05.000Z');
  assert.deepEqual(event.order.lines, [{ sku: 'A', quantity: 2, externalId: 'variation:5:9' }]);
  assert.equal(handleWooWebhook(Buffer.from('{'), { ...headers, 'x-wc-webhook-signature': createHmac('sha256', 's').update('{').digest('base64') }, 's').ok, false);
});

test('a webhook disabled after failed deliveries is found and re-activated; a deleted one is re-created', async () => {
  receiver.status = 500;
  emu.control.setStock('SKU-00003', 100);
  for (let i = 0; i < 7; i++) {
    emu.control.placeOrder({ lines: [{ sku: 'SKU-00003', quantity: 1 }] });
    await emu.control.flushWebhooks();
  }
  receiver.status = 200;
  const created = emu.control.webhooks().find((w) => w.topic === 'order.created' && w.delivery_url === receiver.url)!;
  assert.equal(created.status, 'disabled');
  const updated = emu.control.webhooks().find((w) => w.topic === 'order.updated' && w.delivery_url === receiver.url)!;
  await basicRequest(emu, 'DELETE', `webhooks/${updated.id}`);
  const check = await checkWooWebhooks(params);
  assert.deepEqual(check.reactivated, [created.id]);
  assert.equal(check.created.length, 1);
  assert.ok(check.webhooks.every((w) => w.status === 'active'));
  const start = receiver.received.length;
  emu.control.placeOrder({ lines: [{ sku: 'SKU-00003', quantity: 1 }] });
  await emu.control.flushWebhooks();
  assert.equal(receiver.received.length, start + 1, 'order.created flows again');
});

test('poll interval: 15% lost deliveries polls every minute or faster, a healthy store every 15 minutes', () => {
  assert.ok(pollIntervalMs({ deliveriesSeen: 85, ordersFoundByPolling: 15 }) <= 60_000);
  assert.equal(pollIntervalMs({ deliveriesSeen: 1000, ordersFoundByPolling: 0 }), 15 * 60_000);
  assert.ok(pollIntervalMs({ deliveriesSeen: 0, ordersFoundByPolling: 0 }) <= 5 * 60_000);
  assert.ok(pollIntervalMs({ deliveriesSeen: 3, ordersFoundByPolling: 0 }) <= 5 * 60_000, 'three deliveries prove little');
  assert.equal(pollIntervalMs({ deliveriesSeen: 0, ordersFoundByPolling: 40 }), 30_000);
});

test('poll interval never grows when more orders are missed, and stays within 30 s .. 15 min', () => {
  fc.assert(
    fc.property(fc.nat(10_000), fc.nat(10_000), fc.nat(500), (seen, missed, more) => {
      const a = pollIntervalMs({ deliveriesSeen: seen, ordersFoundByPolling: missed });
      const b = pollIntervalMs({ deliveriesSeen: seen, ordersFoundByPolling: missed + more });
      return b <= a && a >= 30_000 && a <= 15 * 60_000;
    }),
  );
});
