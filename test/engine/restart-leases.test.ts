import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants, waitFor } from './helpers.ts';

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
      // Lease times are the database's clock.
      await db.query(`update stores set lease_owner = 'dead-process', lease_until = now() + interval '30 seconds' where id = $1`, [store]);

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

for (const v of variants) {
  test(`lease heartbeat: a live process keeps a slow store past its lease, a dead one loses it within one lease (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const leaseMs = 300;
      const { engine: a, supplierId: sup } = await newEngine(db, clock, { processId: 'A', leaseMs, pushTimeoutMs: 60_000, sweepMs: 60_000 });
      const { engine: b } = await newEngine(db, clock, { processId: 'B', leaseMs });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['L1']);
      const conn = testConnector(store);
      const open = conn.stall();
      await a.ingestEvents(sup, [{ id: evId(), sku: 'L1', location: 'main', kind: 'set', quantity: 3, occurredAt: at(clock) }]);
      await a.start();
      try {
        await conn.whenPushing();
        // Three leases pass (by the database's clock) while A's push hangs; A's heartbeat (every 100 ms) keeps renewing.
        for (let i = 0; i < 3; i++) {
          // Wait until the lease as it stands now would have run out by the database's clock.
          const until = (await db.query<{ t: string }>(`select lease_until::text as t from stores where id = $1`, [store]))[0]!.t;
          await waitFor(async () => (await db.query(`select 1 where clock_timestamp() > $1::timestamptz`, [until])).length === 1, 'a lease to pass');
          assert.equal(await b.dispatchOnce(), 0, `B must not take a store A is still pushing (lease ${i + 1})`);
        }
        const held = await db.query<{ lease_owner: string }>(`select lease_owner from stores where id = $1`, [store]);
        assert.equal(held[0]!.lease_owner, 'A');
      } finally {
        open();
        await a.stop();
      }
      assert.equal(conn.levels.get('ext-L1'), 3);

      // A process that dies mid-push renews nothing: one lease later the store is B's.
      await db.query(`update stores set lease_owner = 'dead', lease_until = clock_timestamp() + make_interval(secs => $2 / 1000.0) where id = $1`, [store, leaseMs]);
      await a.ingestEvents(sup, [{ id: evId(), sku: 'L1', location: 'main', kind: 'set', quantity: 8, occurredAt: at(clock) }]);
      assert.equal(await b.dispatchOnce(), 0);
      // One lease later by the database's clock the store is B's.
      const expired = async () => (await db.query(`select 1 from stores where id = $1 and lease_until < clock_timestamp()`, [store])).length === 1;
      for (let i = 0; i < 100 && !(await expired()); i++) await new Promise((r) => setTimeout(r, 20));
      assert.equal(await b.dispatchOnce(), 1);
      assert.equal(conn.levels.get('ext-L1'), 8);
    } finally {
      await close();
    }
  });
}
