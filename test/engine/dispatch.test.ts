import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const skus = (n: number) => Array.from({ length: n }, (_, i) => `K${String(i).padStart(4, '0')}`);

for (const v of variants) {
  test(`dispatcher: batching, coalescing, acknowledged only, drift, backoff, circuit, recovery (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { circuitAfter: 3, unhealthyAfter: 5, backoffBaseMs: 1000, backoffCapMs: 8000, unhealthyRetryMs: 60_000 });
      const store = await addStore(db, sup, await addRetailer(db, sup), { config: { maxBatch: 100 } });
      const list = skus(250);
      await addListings(db, sup, store, list);
      const conn = testConnector(store);
      const set = (sku: string, q: number, id = evId()) => ({ id, sku, location: 'main', kind: 'set' as const, quantity: q, occurredAt: at(clock) });

      // Batching: 250 dirty rows go out as 100 + 100 + 50.
      await engine.ingestEvents(sup, list.map((s) => set(s, 5)));
      assert.equal((await engine.storeSync(store)).queueDepth, 250);
      assert.equal(await engine.dispatchOnce(), 250);
      assert.deepEqual(conn.batches.map((b) => b.length), [100, 100, 50]);
      assert.ok(conn.batches[0]!.every((i) => i.lastConfirmed === null && i.quantity === 5));

      // Coalescing: ten changes to one SKU before a push are one write of the newest value.
      conn.batches.length = 0;
      for (let q = 1; q <= 10; q++) { clock.advance(10); await engine.ingestEvents(sup, [set('K0001', q)]); }
      await engine.dispatchOnce();
      assert.deepEqual(conn.batches.map((b) => b.map((i) => [i.sku, i.quantity, i.lastConfirmed])), [[['K0001', 10, 5]]]);

      // Confirm only what was acknowledged: one item fails, the other is confirmed; the failed one stays dirty.
      conn.batches.length = 0;
      conn.failItems.add('ext-K0002');
      await engine.ingestEvents(sup, [set('K0002', 9), set('K0003', 9)]);
      await engine.dispatchOnce();
      let sync = await engine.storeSync(store);
      assert.equal(sync.queueDepth, 1);
      assert.equal(sync.failures, 0, 'a partial failure is not a store failure');
      assert.equal(conn.levels.get('ext-K0003'), 9);
      conn.failItems.clear();
      assert.equal(await engine.dispatchOnce(), 0, 'the failed item waits for its retry time');
      clock.advance(1000);
      assert.equal(await engine.dispatchOnce(), 1);
      assert.equal(conn.levels.get('ext-K0002'), 9);

      // A newer desired arriving while a push is in flight stays dirty and goes out next.
      conn.batches.length = 0;
      await engine.ingestEvents(sup, [set('K0004', 20)]);
      const open = conn.stall();
      const running = engine.dispatchOnce();
      await conn.whenPushing();
      await engine.ingestEvents(sup, [set('K0004', 21)]);
      open();
      await running;
      assert.deepEqual(conn.batches.map((b) => b[0]!.quantity), [20, 21]);
      assert.equal(conn.levels.get('ext-K0004'), 21);
      assert.equal((await engine.storeSync(store)).queueDepth, 0);

      // Stale compare: the store really shows 3; drift is recorded and our number pushed again.
      conn.driftOnce.set('ext-K0005', 3);
      await engine.ingestEvents(sup, [set('K0005', 8)]);
      await engine.dispatchOnce();
      clock.advance(1000);
      await engine.dispatchOnce();
      assert.equal(conn.levels.get('ext-K0005'), 8);
      const drift = await db.query<{ expected: number; actual: number; source: string }>(`select expected, actual, source from drift where store_id = $1`, [store]);
      assert.deepEqual(drift, [{ expected: 5, actual: 3, source: 'push_stale' }]);
      const last = conn.batches[conn.batches.length - 1]!;
      assert.equal(last[0]!.lastConfirmed, 3, 'the next push compares against what the store really showed');

      // Failures: backoff grows, the circuit opens after 3, unhealthy after 5, retried forever slowly; recovery resets.
      conn.failCalls = Infinity;
      await engine.ingestEvents(sup, [set('K0006', 1)]);
      const gaps: number[] = [];
      for (let i = 0; i < 6; i++) {
        await engine.dispatchOnce();
        const s = await engine.storeSync(store);
        gaps.push(Date.parse(s.nextAttemptAt!) - clock.now());
        clock.t = Date.parse(s.nextAttemptAt!) + 1;
      }
      sync = await engine.storeSync(store);
      assert.equal(sync.failures, 6);
      assert.equal(sync.health, 'unhealthy');
      assert.ok(gaps[0]! >= 500 && gaps[0]! <= 1000, `first backoff ${gaps[0]}`);
      assert.ok(gaps[1]! >= 1000 && gaps[1]! <= 2000, `second backoff ${gaps[1]}`);
      assert.equal(gaps[2], 8000, 'circuit open for the cap');
      assert.ok(gaps[5]! >= 30_000 && gaps[5]! <= 60_000, `unhealthy pace ${gaps[5]}`);
      assert.match(sync.lastError ?? '', /test failure/);
      conn.failCalls = 0;
      await engine.dispatchOnce();
      sync = await engine.storeSync(store);
      assert.deepEqual([sync.health, sync.failures, sync.queueDepth, sync.circuitOpenUntil], ['healthy', 0, 0, null]);

      // Rate limit and Retry-After are honoured.
      conn.rateWaitMs = 2000;
      await engine.ingestEvents(sup, [set('K0007', 2)]);
      const pushesBefore = conn.batches.length;
      await engine.dispatchOnce();
      assert.equal(conn.batches.length, pushesBefore, 'no call while the store asks to wait');
      conn.rateWaitMs = 0;
      clock.advance(2000);
      conn.retryAfterMs = 5000;
      await engine.dispatchOnce();
      conn.retryAfterMs = undefined;
      await engine.ingestEvents(sup, [set('K0008', 2)]);
      assert.equal(await engine.dispatchOnce(), 0);
      clock.advance(5000);
      assert.equal(await engine.dispatchOnce(), 1);

      // Lag and push log are recorded.
      const logRows = await db.query<{ n: number }>(`select count(*)::int as n from push_log where store_id = $1`, [store]);
      assert.ok(logRows[0]!.n > 5);
      assert.notEqual((await engine.storeSync(store)).lagP50Ms, null);

      // Paused stores are not pushed.
      await db.query(`update stores set paused = true where id = $1`, [store]);
      await engine.ingestEvents(sup, [set('K0009', 3)]);
      assert.equal(await engine.dispatchOnce(), 0);
    } finally {
      await close();
    }
  });

  test(`reconciliation and level webhooks repair drift, never the pool (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock);
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['R1', 'R2']);
      const conn = testConnector(store);
      await engine.ingestEvents(sup, ['R1', 'R2'].map((s) => ({ id: evId(), sku: s, location: 'main', kind: 'set' as const, quantity: 10, occurredAt: at(clock) })));
      await engine.dispatchOnce();
      // The retailer edits R1 by hand; a webhook reports it: drift recorded, pool untouched, our number pushed back.
      conn.levels.set('ext-R1', 99);
      assert.deepEqual(await engine.receiveLevel(store, 'ext-R1', 99), { drift: true });
      assert.equal((await engine.getSku(sup, 'R1')).quantities.onHand, 10);
      await engine.dispatchOnce();
      assert.equal(conn.levels.get('ext-R1'), 10);
      // The echo of our own push is not drift.
      assert.deepEqual(await engine.receiveLevel(store, 'ext-R1', 10), { drift: false });

      // Reconcile: a level changed silently and an order whose webhook never came.
      conn.levels.set('ext-R2', 4);
      conn.orders.push({ platformOrderId: 'P-1', createdAt: at(clock), status: 'open', lines: [{ sku: 'R2', quantity: 3 }] });
      const rec = await engine.reconcileStore(store);
      assert.deepEqual(rec, { storeId: store, levelsRead: 2, drift: 1, ordersFound: 1, ordersNew: 1 });
      const again = await engine.reconcileStore(store);
      assert.equal(again.ordersNew, 0, 'the cursor moved on');
      assert.equal((await engine.getSku(sup, 'R2')).quantities.committed, 3);
      await engine.dispatchOnce();
      assert.equal(conn.levels.get('ext-R2'), 7);
      const sync = await engine.storeSync(store);
      assert.equal(sync.ordersByPoll, 1);
      assert.equal(sync.reconcileIntervalSeconds, 60, 'missed webhooks: poll every minute');
    } finally {
      await close();
    }
  });
}
