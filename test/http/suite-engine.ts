/**
 * Route tests through the real engine: stock event batches, the seed's hybrid example end to end, orders,
 * holds and conflicts. Run on PGlite (engine.test.ts) and the Postgres server (postgres.test.ts).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { TestCtx } from './helpers.ts';

export function engineSuite(name: string, make: () => Promise<TestCtx | null>): void {
  describe(name, () => {
    let t: TestCtx;
    let skip = false;
    before(async () => {
      const ctx = await make();
      if (!ctx) { skip = true; return; }
      t = ctx;
    });
    after(async () => { if (t) await t.close(); });
    const at = (min: number) => new Date(Date.parse('2026-11-26T11:00:00Z') + min * 60_000).toISOString();

    test('stock events: a result per event, invalid ones name the field, the rest are applied', async (c) => {
      if (skip) return c.skip('database unreachable');
      const events = [
        { id: 'e1', sku: 'EV-1', location: 'main', kind: 'set', quantity: 40, occurredAt: at(0) },
        { id: 'e2', sku: 'EV-1', location: 'main', kind: 'set', occurredAt: at(1) },
        { id: 'e3', sku: 'EV-1', location: 'main', kind: 'adjust', delta: -3, occurredAt: at(2), reason: 'sale' },
        { id: 'e4', sku: 'EV-1', location: 'main', kind: 'explode', quantity: 1, occurredAt: at(3) },
        'not an event',
        { id: 'e1', sku: 'EV-1', location: 'main', kind: 'set', quantity: 40, occurredAt: at(0) },
      ];
      const r = await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events } });
      assert.equal(r.statusCode, 200, r.body);
      const out = r.json();
      assert.deepEqual(out.results.map((x: { status: string }) => x.status), ['applied', 'invalid', 'applied', 'invalid', 'invalid', 'duplicate']);
      assert.match(out.results[1].reason, /events\[1\]\.quantity/);
      assert.match(out.results[3].reason, /events\[3\]\.kind/);
      assert.match(out.results[4].reason, /events\[4\]/);
      assert.equal(out.applied, 2);
      assert.deepEqual(out.createdSkus, ['EV-1'], 'unknown SKUs are created (unlisted) and reported');
      const sku = await t.req({ method: 'GET', url: '/v1/skus/EV-1' });
      assert.equal(sku.statusCode, 200, sku.body);
      assert.equal(sku.json().quantities.onHand, 37);
      assert.equal(sku.json().listed, false);
      assert.ok(sku.json().ledger.length >= 2);
      // Sent again: acknowledged, nothing changes.
      const again = await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events: [events[0]] } });
      assert.equal(again.json().results[0].status, 'duplicate');
      assert.equal((await t.req({ method: 'GET', url: '/v1/skus/EV-1' })).json().quantities.onHand, 37);
    });

    test('1,001 events are refused whole, naming events; 1,000 are accepted', async (c) => {
      if (skip) return c.skip('database unreachable');
      const ev = (i: number) => ({ id: `big-${i}`, sku: `BIG-${i % 7}`, location: 'main', kind: 'adjust', delta: 1, occurredAt: at(10) });
      const tooMany = await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events: Array.from({ length: 1001 }, (_, i) => ev(i)) } });
      assert.equal(tooMany.statusCode, 400);
      assert.equal(tooMany.json().error.field, 'events');
      assert.equal((await t.req({ method: 'GET', url: '/v1/skus/BIG-0' })).statusCode, 404, 'nothing applied');
      const ok = await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events: Array.from({ length: 1000 }, (_, i) => ev(i)) } });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.json().applied, 1000);
    });

    test("the seed's hybrid example through the API: 500 on hand, 200 own reserve -> 180/150/100/80/80", async (c) => {
      if (skip) return c.skip('database unreachable');
      const sku = 'SEED-1';
      assert.equal((await t.req({ method: 'POST', url: '/v1/skus', payload: { sku, name: 'Seed tee', category: 'seed' } })).statusCode, 201);
      const rules = await t.req({ method: 'PUT', url: `/v1/rules/sku/${sku}`, payload: { ownReserve: { units: 200 }, strategy: 'hybrid' } });
      assert.equal(rules.statusCode, 200, rules.body);
      const spec: [string, number, number][] = [['A', 80, 200], ['B', 50, 150], ['C', 30, 100], ['D', 20, 80], ['E', 20, 80]];
      const ids: Record<string, string> = {};
      for (const [name, floor, ceiling] of spec) {
        const r = await t.req({ method: 'POST', url: '/v1/retailers', payload: { id: `seed-${name}`, name: `Retailer ${name}` } });
        assert.equal(r.statusCode, 201, r.body);
        ids[name] = r.json().id;
        const rr = await t.req({ method: 'PUT', url: `/v1/retailers/${ids[name]}/rules/sku/${sku}`, payload: { floor, ceiling } });
        assert.equal(rr.statusCode, 200, rr.body);
        const s = await t.req({ method: 'POST', url: '/v1/stores', payload: { retailerId: ids[name], platform: 'test', name: `Shop ${name}` } });
        assert.equal(s.statusCode, 201, s.body);
        const l = await t.req({ method: 'POST', url: '/v1/listings', payload: { storeId: s.json().id, sku, externalId: `item-${name}` } });
        assert.equal(l.statusCode, 201, l.body);
      }
      const ev = await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events: [{ id: 'seed-count', sku, location: 'main', kind: 'set', quantity: 500, occurredAt: at(20) }] } });
      assert.equal(ev.json().results[0].status, 'applied');

      const view = (await t.req({ method: 'GET', url: `/v1/skus/${sku}` })).json();
      assert.equal(view.quantities.onHand, 500);
      assert.equal(view.quantities.atp, 500);
      assert.equal(view.quantities.ownReserve, 200);
      assert.equal(view.quantities.pool, 300);
      assert.equal(view.strategy, 'hybrid');
      const byRetailer = Object.fromEntries(view.stores.map((s: { retailerId: string; desired: number; shown: number }) => [s.retailerId, [s.shown, s.desired]]));
      assert.deepEqual(spec.map(([n]) => byRetailer[ids[n]!]), [[180, 180], [150, 150], [100, 100], [80, 80], [80, 80]]);
      assert.deepEqual(spec.map(([n]) => view.quantities.shown[ids[n]!]), [180, 150, 100, 80, 80]);

      // A retailer token sees its own allocation only.
      const tok = (await t.req({ method: 'POST', url: `/v1/retailers/${ids.A}/tokens`, payload: {} })).json().key;
      const mine = await t.req({ method: 'GET', url: `/v1/retailers/${ids.A}/allocations`, key: tok });
      assert.deepEqual(mine.json().map((a: { sku: string; desired: number }) => [a.sku, a.desired]), [[sku, 180]]);
      assert.equal((await t.req({ method: 'GET', url: `/v1/retailers/${ids.B}/allocations`, key: tok })).statusCode, 404);
      assert.equal((await t.req({ method: 'GET', url: `/v1/skus/${sku}`, key: tok })).statusCode, 403);

      // A rule change recomputes: own reserve 300 leaves pool 200 = sum of floors.
      await t.req({ method: 'PUT', url: `/v1/rules/sku/${sku}`, payload: { ownReserve: { units: 300 } } });
      const after = (await t.req({ method: 'GET', url: `/v1/skus/${sku}` })).json();
      assert.deepEqual(spec.map(([n]) => after.quantities.shown[ids[n]!]), [80, 50, 30, 20, 20]);

      const storeId = after.stores[0].storeId;
      const sync = await t.req({ method: 'GET', url: `/v1/stores/${storeId}/sync` });
      assert.equal(sync.statusCode, 200, sync.body);
      assert.equal(sync.json().queueDepth, 1, 'one dirty listing waiting for its first push');
      const since = await t.req({ method: 'GET', url: `/v1/stores/${storeId}/sync?since=${encodeURIComponent(new Date().toISOString())}` });
      assert.equal(since.statusCode, 200, since.body);
      assert.equal(since.json().lagP50Ms, null, 'no push since that moment');
      const bad = await t.req({ method: 'GET', url: `/v1/stores/${storeId}/sync?since=yesterday` });
      assert.equal(bad.statusCode, 400);
      assert.match(bad.body, /since/);
    });

    test('orders, holds and conflicts through the API', async (c) => {
      if (skip) return c.skip('database unreachable');
      const sku = 'ORD-1';
      await t.req({ method: 'POST', url: '/v1/skus', payload: { sku } });
      const r = (await t.req({ method: 'POST', url: '/v1/retailers', payload: { name: 'Orders R', conflictAction: 'notify', oversellCost: 25 } })).json();
      const s = (await t.req({ method: 'POST', url: '/v1/stores', payload: { retailerId: r.id, platform: 'test', name: 'Orders shop' } })).json();
      await t.req({ method: 'POST', url: '/v1/listings', payload: { storeId: s.id, sku, externalId: 'ord-item' } });
      await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events: [{ id: 'ord-set', sku, location: 'main', kind: 'set', quantity: 5, occurredAt: at(30) }] } });

      const hold = await t.req({ method: 'POST', url: '/v1/holds', payload: { sku, quantity: 2, storeId: s.id, ttl: '10m' } });
      assert.equal(hold.statusCode, 201, hold.body);
      assert.equal(hold.json().status, 'active');
      assert.equal((await t.req({ method: 'GET', url: `/v1/skus/${sku}` })).json().quantities.held, 2);
      const badTtl = await t.req({ method: 'POST', url: '/v1/holds', payload: { sku, quantity: 1, ttl: '2h' } });
      assert.equal(badTtl.statusCode, 400);
      assert.equal(badTtl.json().error.field, 'ttl');

      const o1 = await t.req({ method: 'POST', url: '/v1/orders', payload: { storeId: s.id, platformOrderId: '1001', lines: [{ sku, quantity: 2 }] } });
      assert.equal(o1.statusCode, 201, o1.body);
      assert.equal(o1.json().status, 'accepted');
      const dup = await t.req({ method: 'POST', url: '/v1/orders', payload: { storeId: s.id, platformOrderId: '1001', lines: [{ sku, quantity: 2 }] } });
      assert.equal(dup.statusCode, 200);
      assert.equal(dup.json().duplicate, true);

      const conv = await t.req({ method: 'POST', url: `/v1/holds/${hold.json().id}/convert`, payload: { platformOrderId: '1002' } });
      assert.equal(conv.statusCode, 201, conv.body);
      assert.equal((await t.req({ method: 'GET', url: `/v1/holds/${hold.json().id}` })).json().status, 'converted');
      let q = (await t.req({ method: 'GET', url: `/v1/skus/${sku}` })).json().quantities;
      assert.deepEqual([q.committed, q.held, q.atp], [4, 0, 1]);

      // 3 wanted, 1 left: the short units are a conflict with the retailer's configured cost.
      const o3 = await t.req({ method: 'POST', url: '/v1/orders', payload: { storeId: s.id, platformOrderId: '1003', email: 'c@example.com', lines: [{ sku, quantity: 3 }] } });
      assert.equal(o3.json().status, 'partial', o3.body);
      assert.equal(o3.json().conflictIds.length, 1);
      const conflicts = (await t.req({ method: 'GET', url: '/v1/conflicts' })).json();
      assert.equal(conflicts.items[0].short, 2);
      assert.equal(conflicts.items[0].cost, 25, 'the retailer configured cost per conflict');
      assert.equal((await t.req({ method: 'GET', url: `/v1/conflicts/${o3.json().conflictIds[0]}` })).json().orderId, o3.json().orderId);

      const ful = await t.req({ method: 'POST', url: `/v1/orders/${o1.json().orderId}/fulfil` });
      assert.equal(ful.json().status, 'fulfilled', ful.body);
      const can = await t.req({ method: 'POST', url: `/v1/orders/${conv.json().orderId}/cancel` });
      assert.equal(can.json().status, 'cancelled', can.body);
      q = (await t.req({ method: 'GET', url: `/v1/skus/${sku}` })).json().quantities;
      assert.equal(q.committed, 1, 'only the partial order still commits its one accepted unit');
      assert.equal(q.onHand, 3, 'fulfilment shipped 2 units');

      const list = (await t.req({ method: 'GET', url: `/v1/orders?storeId=${s.id}` })).json();
      assert.equal(list.items.length, 3);
      const page1 = (await t.req({ method: 'GET', url: `/v1/orders?storeId=${s.id}&limit=2` })).json();
      assert.equal(page1.items.length, 2);
      assert.ok(page1.next);
      const page2 = (await t.req({ method: 'GET', url: `/v1/orders?storeId=${s.id}&limit=2&after=${encodeURIComponent(page1.next)}` })).json();
      assert.deepEqual([...page1.items, ...page2.items].map((o: { id: string }) => o.id), list.items.map((o: { id: string }) => o.id));
      assert.equal((await t.req({ method: 'GET', url: '/v1/orders?after=garbage' })).json().error.field, 'after');
      const unknownStore = await t.req({ method: 'POST', url: '/v1/orders', payload: { storeId: 'sto_nope', platformOrderId: '1', lines: [{ sku, quantity: 1 }] } });
      assert.equal(unknownStore.json().error.field, 'storeId');
      const zeroQty = await t.req({ method: 'POST', url: '/v1/orders', payload: { storeId: s.id, platformOrderId: '2', lines: [{ sku, quantity: 0 }] } });
      assert.equal(zeroQty.json().error.field, 'lines[0].quantity');
    });
  });
}
