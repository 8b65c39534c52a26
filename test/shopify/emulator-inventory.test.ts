/** inventorySetQuantities under the 2026-04 rules, against the in-process emulator. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { gql, itemGid, SET } from './helpers.ts';

let emu: ShopifyEmulator;
before(async () => {
  emu = await startShopifyEmulator({
    catalog: Array.from({ length: 300 }, (_, i) => ({ sku: `SKU-${String(i + 1).padStart(5, '0')}`, available: 10 })),
    plan: 'plus',
  });
});
after(() => emu.close());

const entry = (sku: string, quantity: number, changeFromQuantity?: number | null) => ({
  inventoryItemId: itemGid(emu, sku),
  locationId: emu.locationId,
  quantity,
  ...(changeFromQuantity !== undefined ? { changeFromQuantity } : {}),
});
const input = (quantities: unknown[]) => ({ name: 'available', reason: 'correction', quantities });

test('a correct compare writes and reports the change', async () => {
  const r = await gql(emu, SET, { key: 'k-ok', input: input([entry('SKU-00001', 7, 10), entry('SKU-00002', 3, null)]) });
  assert.deepEqual(r.data.inventorySetQuantities.userErrors, []);
  assert.equal(r.data.inventorySetQuantities.inventoryAdjustmentGroup.changes[0].delta, -3);
  assert.equal(emu.control.available('SKU-00001'), 7);
  assert.equal(emu.control.available('SKU-00002'), 3);
});

test('leaving out changeFromQuantity is rejected and writes nothing', async () => {
  const r = await gql(emu, SET, { key: 'k-missing', input: input([entry('SKU-00003', 1, 10), entry('SKU-00004', 1)]) });
  assert.equal(r.data.inventorySetQuantities, null);
  assert.match(r.errors![0]!.message, /changeFromQuantity is required/);
  assert.equal(emu.control.available('SKU-00003'), 10);
});

test('compareQuantity (removed in 2026-04) is rejected: the 2026-10 schema has no such field', async () => {
  const r = await gql(emu, SET, { key: 'k-cmp', input: input([{ ...entry('SKU-00003', 1, null), compareQuantity: 10 }]) });
  assert.match(r.errors![0]!.message, /Field "compareQuantity" is not defined by type "InventoryQuantityInput"/);
});

test('the 2026-01 API still accepts entries without changeFromQuantity', async () => {
  const r = await gql(emu, SET, { key: 'k-old', input: input([entry('SKU-00010', 4)]) }, '2026-01');
  assert.deepEqual(r.data.inventorySetQuantities.userErrors, []);
  assert.equal(emu.control.available('SKU-00010'), 4);
});

test('a stale compare gives CHANGE_FROM_QUANTITY_STALE and nothing in the call is written', async () => {
  const r = await gql(emu, SET, { key: 'k-stale', input: input([entry('SKU-00005', 8, 10), entry('SKU-00006', 8, 9)]) });
  const errs = r.data.inventorySetQuantities.userErrors;
  assert.equal(r.data.inventorySetQuantities.inventoryAdjustmentGroup, null);
  assert.deepEqual(errs.map((e: any) => e.code), ['CHANGE_FROM_QUANTITY_STALE']);
  assert.deepEqual(errs[0].field, ['input', 'quantities', '1', 'changeFromQuantity']);
  assert.equal(emu.control.available('SKU-00005'), 10, 'the valid entry was not written either');
  assert.equal(emu.control.available('SKU-00006'), 10);
});

test('@idempotent is required, and a reused key returns the first result without writing again', async () => {
  const noKey = await gql(emu, `mutation S($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }`, {
    input: input([entry('SKU-00007', 5, 10)]),
  });
  assert.match(noKey.errors![0]!.message, /@idempotent directive is required/);
  assert.equal(emu.control.available('SKU-00007'), 10);

  const first = await gql(emu, SET, { key: 'k-idem', input: input([entry('SKU-00007', 5, 10)]) });
  emu.control.setLevel({ sku: 'SKU-00007', available: 9 }); // someone changes it in between
  const replay = await gql(emu, SET, { key: 'k-idem', input: input([entry('SKU-00007', 5, 10)]) });
  assert.deepEqual(replay.data, first.data, 'same answer as the first time');
  assert.equal(emu.control.available('SKU-00007'), 9, 'not written again');
  const other = await gql(emu, SET, { key: 'k-idem', input: input([entry('SKU-00007', 6, 9)]) });
  assert.equal(other.data.inventorySetQuantities.userErrors[0].code, 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH');
});

test('250 entries are accepted, 251 are rejected', async () => {
  const skus = Array.from({ length: 251 }, (_, i) => `SKU-${String(i + 20).padStart(5, '0')}`);
  const over = await gql(emu, SET, { key: 'k-251', input: input(skus.map((s) => entry(s, 2, null))) });
  assert.equal(over.errors![0]!.extensions!.code, 'MAX_INPUT_SIZE_EXCEEDED');
  assert.equal(emu.control.available(skus[0]!), 10);
  const ok = await gql(emu, SET, { key: 'k-250', input: input(skus.slice(0, 250).map((s) => entry(s, 2, null))) });
  assert.deepEqual(ok.data.inventorySetQuantities.userErrors, []);
  assert.equal(emu.control.available(skus[249]!), 2);
});

test('duplicate pairs, bounds, unknown item and location, bad reason and name are user errors with codes', async () => {
  const r = await gql(emu, SET, {
    key: 'k-bad',
    input: {
      name: 'available',
      reason: 'because',
      quantities: [
        entry('SKU-00300', 1, null),
        entry('SKU-00300', 2, null),
        entry('SKU-00299', -1, null),
        entry('SKU-00298', 1_000_000_001, null),
        { inventoryItemId: 'gid://shopify/InventoryItem/999999', locationId: emu.locationId, quantity: 1, changeFromQuantity: null },
        { inventoryItemId: itemGid(emu, 'SKU-00297'), locationId: 'gid://shopify/Location/999999', quantity: 1, changeFromQuantity: null },
      ],
    },
  });
  const codes = r.data.inventorySetQuantities.userErrors.map((e: any) => e.code).sort();
  assert.deepEqual(codes, [
    'INVALID_INVENTORY_ITEM', 'INVALID_LOCATION', 'INVALID_QUANTITY_NEGATIVE', 'INVALID_QUANTITY_TOO_HIGH', 'INVALID_REASON',
    'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
  ]);
  const low = await gql(emu, SET, { key: 'k-low', input: { name: 'on_hand', reason: 'correction', quantities: [entry('SKU-00296', -1_000_000_001, null)] } });
  assert.equal(low.data.inventorySetQuantities.userErrors[0].code, 'INVALID_QUANTITY_TOO_LOW');
  const name = await gql(emu, SET, { key: 'k-name', input: { name: 'committed', reason: 'correction', quantities: [entry('SKU-00296', 1, null)] } });
  assert.equal(name.data.inventorySetQuantities.userErrors[0].code, 'INVALID_NAME');
  assert.equal(emu.control.available('SKU-00300'), 10);
});

test('a document the real API would reject is rejected with validation errors', async () => {
  const r = await gql(emu, `mutation { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: [{inventoryItemId: "x", locationId: "y"}]}) { userErrors { code } } }`);
  assert.equal(r.data, undefined);
  assert.match(r.errors![0]!.message, /quantity/);
  assert.equal(r.extensions.cost.requestedQueryCost, 0);
});

test('requests without the access token get 401', async () => {
  const res = await fetch(`${emu.url}/admin/api/2026-10/graphql.json`, { method: 'POST', body: '{"query":"{ shop { name } }"}', headers: { 'content-type': 'application/json' } });
  assert.equal(res.status, 401);
  await res.text();
});
