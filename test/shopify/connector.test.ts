/** The Shopify connector against the in-process emulator, on a shared manual clock (no test sleeps). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Connector, PushItem } from '../../src/connectors/types.ts';
import { createShopifyConnector } from '../../src/connectors/shopify/index.ts';
import { startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { ManualClock } from './helpers.ts';

const clock = new ManualClock();
let emu: ShopifyEmulator;
let conn: Connector;
const SKUS = Array.from({ length: 600 }, (_, i) => `SKU-${String(i + 1).padStart(5, '0')}`);

before(async () => {
  emu = await startShopifyEmulator({ catalog: SKUS.map((sku) => ({ sku, available: 10 })), plan: 'standard', clock });
  conn = connector();
});
after(() => emu.close());

function connector(token = emu.accessToken, fetchFn?: typeof fetch): Connector {
  return createShopifyConnector(
    {
      storeId: 's1',
      supplierId: 'sup1',
      platform: 'shopify',
      config: { shopDomain: emu.shopDomain, baseUrl: emu.url, locationId: emu.locationId },
      credentials: { accessToken: token, webhookSecret: emu.clientSecret },
    },
    { clock, sleep: clock.sleep, ...(fetchFn ? { fetch: fetchFn } : {}) },
  );
}

const gidOf = (sku: string) => emu.control.levels(sku)[0]!.inventoryItemId;
const items = (skus: string[], quantity: (i: number) => number, lastConfirmed: number | null): PushItem[] =>
  skus.map((sku, i) => ({ listingId: `l-${sku}`, sku, externalId: gidOf(sku), externalLocationId: emu.locationId, quantity: quantity(i), lastConfirmed }));
const setCalls = () => emu.control.requests().filter((r) => r.rootFields.includes('inventorySetQuantities') && !r.throttled).length;

/** What a dispatcher does: consult rateLimit() and wait (here: move the clock) before pushing. */
async function politePush(c: Connector, batch: PushItem[]) {
  const wait = c.rateLimit().waitMs;
  if (wait > 0) clock.advance(wait);
  return c.push(batch);
}

test('600 items go out in 3 calls of at most 250 and all land', async () => {
  const before = setCalls();
  const res = await politePush(conn, items(SKUS, (i) => i % 37, null));
  assert.equal(res.items.length, 600);
  assert.ok(res.items.every((r) => r.ok));
  assert.equal(setCalls() - before, 3);
  assert.equal(emu.control.available('SKU-00037'), 36);
  assert.equal(emu.control.available('SKU-00600'), 599 % 37);
});

test('a batch whose answer was lost is retried under the same key, so it is not written twice', async () => {
  let loseNext = true;
  const lossy: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    if (loseNext && String(init?.body).includes('inventorySetQuantities')) {
      loseNext = false;
      await res.text();
      throw new TypeError('socket hang up'); // Shopify wrote it, we never heard back
    }
    return res;
  };
  const c = connector(emu.accessToken, lossy);
  const batch = items(['SKU-00001'], () => 5, null);
  const first = await c.push(batch);
  assert.equal(first.items[0]!.ok, false);
  assert.equal(emu.control.available('SKU-00001'), 5, 'the write did land');
  emu.control.setLevel({ sku: 'SKU-00001', available: 2 }); // a retailer edit lands before the engine retries
  const keysSeen = () => emu.control.state.idempotency.size;
  const before = keysSeen();
  const again = await c.push(batch);
  assert.ok(again.items[0]!.ok, 'answered from the first result');
  assert.equal(keysSeen(), before, 'same key as the lost attempt');
  assert.equal(emu.control.available('SKU-00001'), 2, 'replayed, not written twice');
});

test('the same content pushed again after an answer is a new operation with a new key', async () => {
  emu.control.setLevel({ sku: 'SKU-00003', available: 10 });
  const batch = items(['SKU-00003'], () => 5, 10);
  assert.ok((await conn.push(batch)).items[0]!.ok);
  emu.control.setLevel({ sku: 'SKU-00003', available: 10 }); // the store moves back to what we compared against
  assert.ok((await conn.push(batch)).items[0]!.ok);
  assert.equal(emu.control.available('SKU-00003'), 5, 'written again, not answered from the idempotency cache');
});

test('a stale compare reports the drift for the moved items and still writes the rest of the batch', async () => {
  const skus = SKUS.slice(100, 350);
  const setup = await conn.push(items(skus, () => 10, null));
  assert.ok(setup.items.every((r) => r.ok), JSON.stringify(setup.items.find((r) => !r.ok)));
  emu.control.setLevel({ sku: 'SKU-00150', available: 4 });
  emu.control.setLevel({ sku: 'SKU-00300', available: 0 });
  const res = await politePush(conn, items(skus, () => 12, 10));
  const failed = res.items.filter((r) => !r.ok);
  assert.deepEqual(
    failed.map((f) => ({ id: f.listingId, ...(f.ok ? {} : { error: f.error, actual: f.actual, retryable: f.retryable }) })),
    [
      { id: 'l-SKU-00150', error: 'stale', actual: 4, retryable: true },
      { id: 'l-SKU-00300', error: 'stale', actual: 0, retryable: true },
    ],
  );
  assert.equal(emu.control.available('SKU-00101'), 12);
  assert.equal(emu.control.available('SKU-00150'), 4);
  // The engine records the drift and pushes again from what the store showed.
  const again = await conn.push(items(['SKU-00150', 'SKU-00300'], () => 12, null).map((it, i) => ({ ...it, lastConfirmed: [4, 0][i]! })));
  assert.ok(again.items.every((r) => r.ok));
  assert.equal(emu.control.available('SKU-00300'), 12);
});

test('unknown items fail alone and are not retryable', async () => {
  const res = await conn.push([
    ...items(['SKU-00001'], () => 3, null),
    { listingId: 'ghost', sku: 'X', externalId: 'gid://shopify/InventoryItem/424242', quantity: 1, lastConfirmed: null },
    { listingId: 'junk', sku: 'Y', externalId: 'not-a-gid', quantity: 1, lastConfirmed: null },
  ]);
  const by = Object.fromEntries(res.items.map((r) => [r.listingId, r]));
  assert.equal(by.ghost!.ok, false);
  assert.equal(!by.ghost!.ok && by.ghost!.retryable, false);
  assert.equal(!by.junk!.ok && by.junk!.retryable, false);
  assert.ok(by['l-SKU-00001']!.ok);
  assert.equal(emu.control.available('SKU-00001'), 3);
});

test('throttling: a THROTTLED answer becomes retryAfterMs, and no request is sent the bucket cannot afford', async () => {
  clock.advance(60_000);
  emu.control.drainBucket(5);
  const first = await conn.push(items(['SKU-00002'], () => 9, null));
  assert.ok(first.retryAfterMs! > 0);
  assert.equal(first.items[0]!.ok, false);
  assert.ok(conn.rateLimit().waitMs > 0);
  const sent = emu.control.requests().length;
  const second = await conn.push(items(['SKU-00002'], () => 9, null));
  assert.ok(second.retryAfterMs! > 0);
  assert.equal(emu.control.requests().length, sent, 'nothing sent while the model says the bucket is short');
  clock.advance(conn.rateLimit().waitMs);
  assert.equal(conn.rateLimit().waitMs, 0);
  assert.ok((await conn.push(items(['SKU-00002'], () => 9, null))).items[0]!.ok);
});

test('a sustained full read and push never exceeds the bucket and never waits when it can afford', async () => {
  clock.advance(60_000);
  const start = emu.control.requests().length;
  for (let round = 0; round < 3; round++) {
    const levels = await conn.readLevels(SKUS.map(gidOf));
    assert.equal(levels.length, 600);
    const cur = new Map(levels.map((l) => [l.externalId, l.quantity]));
    for (let i = 0; i < SKUS.length; i += 250) {
      const chunk = SKUS.slice(i, i + 250).map((sku) => ({
        listingId: `l-${sku}`, sku, externalId: gidOf(sku), externalLocationId: emu.locationId, quantity: round + 1, lastConfirmed: cur.get(gidOf(sku))!,
      }));
      const res = await politePush(conn, chunk);
      assert.ok(res.items.every((r) => r.ok));
    }
  }
  const log = emu.control.requests().slice(start);
  assert.equal(log.filter((r) => r.throttled).length, 0, 'no THROTTLED answer');
  const all = await conn.readLevels();
  assert.equal(all.length, 600);
  assert.ok(all.every((l) => l.quantity === 3));
});

test('orders are fetched since a cursor, paged, and changes after it come back once', async () => {
  const placed = [];
  for (let i = 0; i < 23; i++) {
    clock.advance(1000);
    placed.push(emu.control.placeOrder({ lines: [{ sku: 'SKU-00500', quantity: 1 }], email: `c${i}@example.com`, force: true }) as any);
  }
  const first = await conn.fetchOrders(null);
  assert.equal(first.orders.length, 23);
  assert.equal(first.orders[0]!.lines[0]!.sku, 'SKU-00500');
  const quiet = await conn.fetchOrders(first.cursor);
  assert.equal(quiet.orders.length, 0);
  clock.advance(1000);
  emu.control.cancelOrder(placed[0].id);
  emu.control.placeOrder({ lines: [{ sku: 'SKU-00501', quantity: 2 }], email: 'late@example.com', force: true });
  const next = await conn.fetchOrders(quiet.cursor);
  assert.deepEqual(next.orders.map((o) => o.status).sort(), ['cancelled', 'open']);
  assert.equal(next.orders.find((o) => o.status === 'cancelled')!.platformOrderId, placed[0].admin_graphql_api_id);
  assert.equal((await conn.fetchOrders(next.cursor)).orders.length, 0);
});

test('compensation cancels the order for inventory and creates one single-use code for that customer', async () => {
  const order = emu.control.placeOrder({ lines: [{ sku: 'SKU-00010', quantity: 1 }], email: 'sad@example.com', force: true }) as any;
  const conflict = {
    conflictId: 'c-1', platformOrderId: order.admin_graphql_api_id, orderName: order.name, email: 'sad@example.com',
    lines: [{ sku: 'SKU-00010', quantity: 1, shortBy: 1 }], action: 'cancel' as const, discountValue: 20, apologyNote: 'Sorry!',
  };
  const res = await conn.compensate(conflict);
  assert.equal(res.cancelled, true);
  assert.match(res.code!, /^SORRY-/);
  const cancel = emu.control.cancellations().at(-1)!;
  assert.deepEqual([cancel.reason, cancel.restock, cancel.notifyCustomer], ['INVENTORY', true, true]);
  const discount = emu.control.discounts().find((d) => d.code === res.code)!;
  assert.equal(discount.usageLimit, 1);
  assert.equal(discount.amount, '20.00');
  assert.equal(discount.customerIds.length, 1);
  const again = await conn.compensate(conflict);
  assert.equal(again.cancelled, true);
  assert.equal(again.code, res.code);
  assert.equal(emu.control.discounts().filter((d) => d.code === res.code).length, 1, 'a retry makes no second code');
  const notify = await conn.compensate({ ...conflict, conflictId: 'c-2', action: 'notify' });
  assert.equal(notify.cancelled, false);
});

test('a bad access token is unauthorized', async () => {
  const bad = connector('nope');
  await assert.rejects(bad.readLevels([gidOf('SKU-00001')]), (e: any) => e.kind === 'unauthorized');
  const res = await bad.push(items(['SKU-00001'], () => 1, null));
  assert.equal(!res.items[0]!.ok && res.items[0]!.retryable, false);
});
