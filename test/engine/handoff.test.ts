import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/types.ts';
import { testConnector } from '../../src/connectors/test/index.ts';
import { writeDesired } from '../../src/store/ops/desired.ts';
import { StoreRun, type RunItem } from '../../src/engine/store-run.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

/** The database, counting claims and dirty-row reads sent through it. */
function counting(raw: Db): { db: Db; claims: () => number; reads: () => number } {
  let claims = 0;
  let reads = 0;
  const count = (sql: string) => {
    if (sql.includes('with claimed as')) claims++;
    if (sql.includes('s(sid, lim)')) reads++;
  };
  const db: Db = {
    ...raw, kind: raw.kind,
    query: (sql, params) => { count(sql); return raw.query(sql, params); },
    transaction: (fn) => raw.transaction((tx) => fn({ ...tx, kind: tx.kind, query: (sql, params) => { count(sql); return tx.query(sql, params); } })),
  };
  return { db, claims: () => claims, reads: () => reads };
}

const until = async (ok: () => boolean, what: string) => {
  for (let i = 0; i < 250 && !ok(); i++) await new Promise((r) => setTimeout(r, 20));
  assert.ok(ok(), what);
};

// A store with a run gets this process's commits in memory: pushed at once, with no notification acted on, no
// claim and no read; the last confirmed quantity each push names is the one the store acknowledged just before,
// even while its confirmation is still being written. Another process's change still reaches the run, through
// its notification and a read.
for (const v of variants) {
  test(`a warm store run pushes this process's commits from memory, and reads the table for the others' (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db: raw, close } = await v.open();
    const { db, claims, reads } = counting(raw);
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 60_000, warmMs: 60_000 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A', 'B']);
      const conn = testConnector(store);
      const lags: number[] = [];
      engine.on('pushed', (p) => lags.push(...((p as { lagMs: number[] }).lagMs)));
      const set = (q: number) => engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: q, occurredAt: at(clock, q) }]);
      await engine.start();
      try {
        await set(1);
        await until(() => conn.levels.get('ext-A') === 1, 'the first change is claimed and pushed');
        const before = { claims: claims(), reads: reads(), batches: conn.batches.length };
        for (let q = 2; q <= 11; q++) {
          clock.advance(5);
          await set(q);
          await until(() => conn.levels.get('ext-A') === q, `change ${q} reaches the store`);
        }
        // Let every NOTIFY of those commits arrive: the process's own are skipped.
        await new Promise((r) => setTimeout(r, 200));
        assert.equal(claims() - before.claims, 0, 'no claim: the store stayed leased');
        assert.equal(reads() - before.reads, 0, 'no read: the changes came in memory');
        const pushes = conn.batches.slice(before.batches).map((b) => b.map((i) => [i.quantity, i.lastConfirmed]));
        assert.deepEqual(pushes, Array.from({ length: 10 }, (_, i) => [[i + 2, i + 1]]), 'one push per change, naming the value acknowledged before it');
        assert.ok(lags.length >= 11, `each acknowledged change has its lag (${lags.length})`);

        // Another process writes B: its notification makes the run read the table, still without a claim.
        const other = await raw.transaction((tx) => writeDesired(tx, sup, [{ listingId: `${store}:B`, storeId: store, sku: 'B', externalId: 'ext-B', externalLocationId: null, desired: 42 }],
          new Date(clock.now()).toISOString(), 'another-process'));
        assert.equal(other.length, 1);
        await until(() => conn.levels.get('ext-B') === 42, "another process's change reaches the store");
        assert.equal(claims() - before.claims, 0, 'the run read it without a claim');
        assert.ok(reads() - before.reads >= 1, 'through a read of the table');
      } finally {
        await engine.stop();
      }
      const rows = await raw.query<{ listing_id: string; desired: number; confirmed: number }>(`select listing_id, desired, confirmed from desired order by listing_id`);
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
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 60_000, warmMs: 60_000, leaseMs: 300 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A']);
      const conn = testConnector(store);
      const set = (q: number) => engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: q, occurredAt: at(clock, q) }]);
      await engine.start();
      try {
        await set(1);
        await until(() => conn.levels.get('ext-A') === 1, 'the first change is pushed');
        await db.query(`update stores set paused = true where id = $1`, [store]);
        // A few heartbeats (every 100 ms with a 300 ms lease).
        await new Promise((r) => setTimeout(r, 400));
        await set(2);
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(conn.levels.get('ext-A'), 1, 'nothing is pushed to a paused store');
        await db.query(`update stores set paused = false where id = $1`, [store]);
        // The stopped run left its lease to expire (it was no longer its to release).
        clock.advance(1000);
        await set(3);
        await until(() => conn.levels.get('ext-A') === 3, 'once resumed, the store is claimed and pushed again');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}

// A store's own report of a level (a webhook, reconciliation) can make a row dirty that a warm run has already
// pushed at its current version: the report moves the version on, so the run pushes again at once instead of
// taking the row for one it has handled.
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
        await until(() => conn.levels.get('ext-A') === 5, 'the change is pushed');
        await until(() => conn.batches.length === 1, 'one push');
        await new Promise((r) => setTimeout(r, 100));
        conn.levels.set('ext-A', 7);
        assert.deepEqual(await engine.receiveLevel(store, 'ext-A', 7), { drift: true });
        await until(() => conn.levels.get('ext-A') === 5, 'the engine pushes its number back without waiting for the sweep');
        assert.deepEqual(conn.batches.at(-1)!.map((i) => [i.quantity, i.lastConfirmed]), [[5, 7]], 'against the level the store reported');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}

const item = (version: number, desired: number, confirmed: number | null = null, fromTable = false): RunItem => ({
  listingId: 'L', sku: 'S', externalId: 'e', externalLocationId: null, desired, version, confirmed, fromTable, originMs: 0, arrivedMs: 0,
});

// A row seen twice, from a handoff and from a read that started before its commit, must not let the older value
// reach the store after the newer one.
test('a store run keeps the newest version of each row and names the last acknowledged quantity', () => {
  const run = new StoreRun({ id: 's', supplier_id: 'p', platform: 'test', config: {}, credentials: null, failures: 0 }, true);
  assert.equal(run.offer(item(2, 20, 5)), true);
  assert.equal(run.offer(item(1, 10, 5)), false, 'an older version does not replace a newer one waiting');
  assert.deepEqual(run.take(10).map((i) => [i.version, i.desired, i.lastConfirmed]), [[2, 20, 5]]);
  assert.equal(run.offer(item(2, 20, 5)), false, 'a version already taken for a push is not queued again (a late read)');
  run.acked('L', 2, 20);
  assert.equal(run.offer(item(3, 30, 5)), true, 'a newer version is queued');
  assert.deepEqual(run.take(10).map((i) => [i.version, i.lastConfirmed]), [[3, 20]], 'the store acknowledged 20, whatever the row said');
  run.acked('L', 2, 99);
  run.requeue(item(3, 30, 5));
  assert.deepEqual(run.take(10).map((i) => i.lastConfirmed), [20], 'an acknowledgement of an older version is ignored');
  run.offer(item(4, 40, 33, true));
  assert.deepEqual(run.take(10).map((i) => i.lastConfirmed), [33], 'a row read from the table names its own confirmed (the store may have reported it)');
});
