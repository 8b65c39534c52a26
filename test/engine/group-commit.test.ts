import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addListings, addRetailer, addStore, at, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

for (const v of variants) {
  test(`ingest group commit: concurrent calls share transactions, each gets its own result (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { ingestWidth: 1 });
      const store = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, store, ['A', 'B']);
      let transactions = 0;
      engine.on('stock', () => { transactions++; });
      const adjust = (id: string, sku: string, delta: number) => ({ id, sku, location: 'main', kind: 'adjust' as const, delta, occurredAt: at(clock) });

      // 20 calls fired together: +1 each on A, one call also sends an invalid event and one repeats an id.
      const calls = Array.from({ length: 20 }, (_, i) => {
        const events: unknown[] = [adjust(`a-${i}`, 'A', 1)];
        if (i === 7) events.push({ id: 'bad', sku: 'B', location: 'main', kind: 'adjust', occurredAt: at(clock) });
        if (i === 12) events.push(adjust('a-3', 'B', 100));
        return engine.ingestEvents(sup, events as never);
      });
      const results = await Promise.all(calls);

      assert.ok(transactions < 20, `20 concurrent calls took ${transactions} transactions`);
      results.forEach((r, i) => assert.equal(r.results[0]!.status, 'applied', `call ${i}`));
      assert.equal(results[7]!.results[1]!.status, 'invalid');
      assert.match(results[7]!.results[1]!.reason!, /^events\[1\]\.delta/, 'the field is named by its index in its own call');
      assert.equal(results[12]!.results[1]!.status, 'duplicate', 'an id already sent by an earlier call is a duplicate');
      assert.deepEqual([results[12]!.applied, results[12]!.duplicate, results[7]!.invalid], [1, 1, 1]);

      const sku = await engine.getSku(sup, 'A');
      assert.equal(sku.locations[0]!.onHand, 20, 'every call applied exactly once');
      assert.equal((await engine.getSku(sup, 'B')).locations[0]?.onHand ?? 0, 0, 'the duplicate changed nothing');

      // Idle, a call runs alone and at once.
      transactions = 0;
      const alone = await engine.ingestEvents(sup, [adjust('solo', 'A', -5)]);
      assert.equal(alone.applied, 1);
      assert.equal(transactions, 1);
      assert.equal((await engine.getSku(sup, 'A')).locations[0]!.onHand, 15);
    } finally {
      await close();
    }
  });
}
