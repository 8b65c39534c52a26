import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { engineMetrics } from '../../src/engine/index.ts';
import { writeDesired } from '../../src/store/ops/desired.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, ManualClock, newEngine, serverReachable, SKIP_SERVER, variants, waitFor } from './helpers.ts';

const counter = async (c: typeof engineMetrics.dispatchClaims) => (await c.get()).values[0]?.value ?? 0;

// A store with a run stays leased while changes keep coming: each change is read and pushed without a claim,
// each push naming the quantity the store acknowledged just before it. Another process's change reaches the run
// the same way. With a ManualClock as clock and scheduler, the run stays warm until the test moves time on.
for (const v of variants) {
  test(`a warm store run pushes each change without a claim, and ends warmMs after its last push (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new ManualClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 60_000, warmMs: 1000, scheduler: clock });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A', 'B']);
      const conn = testConnector(store);
      const lags: number[] = [];
      engine.on('pushed', (p) => lags.push(...((p as { lagMs: number[] }).lagMs)));
      const set = (q: number) => engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: q, occurredAt: at(clock, q) }]);
      const leaseOwner = async () => (await db.query<{ lease_owner: string | null }>(`select lease_owner from stores where id = $1`, [store]))[0]!.lease_owner;
      await engine.start();
      try {
        await set(1);
        await waitFor(() => conn.levels.get('ext-A') === 1, 'the first change to be claimed and pushed');
        const before = { claims: await counter(engineMetrics.dispatchClaims), reads: await counter(engineMetrics.dispatchReads), batches: conn.batches.length };
        for (let q = 2; q <= 11; q++) {
          clock.advance(5);
          await set(q);
          await waitFor(() => conn.levels.get('ext-A') === q, `change ${q} to reach the store`);
        }
        assert.equal(await counter(engineMetrics.dispatchClaims) - before.claims, 0, 'no claim: the store stayed leased');
        assert.ok(await counter(engineMetrics.dispatchReads) - before.reads >= 10, 'each change read from the table');
        const pushes = conn.batches.slice(before.batches).map((b) => b.map((i) => [i.quantity, i.lastConfirmed]));
        assert.deepEqual(pushes, Array.from({ length: 10 }, (_, i) => [[i + 2, i + 1]]), 'one push per change, naming the value acknowledged before it');
        assert.ok(lags.length >= 11, `each acknowledged change has its lag (${lags.length})`);

        // Another process writes B: its notification makes the run read the table, still without a claim.
        const other = await db.transaction((tx) => writeDesired(tx, sup, [{ listingId: `${store}:B`, storeId: store, sku: 'B', externalId: 'ext-B', externalLocationId: null, desired: 42 }],
          new Date(clock.now()).toISOString(), 'another-process'));
        assert.equal(other.length, 1);
        await waitFor(() => conn.levels.get('ext-B') === 42, "another process's change to reach the store");
        assert.equal(await counter(engineMetrics.dispatchClaims) - before.claims, 0, 'the run read it without a claim');
        await waitFor(async () => (await db.query(`select 1 from desired where store_id = $1 and confirmed is distinct from desired`, [store])).length === 0, 'the confirmations');
        assert.notEqual(await leaseOwner(), null, 'still warm: the store stays leased');
        clock.advance(1000);
        await waitFor(async () => (await leaseOwner()) === null, 'the lease to end warmMs after the last push');
      } finally {
        await engine.stop();
      }
      const rows = await db.query<{ listing_id: string; desired: number; confirmed: number }>(`select listing_id, desired, confirmed from desired order by listing_id`);
      assert.deepEqual(rows.map((r) => [r.desired, r.confirmed]), [[11, 11], [42, 42]], 'every acknowledgement was confirmed by the time the engine stopped');
    } finally {
      await close();
    }
  });
}

// Pausing a store stops a warm run pushing to it, whichever process paused it: the heartbeat does not renew the
// lease of a paused store, and its run ends without pushing again.
for (const v of variants) {
  test(`a warm store run stops when its store is paused (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new ManualClock();
      const leaseMs = 300;
      const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 60_000, warmMs: 60_000, leaseMs, scheduler: clock });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A']);
      const conn = testConnector(store);
      const set = (q: number) => engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: q, occurredAt: at(clock, q) }]);
      await engine.start();
      try {
        await set(1);
        await waitFor(() => conn.levels.get('ext-A') === 1, 'the first change to be pushed');
        await db.query(`update stores set paused = true where id = $1`, [store]);
        // The next heartbeat (a third of the lease) finds the lease not renewed: the run ends without a release.
        const lostBefore = await counter(engineMetrics.leasesLost);
        clock.advance(leaseMs / 3);
        await waitFor(async () => (await counter(engineMetrics.leasesLost)) > lostBefore, 'the heartbeat to end the run');
        await set(2);
        await waitFor(async () => (await db.query(`select 1 from desired where store_id = $1 and desired = 2`, [store])).length === 1, 'the change to commit');
        assert.equal(conn.batches.length, 1, 'nothing is pushed to a paused store');
        await db.query(`update stores set paused = false, lease_owner = null, lease_until = null where id = $1`, [store]);
        await set(3);
        await waitFor(() => conn.levels.get('ext-A') === 3, 'once resumed, the store to be claimed and pushed again');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}

// A store's own report of a level (a webhook, reconciliation) makes a row dirty that a warm run has already
// pushed: its notification makes the run read it and push the engine's number back against that level.
for (const v of variants) {
  test(`a level the store reports makes a warm run push the row again at once (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 60_000, warmMs: 60_000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A']);
      const conn = testConnector(store);
      await engine.start();
      try {
        await engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: 5, occurredAt: at(clock) }]);
        await waitFor(() => conn.levels.get('ext-A') === 5 && conn.batches.length === 1, 'the change to be pushed once');
        await waitFor(async () => (await db.query(`select 1 from desired where store_id = $1 and confirmed = 5`, [store])).length === 1, 'its confirmation');
        conn.levels.set('ext-A', 7);
        assert.deepEqual(await engine.receiveLevel(store, 'ext-A', 7), { drift: true });
        await waitFor(() => conn.levels.get('ext-A') === 5, 'the engine to push its number back without waiting for the sweep');
        assert.deepEqual(conn.batches.at(-1)!.map((i) => [i.quantity, i.lastConfirmed]), [[5, 7]], 'against the level the store reported');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}
