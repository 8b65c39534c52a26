import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

// A stale compare is how a retailer's own sale usually shows up before its webhook: normal operation, so the
// engine pushes again at once and the store keeps a clean record; only repeated drift waits.
for (const v of variants) {
  test(`drift is pushed again at once, is no store failure, and its lag starts when it is found (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { backoffBaseMs: 1000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['D1', 'D2']);
      const conn = testConnector(store);
      const set = (sku: string, q: number) => ({ id: evId(), sku, location: 'main', kind: 'set' as const, quantity: q, occurredAt: at(clock) });

      await engine.ingestEvents(sup, [set('D1', 10), set('D2', 10)]);
      await engine.dispatchOnce();
      assert.equal(conn.levels.get('ext-D1'), 10);

      // The store sold 2 of D1 on its own; our next change meets a stale compare.
      conn.driftOnce.set('ext-D1', 8);
      await engine.ingestEvents(sup, [set('D1', 12)]);
      await engine.dispatchOnce();
      assert.equal(conn.levels.get('ext-D1'), 12, 'pushed again in the same dispatch, without waiting for a retry time');
      let sync = await engine.storeSync(store);
      assert.equal(sync.failures, 0);
      assert.equal(sync.health, 'healthy');
      assert.equal(sync.queueDepth, 0);

      // Drift on a row that was in sync (a hand edit reported by webhook) counts its lag from when it was found.
      clock.advance(3_600_000);
      assert.deepEqual(await engine.receiveLevel(store, 'ext-D2', 4), { drift: true });
      const found = clock.now();
      clock.advance(20);
      await engine.dispatchOnce();
      assert.equal(conn.levels.get('ext-D2'), 10);
      // Lags are kept as histograms per minute (buckets 5% wide): read back within 2.5%.
      const near = (got: number | null, want: number) => got !== null && Math.abs(got - want) <= want * 0.025;
      const p99 = (await engine.storeSync(store, { sinceMs: found })).lagP99Ms;
      assert.ok(near(p99, 20), `lag from the drift report, not from the hour-old desired change (${p99})`);
      // The sync view can leave out what came before a moment (say, an initial full sync), to the minute.
      clock.advance(60_000);
      const mark = clock.now();
      await engine.ingestEvents(sup, [set('D2', 11)]);
      clock.advance(5);
      await engine.dispatchOnce();
      assert.equal((await engine.storeSync(store)).lagP99Ms! > 5, true, 'the last hour holds the 20 ms push too');
      const recent = (await engine.storeSync(store, { sinceMs: mark })).lagP99Ms;
      assert.ok(near(recent, 5), `only the 5 ms push since the mark (${recent})`);

      // The same listing drifting again within one lease waits the base delay instead of hammering the store.
      conn.driftOnce.set('ext-D1', 7);
      await engine.ingestEvents(sup, [set('D1', 13)]);
      conn.driftOnce.set('ext-D1', 6);
      const pushesBefore = conn.batches.length;
      await engine.dispatchOnce();
      assert.equal(conn.batches.length - pushesBefore, 2, 'first push stale, retry stale again, then it waits');
      sync = await engine.storeSync(store);
      assert.equal(sync.failures, 0, 'drift is never a store failure');
      clock.advance(1000);
      await engine.dispatchOnce();
      assert.equal(conn.levels.get('ext-D1'), 13);
    } finally {
      await close();
    }
  });
}
