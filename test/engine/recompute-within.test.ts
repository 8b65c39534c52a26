/**
 * The engine's in-transaction recompute: its writes commit or roll back with the caller's transaction, large
 * sets go in chunks whose changes are counted (not kept) past the hand-off limit, the live event carries
 * counts, and on a server a multi-chunk recompute holds its desired rows from before its first write.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DesiredChanges, type DesiredEvent } from '../../src/engine/index.ts';
import { addListings, addRetailer, addStore, FakeClock, newEngine, serverReachable, setRule, SKIP_SERVER, variants } from './helpers.ts';

const SKUS = Array.from({ length: 1200 }, (_, i) => `RW-${String(i).padStart(5, '0')}`);

for (const v of variants) {
  describe(`recomputeWithin (${v.name})`, () => {
    test('rolls back with its transaction; commits as one; counts past the hand-off limit', async (t) => {
      if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
      const { db, close } = await v.open();
      try {
        const clock = new FakeClock();
        const { engine, supplierId } = await newEngine(db, clock);
        const stores: string[] = [];
        for (let i = 0; i < 2; i++) {
          const store = await addStore(db, supplierId, await addRetailer(db, supplierId));
          await addListings(db, supplierId, store, SKUS);
          stores.push(store);
        }
        await db.query(`update skus set on_hand = 10 where supplier_id = $1`, [supplierId]);
        assert.equal(await engine.recompute(supplierId, 'all'), 2400, 'every listing gets its first desired row');
        const events: DesiredEvent[] = [];
        engine.on('desired', (p) => events.push(p as DesiredEvent));
        const shown = async () => (await db.query<{ n: number; total: number }>(
          `select count(*)::int as n, sum(desired)::int as total from desired where supplier_id = $1`, [supplierId]))[0];
        const before = await shown();

        // A rule write and its recompute in one transaction that fails after both: neither remains.
        const failed = new DesiredChanges(supplierId);
        await assert.rejects(db.transaction(async (tx) => {
          await setRule(tx, supplierId, 'own_reserve', { units: 4 });
          await engine.recomputeWithin(tx, supplierId, 'all', failed);
          assert.equal(failed.count, 2400, 'the recompute did change every row, inside the transaction');
          throw new Error('injected after the write');
        }), /injected/);
        assert.deepEqual(await shown(), before, 'no desired row changed');
        assert.equal((await db.query(`select 1 from rules where supplier_id = $1`, [supplierId])).length, 0, 'the rule is gone too');

        // The same, committed: three chunks in one transaction, the rows counted but not kept past the limit.
        const into = new DesiredChanges(supplierId, 1000);
        await db.transaction(async (tx) => {
          await setRule(tx, supplierId, 'own_reserve', { units: 4 });
          await engine.recomputeWithin(tx, supplierId, 'all', into);
        });
        engine.committed(into);
        assert.equal(into.count, 2400);
        assert.equal(into.kept, null, 'more rows than the hand-off keeps: only counts');
        assert.deepEqual(await shown(), { n: 2400, total: 2400 * 6 });
        assert.equal(events.length, 1);
        assert.equal(events[0]!.count, 2400);
        assert.deepEqual(events[0]!.stores.map((s) => s.count).sort(), [1200, 1200]);
        assert.deepEqual(events[0]!.stores.map((s) => s.storeId).sort(), [...stores].sort());
        assert.ok(!('changes' in events[0]!), 'the event carries counts, never the rows');

        // A few SKUs: the rows are kept for the hand-off.
        const few = new DesiredChanges(supplierId);
        await db.transaction(async (tx) => {
          await setRule(tx, supplierId, 'own_reserve', { units: 5 }, 'sku', SKUS[0]!);
          await engine.recomputeWithin(tx, supplierId, [SKUS[0]!], few);
        });
        assert.equal(few.count, 2);
        assert.deepEqual(few.kept?.map((c) => c.desired), [5, 5]);
      } finally {
        await close();
      }
    });
  });
}

describe('recomputeWithin on the Postgres server: lock order', () => {
  test('a multi-chunk recompute locks every desired row of its set before its first write', async (t) => {
    if (!(await serverReachable())) return t.skip(SKIP_SERVER);
    const pg = variants.find((v) => v.name === 'postgres')!;
    const { db, close } = await pg.open({ poolSize: 3 });
    try {
      const clock = new FakeClock();
      const { engine, supplierId } = await newEngine(db, clock);
      const store = await addStore(db, supplierId, await addRetailer(db, supplierId));
      await addListings(db, supplierId, store, SKUS);
      await engine.recompute(supplierId, 'all');
      // The row of the last chunk: a dispatcher confirming it with a lower one must find it taken already, or it
      // could hold the lower one while waiting for this one, and the recompute the other way round.
      const last = (await db.query<{ listing_id: string }>(`select max(listing_id) as listing_id from desired where supplier_id = $1`, [supplierId]))[0]!.listing_id;
      const tryLock = () => db.transaction((other) => other.query(`select 1 from desired where listing_id = $1 for update nowait`, [last]))
        .then(() => 'free', (e: { code?: string }) => (e.code === '55P03' ? 'locked' : `error ${e.code}`));
      let atFirstWrite: string | undefined;
      await db.transaction(async (tx) => {
        const spy = { ...tx, query: async <T,>(sql: string, params?: readonly unknown[]): Promise<T[]> => {
          if (atFirstWrite === undefined && sql.includes('insert into desired')) atFirstWrite = await tryLock();
          return tx.query<T>(sql, params);
        } };
        await setRule(tx, supplierId, 'threshold', { units: 1000 });
        await engine.recomputeWithin(spy, supplierId, 'all', new DesiredChanges(supplierId));
      });
      assert.equal(atFirstWrite, 'locked');
    } finally {
      await close();
    }
  });
});
