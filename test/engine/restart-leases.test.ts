import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

// An embedded database has one owner process, so a lease found at start-up was left by a process that died: the
// restarted process takes its stores at once. On a server another live process may hold it: it is honoured.
for (const v of variants) {
  test(`start-up and leases left by a dead process (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock);
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['L1']);
      await engine.ingestEvents(sup, [{ id: evId(), sku: 'L1', location: 'main', kind: 'set', quantity: 7, occurredAt: at(clock) }]);
      await db.query(`update stores set lease_owner = 'dead-process', lease_until = $2::timestamptz where id = $1`, [store, at(clock, 30_000)]);

      await engine.start();
      try {
        await engine.dispatchOnce();
      } finally {
        await engine.stop();
      }
      const level = testConnector(store).levels.get('ext-L1');
      if (v.name === 'pglite') assert.equal(level, 7, 'the dead owner\'s lease is released at start and the store pushed');
      else assert.equal(level, undefined, 'on a server the lease is honoured until it expires');
    } finally {
      await close();
    }
  });
}
