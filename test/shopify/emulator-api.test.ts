/** Emulator reads, cost and throttling (over an injected clock), orders and control routes. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { gql, ManualClock } from './helpers.ts';

const clock = new ManualClock();
let emu: ShopifyEmulator;
before(async () => {
  emu = await startShopifyEmulator({ skus: 120, plan: 'standard', clock, seed: 7 });
});
after(() => emu.close());

const LEVELS = `query L($first: Int!, $after: String, $loc: ID!, $q: String) {
  inventoryItems(first: $first, after: $after, query: $q) {
    nodes { id sku inventoryLevel(locationId: $loc) { quantities(names: ["available"]) { name quantity } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

test('cursor pagination walks every item exactly once', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 10; pages++) {
    const r = await gql(emu, LEVELS, { first: 50, after: cursor, loc: emu.locationId });
    seen.push(...r.data.inventoryItems.nodes.map((n: any) => n.sku));
    if (!r.data.inventoryItems.pageInfo.hasNextPage) break;
    cursor = r.data.inventoryItems.pageInfo.endCursor;
  }
  assert.equal(seen.length, 120);
  assert.equal(new Set(seen).size, 120);
  assert.equal(seen[0], 'SKU-00001');
});

test('sku search, productVariants and locations answer as Shopify shapes them', async () => {
  const r = await gql(emu, LEVELS, { first: 5, loc: emu.locationId, q: 'sku:SKU-00002 OR sku:"sku-00003"' });
  assert.deepEqual(r.data.inventoryItems.nodes.map((n: any) => n.sku), ['SKU-00002', 'SKU-00003']);
  assert.equal(r.data.inventoryItems.nodes[0].inventoryLevel.quantities[0].quantity, emu.control.available('SKU-00002'));
  const v = await gql(emu, `{ productVariants(first: 2, query: "sku:SKU-00004") { nodes { sku inventoryItem { id } } } locations(first: 5) { nodes { id name } } }`);
  assert.equal(v.data.productVariants.nodes[0].sku, 'SKU-00004');
  assert.equal(v.data.locations.nodes[0].id, emu.locationId);
  const noFirst = await gql(emu, `{ inventoryItems { nodes { id } } }`);
  assert.match(noFirst.errors![0]!.message, /first or last/);
});

test('every answer carries extensions.cost; the actual cost refunds what a short page did not use', async () => {
  const r = await gql(emu, LEVELS, { first: 100, loc: emu.locationId, q: 'sku:SKU-00001' });
  const c = r.extensions.cost;
  assert.equal(c.requestedQueryCost, 2 + 100 * 3);
  assert.equal(c.actualQueryCost, 2 + 1 * 3);
  assert.equal(c.throttleStatus.maximumAvailable, 2000);
  assert.equal(c.throttleStatus.restoreRate, 100);
});

test('a query over 1,000 points is refused with MAX_COST_EXCEEDED', async () => {
  const r = await gql(emu, LEVELS, { first: 250, loc: emu.locationId });
  assert.equal(r.extensions.cost.requestedQueryCost, 752);
  const big = await gql(emu, `{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { sku } } } } }`);
  assert.equal(big.errors![0]!.extensions!.code, 'MAX_COST_EXCEEDED');
});

test('the bucket empties into THROTTLED and restores over the injected clock', async () => {
  emu.control.drainBucket(2000); // start from a full bucket
  let throttled = 0;
  let served = 0;
  for (let i = 0; i < 5; i++) {
    const r = await gql(emu, LEVELS, { first: 250, loc: emu.locationId });
    if (r.errors?.[0]?.extensions?.code === 'THROTTLED') {
      throttled++;
      assert.equal(r.errors[0]!.message, 'Throttled');
      assert.equal(r.extensions.cost.actualQueryCost, null);
      assert.ok(r.extensions.cost.throttleStatus.currentlyAvailable < 752);
    } else served++;
  }
  // 2000 points buy two 752-point pages (actual 362 each: 120 items), the rest are refused.
  assert.ok(served >= 2 && throttled >= 1, `served ${served}, throttled ${throttled}`);
  const before = (await gql(emu, `{ shop { name } }`)).extensions.cost.throttleStatus.currentlyAvailable;
  clock.advance(3_000);
  const later = (await gql(emu, `{ shop { name } }`)).extensions.cost.throttleStatus.currentlyAvailable;
  assert.ok(later - before >= 299 && later - before <= 301, `restored ${later - before} in 3 s at 100/s`);
  clock.advance(60_000);
  assert.equal((await gql(emu, `{ shop { name } }`)).extensions.cost.throttleStatus.currentlyAvailable, 1999);
});

test('orders placed by shoppers lower available, are queryable by updated_at, and cancel with restock', async () => {
  const start = emu.control.available('SKU-00010')!;
  emu.control.setLevel({ sku: 'SKU-00010', available: Math.max(start, 5) });
  const base = emu.control.available('SKU-00010')!;
  const since = new Date(clock.now()).toISOString();
  clock.advance(1000);
  const order = emu.control.placeOrder({ lines: [{ sku: 'SKU-00010', quantity: 2 }], email: 'a@example.com' }) as any;
  assert.equal(emu.control.available('SKU-00010'), base - 2);
  assert.throws(() => emu.control.placeOrder({ lines: [{ sku: 'SKU-00010', quantity: 10_000 }] }), /available/);
  const q = `query O($q: String!) { orders(first: 10, query: $q, sortKey: UPDATED_AT) { nodes { id name email cancelledAt lineItems(first: 5) { nodes { sku quantity } } } } }`;
  const r = await gql(emu, q, { q: `updated_at:>'${since}'` });
  assert.deepEqual(r.data.orders.nodes.map((o: any) => o.id), [order.admin_graphql_api_id]);
  assert.deepEqual(r.data.orders.nodes[0].lineItems.nodes, [{ sku: 'SKU-00010', quantity: 2 }]);
  clock.advance(1000);
  emu.control.cancelOrder(order.id, { restock: true });
  assert.equal(emu.control.available('SKU-00010'), base);
  const none = await gql(emu, q, { q: `updated_at:>'${new Date(clock.now()).toISOString()}'` });
  assert.equal(none.data.orders.nodes.length, 0);
});

test('control routes over HTTP: knobs, levels, orders', async () => {
  const knobs = await (await fetch(`${emu.url}/_control/knobs`, { method: 'PATCH', body: JSON.stringify({ plan: 'plus', latencyMs: 0 }) })).json();
  assert.equal(knobs.plan, 'plus');
  const status = (await gql(emu, `{ shop { name } }`)).extensions.cost.throttleStatus;
  assert.equal(status.restoreRate, 1000);
  const bad = await fetch(`${emu.url}/_control/knobs`, { method: 'PATCH', body: JSON.stringify({ loss: 2 }) });
  assert.equal(bad.status, 400);
  await bad.text();
  const order = await (await fetch(`${emu.url}/_control/orders`, { method: 'POST', body: JSON.stringify({ lines: [{ sku: 'SKU-00020', quantity: 1 }], email: 'b@example.com', force: true }) })).json();
  assert.equal(order.line_items[0].sku, 'SKU-00020');
  const levels = await (await fetch(`${emu.url}/_control/levels?sku=SKU-00020`)).json();
  assert.equal(levels[0].committed, 1);
  const log = emu.control.requests();
  assert.ok(log.some((e) => e.operationName === 'L' && e.requestedCost === 752));
});
