/**
 * The engine under the faults a real deployment meets, each with a ManualClock as clock and scheduler so time
 * moves only when the test says: a listing the store rejects, webhooks that are lost, a store whose
 * reconciliation hangs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, ManualClock, newEngine, serverReachable, SKIP_SERVER, variants, waitFor } from './helpers.ts';

// One listing the store rejects for good (an unknown item) backs off by itself, shows as a listing problem, and
// costs the store nothing: its other listings keep syncing with no wait at all (the clock never moves).
for (const v of variants) {
  test(`a rejected listing backs off alone while the rest of its store syncs at once (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new ManualClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { scheduler: clock, warmMs: 1000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A', 'B', 'C']);
      const conn = testConnector(store);
      conn.rejectItems.add('ext-A');
      const set = (sku: string, q: number) => engine.ingestEvents(sup, [{ id: evId(), sku, location: 'main', kind: 'set', quantity: q, occurredAt: at(clock, q) }]);
      await engine.start();
      try {
        await engine.ingestEvents(sup, ['A', 'B', 'C'].map((sku) => ({ id: evId(), sku, location: 'main', kind: 'set' as const, quantity: 5, occurredAt: at(clock) })));
        await waitFor(() => conn.levels.get('ext-B') === 5 && conn.levels.get('ext-C') === 5, 'B and C to reach the store');
        await waitFor(async () => (await engine.storeSync(store)).listingProblems.length === 1, 'A to show as a listing problem');
        const sync = await engine.storeSync(store);
        assert.deepEqual([sync.health, sync.failures, sync.nextAttemptAt], ['healthy', 0, null], 'the store is not failing');
        assert.deepEqual(sync.listingProblems.map((p) => [p.sku, p.error, p.attempts]), [['A', 'unknown item', 1]]);
        const start = clock.now();
        for (let q = 6; q <= 10; q++) {
          await set('B', q);
          await waitFor(() => conn.levels.get('ext-B') === q, `B=${q} to reach the store`);
        }
        assert.equal(clock.now() - start, 0, 'no time passed: the store waited for nothing');
        assert.equal(conn.batches.flat().filter((i) => i.externalId === 'ext-A').length, 1, 'A is not retried before its own time');
        // Fixed on the store, A goes out once its own backoff (at most 5 s at first) has passed.
        conn.rejectItems.delete('ext-A');
        clock.advance(6000);
        await waitFor(() => conn.levels.get('ext-A') === 5, 'A to be pushed after its backoff');
        await waitFor(async () => (await engine.storeSync(store)).listingProblems.length === 0, 'the listing problem to clear');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}

// A store whose webhooks are lost (or not yet proven) is reconciled at least every minute, so orders that only
// polling can find are committed within about 60 s, even when some webhooks did arrive before.
for (const v of variants) {
  test(`orders whose webhooks were lost are found within 60 s of clock time (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new ManualClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { scheduler: clock, reconcile: true, reconcileTickMs: 1000, sweepMs: 600_000, leaseMs: 600_000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['P']);
      await engine.ingestEvents(sup, [{ id: evId(), sku: 'P', location: 'main', kind: 'set', quantity: 1000, occurredAt: at(clock) }]);
      const conn = testConnector(store);
      const reconciledAt = async () => (await db.query<{ t: string | null }>(`select last_reconcile_at::text as t from stores where id = $1`, [store]))[0]!.t;
      await engine.start();
      try {
        clock.advance(1000);
        await waitFor(async () => (await reconciledAt()) !== null, 'the first reconciliation');
        const first = Date.parse((await reconciledAt())!);
        // Nine orders arrive by webhook, then sixteen are lost: only polling can find them.
        for (let i = 0; i < 9; i++) await engine.receiveOrder(store, { platformOrderId: `W${i}`, createdAt: at(clock), status: 'open', lines: [{ sku: 'P', quantity: 1 }] }, 'webhook');
        for (let i = 0; i < 16; i++) conn.orders.push({ platformOrderId: `L${i}`, createdAt: at(clock), status: 'open', lines: [{ sku: 'P', quantity: 1 }] });
        const committed = async () => (await engine.getSku(sup, 'P')).quantities.committed;
        // The next turn is at most a minute after the first: the webhooks are not proven (9 deliveries).
        const next = Date.parse((await db.query<{ t: string }>(`select next_reconcile_at::text as t from stores where id = $1`, [store]))[0]!.t);
        assert.ok(next - first <= 60_000, `next reconciliation ${next - first} ms after the first`);
        // Up to that turn (the ticks before it find nothing due), then the one tick that reaches it.
        clock.advance(next - clock.now() - 1);
        await waitFor(() => clock.dueWithin(1000) > 0, 'the reconciliation tick to be armed again');
        clock.advance(1000);
        await waitFor(async () => (await committed()) === 25 && (await engine.storeSync(store)).ordersByPoll === 16, 'the lost orders to be committed at that turn');
        const found = Date.parse((await reconciledAt())!);
        assert.ok(found - first <= 61_000, `found ${found - first} ms after the previous reconciliation (a tick is 1 s)`);
        const sync = await engine.storeSync(store);
        assert.equal(sync.ordersByPoll, 16);
        assert.equal(sync.reconcileIntervalSeconds, 30, 'lossy webhooks: polled every 30 s');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}

// Reconciliation runs apart from the sweep and the pushes, several stores at once: a store whose reconciliation
// hangs holds back neither another store's reconciliation nor any push.
for (const v of variants) {
  test(`a slow store's reconciliation delays no other store's push or reconciliation (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new ManualClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { scheduler: clock, reconcile: true, reconcileTickMs: 1000 });
      const slow = await addStore(db, sup, await addRetailer(db, sup));
      const fast = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, slow, ['Q']);
      await addListings(db, sup, fast, ['Q']);
      await engine.ingestEvents(sup, [{ id: evId(), sku: 'Q', location: 'main', kind: 'set', quantity: 10, occurredAt: at(clock) }]);
      const open = testConnector(slow).stallReads();
      const reconciledAt = async (id: string) => (await db.query<{ t: string | null }>(`select last_reconcile_at::text as t from stores where id = $1`, [id]))[0]!.t;
      await engine.start();
      try {
        clock.advance(1000);
        await waitFor(() => testConnector(slow).levelReads === 1 && testConnector(fast).levelReads === 1, 'both reconciliations to start (the slow one hangs)');
        await waitFor(async () => (await reconciledAt(fast)) !== null, "the other store's reconciliation to finish meanwhile");
        await engine.ingestEvents(sup, [{ id: evId(), sku: 'Q', location: 'main', kind: 'set', quantity: 20, occurredAt: at(clock, 1) }]);
        await waitFor(() => testConnector(fast).levels.get('ext-Q') === 20, 'the other store to be pushed');
        assert.equal(await reconciledAt(slow), null, 'the slow reconciliation is still running');
      } finally {
        open();
        await engine.stop();
      }
      assert.notEqual(await reconciledAt(slow), null, 'and it finishes once the store answers');
    } finally {
      await close();
    }
  });
}
