import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/types.ts';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

/** The database, counting the claim statements sent through it. */
function counting(raw: Db): { db: Db; claims: () => number } {
  let n = 0;
  const count = (sql: string) => { if (sql.includes('with claimed as')) n++; };
  const db: Db = {
    ...raw, kind: raw.kind,
    query: (sql, params) => { count(sql); return raw.query(sql, params); },
    transaction: (fn) => raw.transaction((tx) => fn({ ...tx, kind: tx.kind, query: (sql, params) => { count(sql); return tx.query(sql, params); } })),
  };
  return { db, claims: () => n };
}

// While a store is being pushed, changes to it wait for that push to end: each one used to cost a claim that
// could only find the store leased (at 5 stores, three claims per push).
for (const v of variants) {
  test(`changes to a store being pushed wait for the push instead of costing a claim each (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db: raw, close } = await v.open();
    const { db, claims } = counting(raw);
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 60_000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A']);
      // A second store with nothing to push leaves a free slot, so a claim would run (and find nothing).
      await addListings(db, sup, await addStore(db, sup, await addRetailer(db, sup)), ['B']);
      const conn = testConnector(store);
      const set = (q: number) => engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: q, occurredAt: at(clock, q) }]);
      await engine.start();
      try {
        const open = conn.stall();
        await set(1);
        await conn.whenPushing();
        const before = claims();
        for (let q = 2; q <= 21; q++) await set(q);
        // Let every NOTIFY of those 20 commits arrive while the push is still stalled.
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(claims() - before, 0, 'no claim while the only changed store is being pushed');
        open();
        for (let i = 0; i < 100 && conn.levels.get('ext-A') !== 21; i++) await new Promise((r) => setTimeout(r, 20));
        assert.equal(conn.levels.get('ext-A'), 21, 'the last value reaches the store once the push ends');
        assert.ok(claims() - before <= 3, `a claim or two after the push, not one per change (${claims() - before})`);
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}
