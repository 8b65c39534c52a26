import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { createEngine, engineMetrics } from '../../src/engine/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, setRule, SKIP_SERVER, variants, waitFor } from './helpers.ts';

for (const v of variants) {
  test(`an expired lease is taken over; the stale owner cannot release it (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const leaseMs = 300;
      const { engine: a, supplierId: sup } = await newEngine(db, clock, { processId: 'A', leaseMs, pushTimeoutMs: 60_000 });
      const b = createEngine({ db, clock, processId: 'B', reconcile: false, leaseMs });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['L1']);
      const conn = testConnector(store);
      await a.ingestEvents(sup, [{ id: evId(), sku: 'L1', location: 'main', kind: 'set', quantity: 9, occurredAt: at(clock) }]);

      const open = conn.stall();
      const stuck = a.dispatchOnce();
      await conn.whenPushing();
      assert.equal(await b.dispatchOnce(), 0, 'B cannot take a store A holds');
      // A runs no heartbeat (no start()): one lease later by the database's clock, A looks dead.
      await waitFor(async () => (await db.query(`select 1 from stores where id = $1 and lease_until < clock_timestamp()`, [store])).length === 1, "A's lease to expire");
      await a.ingestEvents(sup, [{ id: evId(), sku: 'L1', location: 'main', kind: 'set', quantity: 4, occurredAt: at(clock) }]);
      const fencedBefore = (await engineMetrics.fencedConfirmations.get()).values[0]?.value ?? 0;
      const taken = b.dispatchOnce();
      await waitFor(() => conn.inflight === 2, 'B to push while A still waits for its answer');
      const owner = await db.query<{ lease_owner: string }>(`select lease_owner from stores where id = $1`, [store]);
      assert.equal(owner[0]!.lease_owner, 'B', 'B took the store over');
      open();
      await Promise.all([stuck, taken]);
      assert.equal(conn.levels.get('ext-L1'), 4);
      assert.ok(((await engineMetrics.fencedConfirmations.get()).values[0]?.value ?? 0) > fencedBefore, "A's late confirmation was fenced out");
      const rows = await db.query<{ lease_owner: string | null; confirmed: number }>(`select s.lease_owner, d.confirmed from stores s join desired d on d.store_id = s.id where s.id = $1`, [store]);
      assert.deepEqual([rows[0]!.lease_owner, rows[0]!.confirmed], [null, 4], 'B confirmed and released; A confirmed nothing');
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
