/** The life of a retailer order at the connector level, against two emulated stores: the retailer's (fulfilment
 * with tracking, partial and in packages, refund of a short line with restock, per-line state by webhook and by
 * polling) and the supplier's own (the forwarded order, created once, and the supplier's fulfilment read back). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createShopifyConnector, forwardIdentifier, parseShopifyWebhook, REFUND_CREATE } from '../../src/connectors/shopify/index.ts';
import type { Connector, RemoteOrder } from '../../src/connectors/types.ts';
import { startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { gql, ManualClock, subscribe, webhookReceiver } from './helpers.ts';

const clock = new ManualClock();
let retailer: ShopifyEmulator;
let supplier: ShopifyEmulator;
let rx: Awaited<ReturnType<typeof webhookReceiver>>;
let srx: Awaited<ReturnType<typeof webhookReceiver>>;

before(async () => {
  retailer = await startShopifyEmulator({
    clock, allowHttpCallbacks: true, shopDomain: 'retailer.myshopify.com',
    catalog: [{ sku: 'MUG', available: 20, price: '12.50' }, { sku: 'TEE', available: 20, price: '20.00' }],
  });
  supplier = await startShopifyEmulator({
    clock, allowHttpCallbacks: true, shopDomain: 'supplier.myshopify.com',
    catalog: [{ sku: 'MUG', available: 5 }, { sku: 'TEE', available: 9 }, { sku: 'DUP', available: 1 }, { sku: 'DUP', available: 1 }],
  });
  rx = await webhookReceiver();
  srx = await webhookReceiver();
  await subscribe(retailer, ['ORDERS_UPDATED', 'ORDERS_FULFILLED', 'ORDERS_PARTIALLY_FULFILLED', 'FULFILLMENTS_CREATE', 'REFUNDS_CREATE', 'INVENTORY_LEVELS_UPDATE'], rx.url);
  await subscribe(supplier, ['ORDERS_CREATE', 'FULFILLMENTS_CREATE', 'FULFILLMENTS_UPDATE', 'INVENTORY_LEVELS_UPDATE'], srx.url);
});
after(async () => {
  await retailer.close();
  await supplier.close();
  await rx.close();
  await srx.close();
});

function connector(emu: ShopifyEmulator, role: 'retailer' | 'source' = 'retailer'): Connector {
  return createShopifyConnector(
    {
      storeId: `${role}-${emu.shopDomain}`, supplierId: 'sup1', platform: 'shopify',
      config: { shopDomain: emu.shopDomain, baseUrl: emu.url, ...(role === 'retailer' ? { locationId: emu.locationId } : { role }) },
      credentials: { accessToken: emu.accessToken },
    },
    { clock, sleep: clock.sleep },
  );
}

const line = (o: RemoteOrder, sku: string) => o.lines.find((l) => l.sku === sku)!;
const level = (emu: ShopifyEmulator, sku: string) => emu.control.levels(sku)[0]!;
const hooks = (r: typeof rx, topic: string) => r.got.filter((g) => g.topic === topic);

let orderId: string;

test('readOrder: a fresh order line by line (ordered, current, unfulfilled), no fulfilment, no refund', async () => {
  const placed = retailer.control.placeOrder({ lines: [{ sku: 'MUG', quantity: 3 }, { sku: 'TEE', quantity: 2 }], email: 'cus@example.com' }) as any;
  orderId = placed.admin_graphql_api_id;
  const o = (await connector(retailer).readOrder!(orderId))!;
  assert.deepEqual(o.lines.map((l) => [l.sku, l.quantity, l.currentQuantity, l.unfulfilledQuantity, l.fulfilledQuantity, l.refundedQuantity]), [
    ['MUG', 3, 3, 3, 0, 0], ['TEE', 2, 2, 2, 0, 0],
  ]);
  assert.deepEqual([o.fulfilments, o.refunds, o.fulfilmentStatus], [[], [], 'unfulfilled']);
  assert.equal(await connector(retailer).readOrder!('gid://shopify/Order/999999'), null);
});

test('a partial shipment with tracking: one fulfilment on the fulfilment order, the customer told, committed released', async () => {
  rx.got.length = 0;
  const mugBefore = level(retailer, 'MUG');
  const res = await connector(retailer).fulfilOrder!(orderId, {
    lines: [{ sku: 'MUG', quantity: 2 }], carrier: 'UPS', trackingNumber: '1Z001', trackingUrl: 'https://www.ups.com/track?tracknum=1Z001',
  });
  assert.equal(res.created, true);
  assert.equal(res.fulfilments.length, 1);
  const f = res.fulfilments[0]!;
  assert.deepEqual([f.status, f.carrier, f.trackingNumbers, f.trackingUrls], ['success', 'UPS', ['1Z001'], ['https://www.ups.com/track?tracknum=1Z001']]);
  assert.deepEqual(f.lines.map((l) => [l.sku, l.quantity]), [['MUG', 2]]);
  const mugAfter = level(retailer, 'MUG');
  assert.equal(mugAfter.committed, mugBefore.committed - 2, 'shipped units leave committed');
  assert.equal(mugAfter.available, mugBefore.available, 'and available does not move');
  const note = retailer.control.notifications().find((n) => n.kind === 'shipping_confirmation')!;
  assert.deepEqual([note.email, note.tracking?.numbers], ['cus@example.com', ['1Z001']]);
  // The fulfilment order's input is what 2026-10 takes: lineItemsByFulfillmentOrder, trackingInfo, notifyCustomer.
  assert.ok(retailer.control.requests().some((r) => r.rootFields.includes('fulfillmentCreate') && r.errors.length === 0));

  await retailer.control.webhooksIdle();
  const fh = hooks(rx, 'fulfillments/create');
  assert.equal(fh.length, 1);
  const ev = parseShopifyWebhook('fulfillments/create', fh[0]!.body);
  assert.ok(ev.kind === 'fulfillment' && ev.orderId === orderId);
  assert.deepEqual([ev.fulfilment?.carrier, ev.fulfilment?.trackingNumbers, ev.fulfilment?.lines.map((l) => l.quantity)], ['UPS', ['1Z001'], [2]]);
  assert.equal(hooks(rx, 'orders/partially_fulfilled').length, 1);
  assert.equal(hooks(rx, 'orders/fulfilled').length, 0);
  const upd = parseShopifyWebhook('orders/updated', hooks(rx, 'orders/updated')[0]!.body);
  assert.ok(upd.kind === 'order');
  assert.deepEqual([line(upd.order, 'MUG').fulfilledQuantity, line(upd.order, 'MUG').unfulfilledQuantity, line(upd.order, 'TEE').unfulfilledQuantity], [2, 1, 2]);
  assert.equal(upd.order.fulfilmentStatus, 'partial');
});

test('the same package again (same tracking number) makes nothing new; more than remains is refused before sending', async () => {
  const c = connector(retailer);
  const again = await c.fulfilOrder!(orderId, { lines: [{ sku: 'MUG', quantity: 2 }], carrier: 'UPS', trackingNumber: '1Z001' });
  assert.equal(again.created, false);
  assert.equal(again.fulfilments[0]?.trackingNumbers[0], '1Z001');
  assert.equal(retailer.control.fulfillments(orderId).length, 1);
  const sent = retailer.control.requests().filter((r) => r.rootFields.includes('fulfillmentCreate')).length;
  await assert.rejects(c.fulfilOrder!(orderId, { lines: [{ sku: 'MUG', quantity: 2 }], trackingNumber: '1Z002' }), /only 1 of MUG/);
  assert.equal(retailer.control.requests().filter((r) => r.rootFields.includes('fulfillmentCreate')).length, sent);
});

test('a short line is refunded with restock: removed and refunded, back in stock at its location; the rest stands', async () => {
  rx.got.length = 0;
  const teeBefore = level(retailer, 'TEE');
  const c = connector(retailer);
  const res = await c.refundLines!(orderId, [{ sku: 'TEE', quantity: 1 }], { restock: true, reason: 'out of stock', idempotencyKey: 'conflict-42' });
  assert.deepEqual([res.amount, res.currency], ['20.00', 'USD']);
  assert.deepEqual(res.refund.lines.map((l) => [l.sku, l.quantity, l.restockType, l.restocked, l.locationId]), [['TEE', 1, 'cancel', true, retailer.locationId]]);
  const teeAfter = level(retailer, 'TEE');
  assert.deepEqual([teeAfter.available, teeAfter.committed], [teeBefore.available + 1, teeBefore.committed - 1]);
  const o = (await c.readOrder!(orderId))!;
  assert.deepEqual(o.lines.map((l) => [l.sku, l.currentQuantity, l.unfulfilledQuantity, l.refundedQuantity, l.restockedQuantity]), [
    ['MUG', 3, 1, 0, 0], ['TEE', 1, 1, 1, 1],
  ]);
  assert.equal(o.status, 'open');
  assert.deepEqual([o.refunds?.length, o.refunds?.[0]?.amount], [1, '20.00']);
  assert.equal(retailer.control.notifications().filter((n) => n.kind === 'refund').length, 1);
  // The money went back against the order's sale, as suggestedRefund said.
  const refundTx = retailer.control.refunds(orderId)[0]!.transactions as any[];
  assert.deepEqual(refundTx.map((t) => [t.kind, t.amount, t.gateway, typeof t.parent_id]), [['refund', '20.00', 'bogus', 'number']]);

  await retailer.control.webhooksIdle();
  const rh = hooks(rx, 'refunds/create');
  assert.equal(rh.length, 1);
  const ev = parseShopifyWebhook('refunds/create', rh[0]!.body);
  assert.ok(ev.kind === 'fulfillment' && ev.refund);
  assert.deepEqual(ev.refund!.lines.map((l) => [l.sku, l.quantity, l.restockType, l.restocked]), [['TEE', 1, 'cancel', true]]);
  assert.equal(ev.refund!.amount, '20.00');
  const upd = parseShopifyWebhook('orders/updated', hooks(rx, 'orders/updated')[0]!.body);
  assert.ok(upd.kind === 'order');
  assert.deepEqual([line(upd.order, 'TEE').currentQuantity, line(upd.order, 'TEE').restockedQuantity], [1, 1]);
  assert.ok(hooks(rx, 'inventory_levels/update').some((g) => g.body.available === teeAfter.available), 'the restock fires the level webhook');
});

test('a retried refund never refunds twice: found by its key after the order changed', async () => {
  const c = connector(retailer);
  const again = await c.refundLines!(orderId, [{ sku: 'TEE', quantity: 1 }], { restock: true, reason: 'out of stock', idempotencyKey: 'conflict-42' });
  assert.match(again.detail, /made earlier/);
  assert.equal(retailer.control.refunds(orderId).length, 1);
  assert.equal(again.refund.id, retailer.control.refunds(orderId)[0]!.admin_graphql_api_id);
});

test('refundCreate without @idempotent is refused on 2026-10 (required since 2026-04); a replayed key returns the first result', async () => {
  const o = retailer.control.order(orderId) as any;
  const input = { orderId, refundLineItems: [{ lineItemId: o.line_items[1].admin_graphql_api_id, quantity: 1, restockType: 'NO_RESTOCK' }] };
  const bare = REFUND_CREATE.replace(', $key: String!', '').replace(' @idempotent(key: $key)', '');
  const r = await gql(retailer, bare, { input });
  assert.match(r.errors?.[0]?.message ?? '', /@idempotent/);
  const first = await gql(retailer, REFUND_CREATE, { input, key: '11111111-1111-4111-8111-111111111111' });
  const second = await gql(retailer, REFUND_CREATE, { input, key: '11111111-1111-4111-8111-111111111111' });
  assert.deepEqual(first.data.refundCreate.userErrors, []);
  assert.equal(second.data.refundCreate.refund.id, first.data.refundCreate.refund.id);
  assert.equal(retailer.control.refunds(orderId).length, 2);
});

test('the last package ships what remains: orders/fulfilled, and polling shows every line done', async () => {
  rx.got.length = 0;
  const c = connector(retailer);
  const res = await c.fulfilOrder!(orderId, { carrier: 'DHL', trackingNumber: 'JD002', trackingUrl: 'https://www.dhl.com/track?JD002', notify: false });
  assert.deepEqual(res.fulfilments[0]!.lines.map((l) => [l.sku, l.quantity]), [['MUG', 1]], 'the refunded TEE units are gone, nothing else was left');
  await retailer.control.webhooksIdle();
  assert.equal(hooks(rx, 'orders/fulfilled').length, 1);
  const page = await c.fetchOrders(null);
  const polled = page.orders.find((o) => o.platformOrderId === orderId)!;
  assert.equal(polled.fulfilmentStatus, 'fulfilled');
  assert.deepEqual(polled.lines.map((l) => [l.sku, l.currentQuantity, l.unfulfilledQuantity]), [['MUG', 3, 0], ['TEE', 0, 0]]);
  const full = (await c.readOrder!(orderId))!;
  assert.deepEqual(full.fulfilments!.map((f) => [f.carrier, f.trackingNumbers[0]]), [['UPS', '1Z001'], ['DHL', 'JD002']]);
  assert.equal(retailer.control.notifications().filter((n) => n.kind === 'shipping_confirmation').length, 1, 'notify: false tells no one');
  await assert.rejects(c.fulfilOrder!(orderId, {}), /nothing left to ship/);
});

test('a shipped unit refunded with restock is a return, put back at its location', async () => {
  const c = connector(retailer);
  const before = level(retailer, 'MUG').available;
  const res = await c.refundLines!(orderId, [{ sku: 'MUG', quantity: 1 }], { restock: true, idempotencyKey: 'return-1' });
  assert.deepEqual(res.refund.lines.map((l) => [l.restockType, l.restocked]), [['return', true]]);
  assert.equal(level(retailer, 'MUG').available, before + 1);
  await assert.rejects(c.refundLines!(orderId, [{ sku: 'MUG', quantity: 5 }], { restock: false, idempotencyKey: 'too-many' }), /only 2 of MUG/);
});

let forwarded: string;

test('forwarding: orderCreate in the supplier store, tagged, by the supplier SKU, with address and shipping; stock drops there', async () => {
  srx.got.length = 0;
  const mug = level(supplier, 'MUG').available;
  const res = await connector(supplier, 'source').createForwardedOrder!({
    reference: 'store-r1:gid://shopify/Order/5001', retailerName: 'Acme Mugs', retailerOrderName: '#1001',
    lines: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEE', quantity: 1 }],
    shippingAddress: { firstName: 'Ann', lastName: 'Lee', address1: '1 Main St', city: 'Springfield', countryCode: 'US', provinceCode: 'IL', zip: '62701' },
    shippingMethod: { title: 'Standard', code: 'STD', price: '4.90' },
    customer: { email: 'ann@example.com' },
  });
  assert.equal(res.created, true);
  forwarded = res.platformOrderId;
  assert.deepEqual(res.order.tags, ['dropsync', 'dropsync-retailer:Acme Mugs', 'dropsync-order:#1001']);
  assert.equal(res.order.sourceIdentifier, forwardIdentifier('store-r1:gid://shopify/Order/5001'));
  assert.equal(res.order.email, null, 'the retailer customer is not shared unless asked');
  const o = supplier.control.order(forwarded) as any;
  assert.deepEqual(o.line_items.map((l: any) => [l.sku, l.quantity, typeof l.variant_id]), [['MUG', 2, 'number'], ['TEE', 1, 'number']]);
  assert.deepEqual([o.shipping_address.city, o.shipping_address.name, o.shipping_lines[0].title, o.shipping_lines[0].price], ['Springfield', 'Ann Lee', 'Standard', '4.90']);
  assert.deepEqual([o.financial_status, o.source_identifier, o.tags], ['paid', res.order.sourceIdentifier, 'dropsync, dropsync-retailer:Acme Mugs, dropsync-order:#1001']);
  assert.equal(level(supplier, 'MUG').available, mug - 2, 'the supplier store counts the order at once');
  assert.equal(supplier.control.notifications().length, 0, 'no receipt from the supplier store to the retailer customer');
  await supplier.control.webhooksIdle();
  assert.ok(hooks(srx, 'inventory_levels/update').some((g) => g.body.available === mug - 2));
});

test('forwarding is idempotent: a retry, in this process or another, finds the order instead of making a second', async () => {
  const input = { reference: 'store-r1:gid://shopify/Order/5001', retailerName: 'Acme Mugs', retailerOrderName: '#1001', lines: [{ sku: 'MUG', quantity: 2 }] };
  const fresh = await connector(supplier, 'source').createForwardedOrder!(input);
  assert.deepEqual([fresh.created, fresh.platformOrderId], [false, forwarded]);
  assert.equal(supplier.control.orders().filter((o: any) => o.source_identifier === fresh.order.sourceIdentifier).length, 1);
});

test('forwarding refuses an unknown or ambiguous SKU naming the line, and creates nothing', async () => {
  const n = supplier.control.orders().length;
  const c = connector(supplier, 'source');
  await assert.rejects(
    c.createForwardedOrder!({ reference: 'r:2', retailerName: 'A', retailerOrderName: '#2', lines: [{ sku: 'MUG', quantity: 1 }, { sku: 'NOPE', quantity: 1 }] }),
    (err: any) => err.field === 'lines[1].sku' && /no product with SKU NOPE/.test(err.message),
  );
  await assert.rejects(c.createForwardedOrder!({ reference: 'r:3', retailerName: 'A', retailerOrderName: '#3', lines: [{ sku: 'DUP', quantity: 1 }] }), /several products/);
  assert.equal(supplier.control.orders().length, n);
});

test('the supplier ships the forwarded order with tracking: read back by webhook and by polling, then sent to the retailer', async () => {
  srx.got.length = 0;
  supplier.control.fulfil(forwarded, { company: 'FedEx', number: '7777', url: 'https://www.fedex.com/fedextrack/?trknbr=7777', notifyCustomer: false });
  await supplier.control.webhooksIdle();
  const ev = parseShopifyWebhook('fulfillments/create', hooks(srx, 'fulfillments/create')[0]!.body);
  assert.ok(ev.kind === 'fulfillment' && ev.orderId === forwarded && ev.fulfilment);
  assert.deepEqual([ev.fulfilment!.carrier, ev.fulfilment!.trackingNumbers, ev.fulfilment!.trackingUrls], ['FedEx', ['7777'], ['https://www.fedex.com/fedextrack/?trknbr=7777']]);
  const src = connector(supplier, 'source');
  const polled = (await src.fetchOrders(null)).orders.find((o) => o.platformOrderId === forwarded)!;
  assert.deepEqual([polled.fulfilmentStatus, polled.tags?.includes('dropsync-order:#1001')], ['fulfilled', true]);
  const detail = (await src.readOrder!(forwarded))!;
  const shipped = detail.fulfilments![0]!;
  // A tracking change on the supplier's store arrives as fulfillments/update.
  supplier.control.updateTracking(shipped.id, { number: '7778', url: 'https://www.fedex.com/fedextrack/?trknbr=7778' });
  await supplier.control.webhooksIdle();
  const upd = parseShopifyWebhook('fulfillments/update', hooks(srx, 'fulfillments/update')[0]!.body);
  assert.ok(upd.kind === 'fulfillment' && upd.fulfilment?.trackingNumbers[0] === '7778');

  // Back on the retailer store: the retailer's order gets the supplier's tracking, and its customer is told.
  const r = retailer.control.placeOrder({ lines: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEE', quantity: 1 }], email: 'ann@example.com' }) as any;
  const sent = await connector(retailer).fulfilOrder!(r.admin_graphql_api_id, {
    lines: detail.fulfilments![0]!.lines.map((l) => ({ sku: l.sku!, quantity: l.quantity })),
    carrier: shipped.carrier, trackingNumber: '7778', trackingUrl: upd.fulfilment!.trackingUrls[0]!,
  });
  assert.deepEqual(sent.fulfilments[0]!.lines.map((l) => [l.sku, l.quantity]), [['MUG', 2], ['TEE', 1]]);
  const told = retailer.control.notifications().filter((n) => n.email === 'ann@example.com' && n.kind === 'shipping_confirmation');
  assert.deepEqual(told.map((n) => [n.tracking?.company, n.tracking?.numbers]), [['FedEx', ['7778']]]);
});
