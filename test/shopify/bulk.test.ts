/** Bulk query operations: the emulator's bulkOperationRunQuery / currentBulkOperation / JSONL file, and the
 * connector reading every level of a large catalogue through them (with paging as the fallback). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parse, validate } from 'graphql';
import { createShopifyConnector, type ShopifyConnectorDeps } from '../../src/connectors/shopify/index.ts';
import { bulkLevelsQuery } from '../../src/connectors/shopify/documents.ts';
import type { LevelReading } from '../../src/connectors/types.ts';
import { shopifySchema, startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { gql, ManualClock } from './helpers.ts';

const clock = new ManualClock();
const N = 3_000;
const SKUS = Array.from({ length: N }, (_, i) => `BULK-${String(i + 1).padStart(5, '0')}`);
let emu: ShopifyEmulator;

before(async () => {
  emu = await startShopifyEmulator({ catalog: SKUS.map((sku, i) => ({ sku, available: (i * 7) % 101 })), plan: 'standard', clock });
});
after(() => emu.close());

const RUN = `mutation R($q: String!) {
  bulkOperationRunQuery(query: $q) { bulkOperation { id status url } userErrors { code field message } }
}`;
const POLL = `{ currentBulkOperation { id status url objectCount rootObjectCount errorCode completedAt } }`;

/** Waits out the bucket on the shared manual clock, then runs. */
async function call(query: string, variables: Record<string, unknown> = {}) {
  clock.advance(60_000);
  return gql(emu, query, variables);
}

const jsonl = (text: string) => text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);
const byId = (rows: LevelReading[]) => [...rows].sort((a, b) => a.externalId.localeCompare(b.externalId));

function connector(config: Record<string, unknown>, deps: Partial<ShopifyConnectorDeps> = {}) {
  return createShopifyConnector(
    {
      storeId: 's1',
      supplierId: 'sup1',
      platform: 'shopify',
      config: { shopDomain: emu.shopDomain, baseUrl: emu.url, locationId: emu.locationId, ...config },
      credentials: { accessToken: emu.accessToken },
    },
    { clock, sleep: clock.sleep, ...deps },
  );
}

const countCalls = (root: string) => emu.control.requests().filter((r) => r.rootFields.includes(root) && !r.throttled).length;

test("the connector's bulk query is valid against the real schema", () => {
  assert.deepEqual(validate(shopifySchema(), parse(bulkLevelsQuery(emu.locationId))).map((e) => e.message), []);
});

test('a bulk query runs over all 3,000 items: RUNNING, then COMPLETED with a JSONL file of every item and its level', async () => {
  const run = await call(RUN, { q: bulkLevelsQuery(emu.locationId) });
  assert.deepEqual(run.data.bulkOperationRunQuery.userErrors, []);
  const started = run.data.bulkOperationRunQuery.bulkOperation;
  assert.equal(started.status, 'RUNNING');
  assert.equal(started.url, null);
  assert.equal(run.extensions.cost.actualQueryCost, 12, 'mutation 10 + bulkOperation 1 + userErrors 1; the inner query is not priced');

  const polled = (await call(POLL)).data.currentBulkOperation;
  assert.equal(polled.id, started.id);
  assert.equal(polled.status, 'COMPLETED');
  assert.equal(polled.objectCount, String(N));
  assert.ok(polled.completedAt);
  const byNode = (await call(`query($id: ID!) { node(id: $id) { ... on BulkOperation { status url } } }`, { id: started.id })).data.node;
  assert.deepEqual(byNode, { status: 'COMPLETED', url: polled.url });

  const res = await fetch(polled.url);
  assert.equal(res.status, 200);
  const rows = jsonl(await res.text());
  assert.equal(rows.length, N);
  const expected = new Map(emu.control.levels().map((l) => [l.inventoryItemId, l.available]));
  assert.equal(expected.size, N);
  for (const row of rows) {
    assert.equal(row.__parentId, undefined, 'the inline inventoryLevel is no line of its own');
    assert.deepEqual(row.inventoryLevel.quantities, [{ name: 'available', quantity: expected.get(row.id) }]);
  }
  assert.equal(new Set(rows.map((r) => r.id)).size, N);
});

test('nested connection nodes are lines of their own with __parentId', async () => {
  const small = await startShopifyEmulator({ catalog: [{ sku: 'A', available: 1 }, { sku: 'B', available: 2 }], locations: ['East', 'West'], clock });
  try {
    const q = `{ inventoryItems { edges { node { id sku inventoryLevels(first: 10) { edges { node { id location { id } } } } } } } }`;
    const run = await gql(small, RUN, { q });
    assert.deepEqual(run.data.bulkOperationRunQuery.userErrors, []);
    const op = (await gql(small, POLL)).data.currentBulkOperation;
    assert.equal(op.rootObjectCount, '2');
    assert.equal(op.objectCount, '6');
    const rows = jsonl(await (await fetch(op.url)).text());
    const items = rows.filter((r) => r.__parentId === undefined);
    assert.deepEqual(items.map((r) => r.sku), ['A', 'B']);
    for (const item of items) {
      assert.equal(item.inventoryLevels, undefined);
      const levels = rows.filter((r) => r.__parentId === item.id);
      assert.equal(levels.length, 2);
      assert.ok(levels.every((l) => typeof l.location.id === 'string'));
    }
  } finally {
    await small.close();
  }
});

test('a second bulk query while one runs is refused; unsupported queries are refused; a missing file is 404', async () => {
  const first = await call(RUN, { q: bulkLevelsQuery(emu.locationId) });
  assert.equal(first.data.bulkOperationRunQuery.bulkOperation.status, 'RUNNING');
  const second = await call(RUN, { q: bulkLevelsQuery(emu.locationId) });
  assert.equal(second.data.bulkOperationRunQuery.bulkOperation, null);
  assert.equal(second.data.bulkOperationRunQuery.userErrors[0].code, 'OPERATION_IN_PROGRESS');
  const running = first.data.bulkOperationRunQuery.bulkOperation.id as string;
  assert.equal((await fetch(`${emu.url}/_bulk/${running.split('/').pop()}.jsonl`)).status, 404, 'no file before completion');
  assert.equal((await call(POLL)).data.currentBulkOperation.status, 'COMPLETED');

  for (const q of ['{ shop { id } }', '{ inventoryItems { edges { node { skew } } } }', 'not graphql', 'mutation { a: shop { id } }']) {
    const r = await call(RUN, { q });
    assert.equal(r.data.bulkOperationRunQuery.bulkOperation, null, q);
    assert.equal(r.data.bulkOperationRunQuery.userErrors[0].code, 'INVALID', q);
  }
  assert.equal((await fetch(`${emu.url}/_bulk/999999.jsonl`)).status, 404);
});

test('readLevels() over a large catalogue uses the bulk path and equals the paged result; later reads go straight to bulk', async () => {
  emu.control.setLevel({ sku: 'BULK-02999', available: 4242 });
  const paged = await connector({ bulkThreshold: 1_000_000 }).readLevels();
  assert.equal(paged.length, N);

  const conn = connector({ bulkThreshold: 500 });
  emu.control.clearRequests();
  const first = await conn.readLevels();
  assert.equal(countCalls('bulkOperationRunQuery'), 1);
  assert.equal(countCalls('inventoryItems'), 2, 'paged until 500 items were seen, then switched');
  assert.deepEqual(byId(first), byId(paged));
  assert.ok(first.some((r) => r.quantity === 4242));

  emu.control.clearRequests();
  const second = await conn.readLevels();
  assert.equal(countCalls('bulkOperationRunQuery'), 1);
  assert.equal(countCalls('inventoryItems'), 0, 'the catalogue is known to be large: no paging');
  assert.ok(countCalls('currentBulkOperation') >= 1);
  assert.deepEqual(byId(second), byId(paged));
});

test('a small catalogue pages as before and never starts a bulk query', async () => {
  const small = await startShopifyEmulator({ catalog: SKUS.slice(0, 300).map((sku) => ({ sku, available: 3 })), clock });
  try {
    const conn = createShopifyConnector(
      { storeId: 's2', supplierId: 'sup1', platform: 'shopify', config: { shopDomain: small.shopDomain, baseUrl: small.url, locationId: small.locationId }, credentials: { accessToken: small.accessToken } },
      { clock, sleep: clock.sleep },
    );
    assert.equal((await conn.readLevels()).length, 300);
    assert.equal((await conn.readLevels()).length, 300);
    assert.equal(small.control.requests().filter((r) => r.rootFields.includes('bulkOperationRunQuery')).length, 0);
  } finally {
    await small.close();
  }
});

test('bulk failures fall back to paging: refused (another bulk query runs) and an unreadable file', async () => {
  const paged = byId(await connector({ bulkThreshold: 1_000_000 }).readLevels());
  const reasons: string[] = [];

  const busy = await call(RUN, { q: '{ locations { edges { node { id } } } }' });
  assert.equal(busy.data.bulkOperationRunQuery.bulkOperation.status, 'RUNNING');
  const refused = await connector({ bulkThreshold: 100 }, { onBulkFailure: (r) => reasons.push(r) }).readLevels();
  assert.deepEqual(byId(refused), paged);
  assert.match(reasons[0] ?? '', /in progress/);
  await call(POLL);

  const brokenFile: typeof fetch = async (input, init) =>
    String(input).includes('/_bulk/') ? new Response('oops', { status: 503 }) : fetch(input, init);
  emu.control.clearRequests();
  const viaPaging = await connector({ bulkThreshold: 100 }, { fetch: brokenFile, onBulkFailure: (r) => reasons.push(r) }).readLevels();
  assert.equal(countCalls('bulkOperationRunQuery'), 1, 'the bulk path was tried');
  assert.deepEqual(byId(viaPaging), paged);
  assert.match(reasons[1] ?? '', /503/);
});

test('bulkThreshold must be a positive integer', () => {
  assert.throws(() => connector({ bulkThreshold: 0 }), /bulkThreshold/);
  assert.throws(() => connector({ bulkThreshold: 'many' }), /bulkThreshold/);
});
