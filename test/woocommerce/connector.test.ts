/** The WooCommerce connector against the in-process emulator. */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { startWooEmulator, type WooEmulator } from '../../src/emulators/woocommerce/index.ts';
import { createWooConnector, planBatches, type WooConnector } from '../../src/connectors/woocommerce/index.ts';
import type { PushItem } from '../../src/connectors/types.ts';

const clock = { t: Date.UTC(2026, 10, 26, 12, 0, 0), now() { return this.t; } };
let emu: WooEmulator;
let conn: WooConnector;

before(async () => {
  emu = await startWooEmulator({ skus: 500, variationsRatio: 0.5, seed: 11, clock });
  conn = createWooConnector(
    { storeId: 's1', supplierId: 'sup', platform: 'woocommerce', config: { baseUrl: emu.url, concurrency: 1 }, credentials: { consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret, webhookSecret: 'whs' } },
    { clock },
  );
});
after(() => emu.close());
beforeEach(() => emu.control.clearRequests());

function externalId(row: { id: number; parentId: number }): string {
  return row.parentId ? `variation:${row.parentId}:${row.id}` : `product:${row.id}`;
}

function items(rows: Array<{ id: number; parentId: number; sku: string }>, qty: (i: number) => number): PushItem[] {
  return rows.map((r, i) => ({ listingId: `L${r.id}`, sku: r.sku, externalId: externalId(r), quantity: qty(i), lastConfirmed: null }));
}

test('planBatches: fewest calls, variations per parent, cut at 100', () => {
  const mk = (externalId: string, i: number): PushItem => ({ listingId: `l${i}`, sku: `s${i}`, externalId, quantity: 1, lastConfirmed: null });
  const list = [
    ...Array.from({ length: 250 }, (_, i) => mk(`variation:7:${i + 100}`, i)),
    ...Array.from({ length: 30 }, (_, i) => mk(`product:${i + 1000}`, i)),
    mk('variation:8:5', 1),
    mk('nonsense', 2),
  ];
  const { chunks, invalid } = planBatches(list);
  assert.deepEqual(chunks.map((c) => [c.path, c.items.length]), [
    ['products/7/variations/batch', 100],
    ['products/7/variations/batch', 100],
    ['products/7/variations/batch', 50],
    ['products/batch', 30],
    ['products/8/variations/batch', 1],
  ]);
  assert.equal(invalid.length, 1);
});

test('pushes 250 items (simple and variations of several parents) in the minimum number of calls', async () => {
  const stock = emu.control.stock();
  const simple = stock.filter((r) => r.parentId === 0).slice(0, 150);
  const vars = stock.filter((r) => r.parentId !== 0).slice(0, 100);
  const batch = items([...simple, ...vars], (i) => 1000 + i);
  const parents = new Set(vars.map((v) => v.parentId));
  assert.ok(parents.size > 5);
  const result = await conn.push(batch);
  assert.equal(result.items.length, 250);
  assert.ok(result.items.every((r) => r.ok), JSON.stringify(result.items.find((r) => !r.ok)));
  assert.equal(result.retryAfterMs, undefined);
  const minimum = Math.ceil(150 / 100) + parents.size;
  assert.equal(emu.control.requests().length, minimum);
  assert.ok(emu.control.requests().every((r) => (r.batchItems ?? 0) <= 100));
  assert.equal(emu.control.stockOf(simple[0]!.sku), 1000);
  assert.equal(emu.control.stockOf(vars[99]!.sku), 1000 + 249);
});

test('an unknown item fails on its own, not retryable; the rest succeed', async () => {
  const rows = emu.control.stock().filter((r) => r.parentId === 0).slice(0, 3);
  const batch = items(rows, () => 4);
  batch.splice(1, 0, { listingId: 'ghost', sku: 'GHOST', externalId: 'product:999999', quantity: 4, lastConfirmed: null });
  batch.push({ listingId: 'bad', sku: 'BAD', externalId: 'sku:whatever', quantity: 1, lastConfirmed: null });
  const result = await conn.push(batch);
  assert.deepEqual(result.items.map((r) => r.ok), [true, false, true, true, false]);
  const ghost = result.items[1]!;
  assert.ok(!ghost.ok && !ghost.retryable && ghost.error.includes('woocommerce_rest_product_invalid_id'));
  assert.equal(result.items[1]!.listingId, 'ghost');
});

test('read-back mismatch: another writer changed the number, reported with actual and retryable', async () => {
  const row = emu.control.stock().find((r) => r.parentId !== 0)!;
  emu.control.pinStock(row.sku, 3);
  try {
    const result = await conn.push(items([row], () => 10));
    const r = result.items[0]!;
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.equal(r.actual, 3);
      assert.equal(r.retryable, true);
    }
  } finally {
    emu.control.pinStock(row.sku, null);
  }
});

test('429 with Retry-After: every item failed retryable, the rest not sent, Retry-After honoured', async () => {
  const rows = emu.control.stock().filter((r) => r.parentId === 0).slice(0, 201);
  emu.control.injectFailures([{ status: 429, retryAfterSeconds: 12 }]);
  const result = await conn.push(items(rows, () => 2));
  assert.equal(result.retryAfterMs, 12_000);
  assert.ok(result.items.every((r) => !r.ok && r.retryable));
  assert.equal(emu.control.requests().length, 1, 'stopped after the 429');
  assert.equal(conn.rateLimit().waitMs, 12_000);
  clock.t += 12_000;
  assert.equal(conn.rateLimit().waitMs, 0);
  emu.control.injectFailures([{ status: 503 }]);
  const again = await conn.push(items(rows.slice(0, 1), () => 2));
  assert.equal(again.retryAfterMs, 5_000, 'default back-off without Retry-After');
  emu.control.injectFailures([{ status: 500 }]);
  const five = await conn.push(items(rows.slice(0, 1), () => 2));
  assert.equal(five.retryAfterMs, undefined);
  assert.ok(!five.items[0]!.ok && five.items[0]!.retryable);
  clock.t += 5_000;
});

test('a hung host times out and the items stay retryable', async () => {
  const quick = createWooConnector(
    { storeId: 's2', supplierId: 'sup', platform: 'woocommerce', config: { baseUrl: emu.url, timeoutMs: 100 }, credentials: { consumerKey: emu.consumerKey, consumerSecret: emu.consumerSecret } },
    { clock },
  );
  emu.control.injectFailures([{ status: 0, hang: true }]);
  const row = emu.control.stock()[0]!;
  const result = await quick.push(items([row], () => 1));
  assert.ok(!result.items[0]!.ok && result.items[0]!.retryable && result.items[0]!.error.startsWith('timeout'));
});

test('readLevels by id and for the whole catalogue', async () => {
  const rows = emu.control.stock().slice(0, 5).concat(emu.control.stock().filter((r) => r.parentId !== 0).slice(0, 5));
  const levels = await conn.readLevels(rows.map(externalId));
  assert.equal(levels.length, 10);
  for (const r of rows) assert.equal(levels.find((l) => l.externalId === externalId(r))!.quantity, r.stockQuantity);
  const all = await conn.readLevels();
  assert.equal(all.length, emu.control.stock().filter((r) => r.manageStock).length);
});

test('fetchOrders: from the history window, then only what changed since the cursor, across pages', async () => {
  const rows = emu.control.stock().filter((r) => r.parentId === 0);
  for (const r of rows.slice(0, 3)) emu.control.setStock(r.sku, 500);
  const first: number[] = [];
  for (let i = 0; i < 120; i++) {
    clock.t += 10;
    first.push(emu.control.placeOrder({ lines: [{ sku: rows[i % 3]!.sku, quantity: 1 }], email: `c${i}@example.com` }).id as number);
  }
  const page1 = await conn.fetchOrders(null);
  assert.equal(page1.orders.length, 120);
  assert.ok(emu.control.requests().length >= 2, 'paged');
  assert.ok(page1.cursor);
  clock.t += 5_000;
  emu.control.cancelOrder(first[5]!);
  const fresh = emu.control.placeOrder({ lines: [{ sku: rows[0]!.sku, quantity: 2 }], email: 'new@example.com' });
  const page2 = await conn.fetchOrders(page1.cursor);
  const ids = page2.orders.map((o) => o.platformOrderId);
  assert.ok(ids.includes(String(first[5])) && ids.includes(String(fresh.id)));
  // WooCommerce compares dates to the second, so the cursor's last second is read again (the engine dedupes).
  const overlap = ids.filter((id) => id !== String(first[5]) && id !== String(fresh.id));
  assert.ok(overlap.length < 30, `${overlap.length} re-read`);
  assert.ok(overlap.every((id) => first.indexOf(Number(id)) >= 90), 'only orders from the last second before the cursor');
  const cancelled = page2.orders.find((o) => o.platformOrderId === String(first[5]))!;
  assert.equal(cancelled.status, 'cancelled');
  const placed = page2.orders.find((o) => o.platformOrderId === String(fresh.id))!;
  assert.deepEqual(placed.lines, [{ sku: rows[0]!.sku, quantity: 2, externalId: `product:${rows[0]!.id}` }]);
  assert.equal(placed.email, 'new@example.com');
  assert.ok(page2.cursor! > page1.cursor!);
});

test('compensation: cancelled, customer note, single-use coupon limited to the email; running twice is safe', async () => {
  const row = emu.control.stock().filter((r) => r.parentId !== 0)[7]!;
  emu.control.setStock(row.sku, 4);
  clock.t += 2_000;
  const order = emu.control.placeOrder({ lines: [{ sku: row.sku, quantity: 3 }], email: 'Zoe@Example.com' });
  const conflict = {
    conflictId: 'c-42',
    platformOrderId: String(order.id),
    orderName: `#${order.number}`,
    lines: [{ sku: row.sku, quantity: 3, shortBy: 2 }],
    action: 'cancel' as const,
    discountValue: 20,
    apologyNote: 'We are sorry: this item sold out before your order reached us.',
  };
  const result = await conn.compensate(conflict);
  assert.equal(result.cancelled, true);
  assert.ok(result.code);
  const stored = emu.control.orders().find((o) => o.id === order.id)!;
  assert.equal(stored.status, 'cancelled');
  assert.equal(emu.control.stockOf(row.sku), 4, 'restocked');
  const coupon = emu.control.coupons().find((c) => c.code === result.code)!;
  assert.equal(coupon.usage_limit, 1);
  assert.deepEqual(coupon.email_restrictions, ['zoe@example.com']);
  assert.equal(coupon.amount, '20.00');
  const notes = emu.control.notes().filter((n) => n.order_id === order.id);
  assert.equal(notes.length, 1);
  assert.equal(notes[0]!.customer_note, true);
  assert.match(String(notes[0]!.note), new RegExp(String(result.code)));
  const again = await conn.compensate(conflict);
  assert.equal(again.code, result.code);
  assert.equal(emu.control.coupons().filter((c) => c.code === result.code).length, 1);
  const notify = await conn.compensate({ ...conflict, action: 'notify' });
  assert.equal(notify.cancelled, false);
});

test('outside push, store failures surface as DropsyncError; a bad cursor is refused naming it', async () => {
  const { DropsyncError } = await import('../../src/domain/errors.ts');
  await assert.rejects(
    conn.compensate({ conflictId: 'x', platformOrderId: '424242', lines: [], action: 'cancel', discountValue: 1, apologyNote: 'Sorry', email: 'a@b.c' }),
    (err: unknown) => err instanceof DropsyncError && err.kind === 'not_found',
  );
  emu.control.injectFailures([{ status: 429, retryAfterSeconds: 3 }]);
  await assert.rejects(conn.readLevels(['product:10']), (err: unknown) => err instanceof DropsyncError && err.kind === 'rate_limited');
  await assert.rejects(conn.fetchOrders('yesterday'), (err: unknown) => err instanceof DropsyncError && err.kind === 'invalid' && err.field === 'cursor');
});
