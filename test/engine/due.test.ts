import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { engineMetrics } from '../../src/engine/index.ts';
import { DESIRED_CHANNEL } from '../../src/store/ops/desired.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants, waitFor } from './helpers.ts';

/** Claim statements the dispatcher has sent (a process-wide counter). */
const claims = async () => (await engineMetrics.dispatchClaims.get()).values[0]?.value ?? 0;

// While a store is being pushed, changes to it wait for that push to end: each one used to cost a claim that
// could only find the store leased (at 5 stores, three claims per push).
for (const v of variants) {
  test(`changes to a store being pushed wait for the push instead of costing a claim each (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 60_000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A']);
      // A second store with nothing to push leaves a free slot, so a claim would run (and find nothing).
      await addListings(db, sup, await addStore(db, sup, await addRetailer(db, sup)), ['B']);
      const conn = testConnector(store);
      // The notifications reach this listener in the order they reach the engine's (one LISTEN connection).
      let notified = 0;
      const unlisten = await db.listen(DESIRED_CHANNEL, () => { notified++; });
      const set = (q: number) => engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: q, occurredAt: at(clock, q) }]);
      await engine.start();
      try {
        const open = conn.stall();
        await set(1);
        await conn.whenPushing();
        const before = await claims();
        const seen = notified;
        for (let q = 2; q <= 21; q++) await set(q);
        await waitFor(() => notified >= seen + 20, 'every NOTIFY of those 20 commits to arrive while the push is stalled');
        assert.equal(await claims() - before, 0, 'no claim while the only changed store is being pushed');
        open();
        await waitFor(() => conn.levels.get('ext-A') === 21, 'the last value to reach the store once the push ends');
        assert.ok(await claims() - before <= 3, `a claim or two after the push, not one per change (${await claims() - before})`);
      } finally {
        await engine.stop();
        await unlisten();
      }
    } finally {
      await close();
    }
  });
}
