import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { createEngine } from '../../src/engine/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, setRule, SKIP_SERVER, variants } from './helpers.ts';

for (const v of variants) {
  test(`an expired lease is taken over; the stale owner cannot release it (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine: a, supplierId: sup } = await newEngine(db, clock, { processId: 'A', leaseMs: 30_000, pushTimeoutMs: 60_000 });
      const b = createEngine({ db, clock, processId: 'B', reconcile: false, leaseMs: 30_000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['L1']);
      const conn = testConnector(store);
      await a.ingestEvents(sup, [{ id: evId(), sku: 'L1', location: 'main', kind: 'set', quantity: 9, occurredAt: at(clock) }]);

      const open = conn.stall();
      const stuck = a.dispatchOnce();
      await conn.whenPushing();
      assert.equal(await b.dispatchOnce(), 0, 'B cannot take a store A holds');
      clock.advance(30_001);
      // A looks dead: B takes the store over and pushes the newest value.
      await a.ingestEvents(sup, [{ id: evId(), sku: 'L1', location: 'main', kind: 'set', quantity: 4, occurredAt: at(clock) }]);
      const taken = b.dispatchOnce();
      await new Promise((r) => setTimeout(r, 50));
      open();
      await Promise.all([stuck, taken]);
      assert.equal(conn.levels.get('ext-L1'), 4);
      const rows = await db.query<{ lease_owner: string | null }>(`select lease_owner from stores where id = $1`, [store]);
      assert.equal(rows[0]!.lease_owner, null);
      const sync = await a.storeSync(store);
      assert.equal(sync.queueDepth, 0);
    } finally {
      await close();
    }
  });

  test(`proportional allocation follows measured velocity from orders (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock);
      await setRule(db, sup, 'strategy', { strategy: 'proportional' });
      const fast = await addStore(db, sup, await addRetailer(db, sup));
      const slow = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, fast, ['P']);
      await addListings(db, sup, slow, ['P']);
      await engine.ingestEvents(sup, [{ id: evId(), sku: 'P', location: 'main', kind: 'set', quantity: 1000, occurredAt: at(clock) }]);
      // 20 days of history: the fast store sells 3 a day, the slow one 1 a day.
      for (let d = 20; d >= 1; d--) {
        const placedAt = new Date(clock.now() - d * 86_400_000).toISOString();
        await engine.submitOrder(sup, fast, { platformOrderId: `f${d}`, placedAt, lines: [{ sku: 'P', quantity: 3 }] }, 'api');
        await engine.submitOrder(sup, slow, { platformOrderId: `s${d}`, placedAt, lines: [{ sku: 'P', quantity: 1 }] }, 'api');
      }
      const view = await engine.getSku(sup, 'P');
      const byStore = new Map(view.stores.map((s) => [s.storeId, s.desired]));
      assert.equal(view.quantities.pool, 920);
      assert.deepEqual([byStore.get(fast), byStore.get(slow)], [690, 230]);
      // 80 units over the 21 days from the first sale to today, inclusive.
      assert.ok(Math.abs(view.velocity - 80 / 21) < 1e-9, `all-channel velocity ${view.velocity}`);
    } finally {
      await close();
    }
  });
}
