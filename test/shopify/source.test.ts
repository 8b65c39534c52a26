/** The supplier's own Shopify store as a stock source, at the connector level against the emulator: locations,
 * every level with SKUs (paged and by bulk, the same answer), level webhooks carrying the store's time, sales and
 * hand edits at a location. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createShopifyConnector, parseLevelChange, parseShopifyWebhook } from '../../src/connectors/shopify/index.ts';
import type { Connector } from '../../src/connectors/types.ts';
import { startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { ManualClock, subscribe, webhookReceiver } from './helpers.ts';

const clock = new ManualClock();
let emu: ShopifyEmulator;
let rx: Awaited<ReturnType<typeof webhookReceiver>>;
const SKUS = Array.from({ length: 30 }, (_, i) => `SRC-${String(i + 1).padStart(3, '0')}`);

before(async () => {
  emu = await startShopifyEmulator({
    clock,
    allowHttpCallbacks: true,
    bulkDurationMs: 1_000,
    locations: ['Warehouse', 'Shop floor', { name: 'Old depot', active: false }],
    catalog: SKUS.map((sku, i) => ({ sku, levels: { Warehouse: i, 'Shop floor': 100 + i, 'Old depot': 7 } })),
  });
  rx = await webhookReceiver();
  await subscribe(emu, ['INVENTORY_LEVELS_UPDATE'], rx.url);
});
after(async () => {
  await emu.close();
  await rx.close();
});

function source(bulkThreshold?: number): Connector {
  return createShopifyConnector(
    {
      storeId: 'src1', supplierId: 'sup1', platform: 'shopify',
      config: { shopDomain: emu.shopDomain, baseUrl: emu.url, role: 'source', ...(bulkThreshold ? { bulkThreshold } : {}) },
      credentials: { accessToken: emu.accessToken },
    },
    { clock, sleep: clock.sleep, bulk: { pollIntervalMs: 500 } },
  );
}

const loc = (name: string) => emu.control.locations().find((l) => l.name === name)!.id;
const expected = (locations: string[]) =>
  emu.control.levels().filter((r) => locations.includes(r.locationId)).map((r) => [r.inventoryItemId, r.sku, r.locationId, r.available]).sort();
const got = (levels: { externalId: string; sku: string | null; externalLocationId: string; available: number }[]) =>
  levels.map((l) => [l.externalId, l.sku, l.externalLocationId, l.available]).sort();

test('listLocations: every location with its name and whether it is active; a source store needs no locationId', async () => {
  const locations = await source().listLocations!();
  assert.deepEqual(locations.map((l) => [l.name, l.active]), [['Warehouse', true], ['Shop floor', true], ['Old depot', false]]);
  assert.ok(locations.every((l) => /^gid:\/\/shopify\/Location\/\d+$/.test(l.externalId)));
  await assert.rejects(source().push([]), /no location to push to/);
});

test('readSourceLevels pages every active location: available per (item, location) with SKU and the store time', async () => {
  const before = emu.control.requests().length;
  const levels = await source().readSourceLevels!();
  const active = [loc('Warehouse'), loc('Shop floor')];
  assert.deepEqual(got(levels), expected(active));
  assert.equal(levels.length, 60);
  assert.ok(levels.every((l) => l.updatedAt === new Date(clock.now()).toISOString() || l.updatedAt !== null));
  const roots = emu.control.requests().slice(before).flatMap((r) => r.rootFields);
  assert.ok(!roots.includes('bulkOperationRunQuery'), 'a small catalogue is paged');
  // Only the locations asked for, the inactive one too when named.
  const depot = await source().readSourceLevels!({ locationIds: [loc('Old depot')] });
  assert.deepEqual(got(depot), expected([loc('Old depot')]));
});

test('from the bulk threshold the read is one bulk operation over locations and levels, and answers the same', async () => {
  const conn = source(10);
  const paged = await source().readSourceLevels!();
  const before = emu.control.requests().length;
  const first = await conn.readSourceLevels!();
  assert.deepEqual(got(first), got(paged));
  const roots = () => emu.control.requests().slice(before).flatMap((r) => r.rootFields);
  assert.equal(roots().filter((r) => r === 'bulkOperationRunQuery').length, 1, 'paged up to the threshold, then bulk');
  const mark = emu.control.requests().length;
  const second = await conn.readSourceLevels!();
  assert.deepEqual(got(second), got(paged));
  const later = emu.control.requests().slice(mark).flatMap((r) => r.rootFields);
  assert.ok(!later.includes('location'), 'the next read goes straight to bulk');
  assert.equal(later.filter((r) => r === 'bulkOperationRunQuery').length, 1);
});

test('a sale at a location lowers available there and fires inventory_levels/update with the emulator clock', async () => {
  rx.got.length = 0;
  clock.advance(60_000);
  const saleAt = new Date(clock.now()).toISOString();
  const before = emu.control.levels('SRC-005');
  emu.control.placeOrder({ lines: [{ sku: 'SRC-005', quantity: 6 }], locationId: loc('Shop floor'), email: 'own@example.com' });
  await emu.control.webhooksIdle();
  const after = emu.control.levels('SRC-005');
  const at = (rows: typeof before, id: string) => rows.find((r) => r.locationId === id)!;
  assert.equal(at(after, loc('Shop floor')).available, at(before, loc('Shop floor')).available - 6);
  assert.equal(at(after, loc('Warehouse')).available, at(before, loc('Warehouse')).available, 'other locations untouched');
  const levelHooks = rx.got.filter((g) => g.topic === 'inventory_levels/update');
  assert.equal(levelHooks.length, 1);
  const change = parseLevelChange(levelHooks[0]!.body);
  assert.deepEqual(change, {
    externalId: at(after, loc('Shop floor')).inventoryItemId,
    externalLocationId: loc('Shop floor'),
    available: at(after, loc('Shop floor')).available,
    updatedAt: saleAt,
  });
  const event = parseShopifyWebhook('inventory_levels/update', levelHooks[0]!.body);
  assert.ok(event.kind === 'level' && event.updatedAt === saleAt);
  // The reconciliation read reports the same level with the same time.
  const read = (await source().readSourceLevels!({ locationIds: [loc('Shop floor')] })).find((l) => l.sku === 'SRC-005')!;
  assert.equal(read.available, change.available);
  assert.equal(read.updatedAt, saleAt);
});

test('a level changed by hand at a location fires its webhook; later changes carry later times (stale ones are recognisable)', async () => {
  rx.got.length = 0;
  clock.advance(1_000);
  emu.control.setLevel({ sku: 'SRC-010', locationId: loc('Warehouse'), available: 42 });
  clock.advance(1_000);
  emu.control.setLevel({ sku: 'SRC-010', locationId: loc('Warehouse'), available: 40 });
  await emu.control.webhooksIdle();
  const changes = rx.got.filter((g) => g.topic === 'inventory_levels/update').map((g) => parseLevelChange(g.body));
  assert.deepEqual(changes.map((c) => [c.externalLocationId, c.available]), [[loc('Warehouse'), 42], [loc('Warehouse'), 40]]);
  const [a, b] = changes.map((c) => Date.parse(c.updatedAt!));
  assert.equal(b! - a!, 1_000);
  assert.throws(() => parseLevelChange({ inventory_item_id: 1, location_id: 2, available: 1.5 }), /available/);
});

test('an inactive location takes no sale', () => {
  assert.throws(() => emu.control.placeOrder({ lines: [{ sku: 'SRC-001', quantity: 1 }], locationId: loc('Old depot') }), /not active/);
});

test('a source store that did not grant read_locations is told so, naming the scope', async () => {
  const redirect = 'https://dropsync.example/connect/shopify/callback';
  await fetch(`${emu.url}/admin/oauth/authorize?client_id=${emu.clientId}&scope=read_inventory,read_products&redirect_uri=${encodeURIComponent(redirect)}&state=s1`);
  const code = new URL(emu.control.decideGrant().redirect).searchParams.get('code')!;
  const { exchangeCode } = await import('../../src/connectors/shopify/oauth.ts');
  const t = await exchangeCode(emu.url, { clientId: emu.clientId, clientSecret: emu.clientSecret }, code, clock.now());
  const narrow = createShopifyConnector(
    { storeId: 'src2', supplierId: 'sup1', platform: 'shopify', config: { shopDomain: emu.shopDomain, baseUrl: emu.url, role: 'source' }, credentials: { accessToken: t.accessToken } },
    { clock, sleep: clock.sleep },
  );
  await assert.rejects(narrow.listLocations!(), (err: any) => err.kind === 'unauthorized' && /read_locations/.test(err.message));
});
