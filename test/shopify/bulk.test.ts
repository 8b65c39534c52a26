/** Bulk query operations: the emulator's bulkOperationRunQuery / node(id:) / bulkOperations / JSONL file (five at
 * once, CREATED -> RUNNING -> COMPLETED over time), and the connector reading every level of a large catalogue
 * through them (with paging as the fallback). */
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
  emu = await startShopifyEmulator({ catalog: SKUS.map((sku, i) => ({ sku, available: (i * 7) % 101 })), plan: 'standard', clock, bulkDurationMs: 5_000 });
});
after(() => emu.close());

const RUN = `mutation R($q: String!) {
  bulkOperationRunQuery(query: $q, groupObjects: false) { bulkOperation { id status url } userErrors { code field message } }
}`;
const POLL = `query P($id: ID!) { node(id: $id) { ... on BulkOperation { id status url objectCount rootObjectCount errorCode completedAt } } }`;

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

test('a bulk query runs over all 3,000 items: CREATED, RUNNING, then COMPLETED with a JSONL file of every item and its level', async () => {
  const run = await call(RUN, { q: bulkLevelsQuery(emu.locationId) });
  assert.deepEqual(run.data.bulkOperationRunQuery.userErrors, []);
  const started = run.data.bulkOperationRunQuery.bulkOperation;
  assert.equal(started.status, 'CREATED');
  assert.equal(started.url, null);
  assert.equal(run.extensions.cost.actualQueryCost, 12, 'mutation 10 + bulkOperation 1 + userErrors 1; the inner query is not priced');

  clock.advance(2_000);
  const running = (await gql(emu, POLL, { id: started.id })).data.node;
  assert.equal(running.status, 'RUNNING');
  assert.equal(running.url, null);
  const listed = (await gql(emu, `{ bulkOperations(first: 5, query: "status:RUNNING") { nodes { id } } }`)).data.bulkOperations.nodes;
  assert.deepEqual(listed.map((n: { id: string }) => n.id), [started.id], 'bulkOperations filters by status');

  const polled = (await call(POLL, { id: started.id })).data.node;
  assert.equal(polled.id, started.id);
  assert.equal(polled.status, 'COMPLETED');
  assert.equal(polled.objectCount, String(N));
  assert.ok(polled.completedAt);

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
    clock.advance(60_000);
    const op = (await gql(small, POLL, { id: run.data.bulkOperationRunQuery.bulkOperation.id })).data.node;
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

test('five bulk queries run at once, a sixth is refused; unsupported queries are refused; a missing file is 404', async () => {
  clock.advance(60_000);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await gql(emu, RUN, { q: bulkLevelsQuery(emu.locationId) });
    assert.deepEqual(r.data.bulkOperationRunQuery.userErrors, [], `operation ${i + 1} of 5 starts`);
    ids.push(r.data.bulkOperationRunQuery.bulkOperation.id);
  }
  const sixth = await gql(emu, RUN, { q: bulkLevelsQuery(emu.locationId) });
  assert.equal(sixth.data.bulkOperationRunQuery.bulkOperation, null);
  assert.equal(sixth.data.bulkOperationRunQuery.userErrors[0].code, 'LIMIT_REACHED');
  assert.equal((await fetch(`${emu.url}/_bulk/${ids[0]!.split('/').pop()}.jsonl`)).status, 404, 'no file before completion');
  clock.advance(60_000);
  for (const id of ids) assert.equal((await gql(emu, POLL, { id })).data.node.status, 'COMPLETED');
  assert.equal((await gql(emu, RUN, { q: bulkLevelsQuery(emu.locationId) })).data.bulkOperationRunQuery.userErrors.length, 0, 'room again once they finished');
  clock.advance(60_000);

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
  assert.ok(countCalls('node') >= 1, 'polled by its own id');
  assert.equal(countCalls('currentBulkOperation'), 0, 'never the deprecated currentBulkOperation');
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

test('bulk failures fall back to paging: refused (five other bulk queries keep running) and an unreadable file', async () => {
  const paged = byId(await connector({ bulkThreshold: 1_000_000 }).readLevels());
  const reasons: string[] = [];

  emu.control.setKnobs({ bulkDurationMs: 3_600_000 });
  clock.advance(60_000);
  for (let i = 0; i < 5; i++) {
    const busy = await gql(emu, RUN, { q: '{ locations { edges { node { id } } } }' });
    assert.equal(busy.data.bulkOperationRunQuery.bulkOperation.status, 'CREATED');
  }
  const refused = await connector({ bulkThreshold: 100 }, { onBulkFailure: (r) => reasons.push(r), bulk: { maxStartAttempts: 2, pollIntervalMs: 1_000 } }).readLevels();
  assert.deepEqual(byId(refused), paged);
  assert.match(reasons[0] ?? '', /LIMIT_REACHED/);
  emu.control.setKnobs({ bulkDurationMs: 5_000 });
  clock.advance(3_600_000);

  const brokenFile: typeof fetch = async (input, init) =>
    String(input).includes('/_bulk/') ? new Response('oops', { status: 503 }) : fetch(input, init);
  emu.control.clearRequests();
  const viaPaging = await connector({ bulkThreshold: 100 }, { fetch: brokenFile, onBulkFailure: (r) => reasons.push(r) }).readLevels();
  assert.equal(countCalls('bulkOperationRunQuery'), 1, 'the bulk path was tried');
  assert.deepEqual(byId(viaPaging), paged);
  assert.match(reasons[1] ?? '', /503/);
});

test('five readers run their bulk queries at once, each polling its own operation by id', async () => {
  const paged = byId(await connector({ bulkThreshold: 1_000_000 }).readLevels());
  clock.advance(60_000);
  emu.control.clearRequests();
  const readers = Array.from({ length: 5 }, () => connector({ bulkThreshold: 100 }));
  const results = await Promise.all(readers.map((r) => r.readLevels()));
  for (const res of results) assert.deepEqual(byId(res), paged);
  const runs = emu.control.requests().filter((r) => r.rootFields.includes('bulkOperationRunQuery') && !r.throttled);
  assert.equal(runs.length, 5, 'five starts, none refused and retried');
  assert.ok(runs.every((r) => r.errors.length === 0));
  assert.equal(countCalls('currentBulkOperation'), 0);
});

test('bulkThreshold must be a positive integer', () => {
  assert.throws(() => connector({ bulkThreshold: 0 }), /bulkThreshold/);
  assert.throws(() => connector({ bulkThreshold: 'many' }), /bulkThreshold/);
});
