/**
 * End to end on PGlite: the engine drives the registered WooCommerce connector against the emulator. Stock
 * reaches the store, a shopper's order comes back by signed webhook, and an order that lost the last units is
 * compensated on the store (cancelled, note, coupon) with its echo recognised.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { openDatabase } from '../../src/store/index.ts';
import type { Db } from '../../src/store/types.ts';
import { createEngine, createSupplier, type Engine } from '../../src/engine/index.ts';
import { connectWooStore, handleWooWebhook, type WooWebhookEvent } from '../../src/connectors/woocommerce/index.ts';
import { startWooEmulator, type WooEmulator } from '../../src/emulators/woocommerce/index.ts';
import { addRetailer, addStore } from '../engine/helpers.ts';
import { startReceiver, type Receiver } from './helpers.ts';

const clock = { t: Date.now(), now() { return this.t; } };
let emu: WooEmulator;
let receiver: Receiver;
let db: Db;
let engine: Engine;
let sup: string;
let store: string;
let seen = 0;

before(async () => {
  emu = await startWooEmulator({ skus: 20, seed: 9, clock });
  receiver = await startReceiver();
  db = await openDatabase();
  engine = createEngine({ db, clock, reconcile: false });
  sup = await createSupplier(db, clock, { name: 'Supplier' });
  const credentials = { consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret, webhookSecret: 'whs' };
  store = await addStore(db, sup, await addRetailer(db, sup), { platform: 'woocommerce', config: { baseUrl: emu.url, concurrency: 1 }, credentials: JSON.stringify(credentials) });
  const connected = await connectWooStore({ baseUrl: emu.url, ...credentials, webhookDeliveryUrl: receiver.url }, ['SKU-00001', 'VAR-0001-1']);
  assert.equal(connected.listings.length, 2);
  const skus = connected.listings.map((l) => l.sku);
  await db.query(`insert into skus (supplier_id, sku, listed, created_at, updated_at) select $1, s, true, now(), now() from unnest($2::text[]) s on conflict do nothing`, [sup, skus]);
  await db.query(
    `insert into listings (id, supplier_id, store_id, sku, external_id, created_at) select $3 || ':' || s, $1, $3, s, e, now() from unnest($2::text[], $4::text[]) as t(s, e)`,
    [sup, skus, store, connected.listings.map((l) => l.externalId)],
  );
});

after(async () => {
  await engine.stop().catch(() => {});
  await db.close();
  await emu.close();
  await receiver.close();
});

/** What the HTTP layer does with each delivery: verify, dedupe, hand orders to the engine. */
async function deliverWebhooks(): Promise<WooWebhookEvent[]> {
  await emu.control.flushWebhooks();
  const events: WooWebhookEvent[] = [];
  for (const r of receiver.received.slice(seen)) {
    const out = handleWooWebhook(r.body, r.headers, 'whs');
    assert.ok(out.ok, 'every delivery verifies');
    if (!out.ok) continue;
    events.push(out.event);
    if (out.event.kind !== 'order') continue;
    if (!(await engine.recordDelivery(store, out.event.dedupeKeys[0]!))) continue;
    await engine.receiveOrder(store, out.event.order, 'webhook');
  }
  seen = receiver.received.length;
  return events;
}

const set = (sku: string, quantity: number, id: string) => ({ id, sku, location: 'main', kind: 'set' as const, quantity, occurredAt: new Date(clock.now()).toISOString() });
const shownOnStore = async (sku: string) => (await engine.getSku(sup, sku)).stores[0]!.shown;

test('supplier stock reaches the WooCommerce store (simple product and variation)', async () => {
  await engine.ingestEvents(sup, [set('SKU-00001', 6, 'e1'), set('VAR-0001-1', 4, 'e2')]);
  assert.equal(await engine.dispatchOnce(), 2);
  assert.equal(emu.control.stockOf('SKU-00001'), await shownOnStore('SKU-00001'));
  assert.equal(emu.control.stockOf('VAR-0001-1'), await shownOnStore('VAR-0001-1'));
  assert.ok((await shownOnStore('SKU-00001')) > 0);
  assert.equal((await engine.storeSync(store)).queueDepth, 0);
});

test('a shopper order comes back by webhook and commits supplier stock', async () => {
  emu.control.placeOrder({ lines: [{ sku: 'VAR-0001-1', quantity: 1 }], email: 'amy@example.com' });
  await deliverWebhooks();
  const view = await engine.getSku(sup, 'VAR-0001-1');
  assert.equal(view.quantities.committed, 1);
  await engine.dispatchOnce();
  assert.equal(emu.control.stockOf('VAR-0001-1'), await shownOnStore('VAR-0001-1'));
});

test('an order that lost the last units is cancelled on the store with a note and a coupon; its echo is ours', async () => {
  clock.t += 1_000;
  await engine.ingestEvents(sup, [set('SKU-00001', 0, 'e3')]);
  // Before dropsync pushes the 0, a shopper buys what the store still shows.
  const order = emu.control.placeOrder({ lines: [{ sku: 'SKU-00001', quantity: 1 }], email: 'bo@example.com' });
  await deliverWebhooks();
  assert.equal(await engine.compensatePending(), 1);
  const stored = emu.control.orders().find((o) => o.id === order.id)!;
  assert.equal(stored.status, 'cancelled');
  const coupon = emu.control.coupons().at(-1)!;
  assert.deepEqual([coupon.usage_limit, coupon.email_restrictions], [1, ['bo@example.com']]);
  assert.ok(emu.control.notes().some((n) => n.order_id === order.id && n.customer_note === true));
  const echoes = await deliverWebhooks();
  assert.ok(echoes.some((e) => e.kind === 'order' && e.ownCancellation && e.order.platformOrderId === String(order.id)));
  await engine.dispatchOnce();
  assert.equal(emu.control.stockOf('SKU-00001'), 0);
});

test('a lost webhook delivery is caught by polling orders since the cursor', async () => {
  emu.control.setKnobs({ webhookLoss: 1 });
  try {
    clock.t += 2_000;
    await engine.ingestEvents(sup, [set('VAR-0001-1', 9, 'e4')]);
    await engine.dispatchOnce();
    const order = emu.control.placeOrder({ lines: [{ sku: 'VAR-0001-1', quantity: 2 }], email: 'cy@example.com' });
    assert.deepEqual(await deliverWebhooks(), [], 'the delivery was lost');
    const rec = await engine.reconcileStore(store);
    assert.equal(rec.ordersNew, 1, JSON.stringify(rec));
    assert.equal((await engine.getSku(sup, 'VAR-0001-1')).quantities.committed, 1 + 2);
    const again = await engine.reconcileStore(store);
    assert.equal(again.ordersNew, 0, `order ${order.id} is not taken twice`);
  } finally {
    emu.control.setKnobs({ webhookLoss: 0 });
  }
});
