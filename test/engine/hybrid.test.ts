import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, setRule, SKIP_SERVER, variants } from './helpers.ts';

for (const v of variants) {
  test(`seed hybrid example end to end (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId } = await newEngine(db, clock);
      await setRule(db, supplierId, 'own_reserve', { units: 200 });
      await setRule(db, supplierId, 'strategy', { strategy: 'hybrid' });
      const spec = [[80, 200], [50, 150], [30, 100], [20, 80], [20, 80]] as const;
      const stores: string[] = [];
      for (const [floor, ceiling] of spec) {
        const r = await addRetailer(db, supplierId, { floor, ceiling });
        const s = await addStore(db, supplierId, r);
        await addListings(db, supplierId, s, ['TEE-BLK-M']);
        stores.push(s);
      }
      const res = await engine.ingestEvents(supplierId, [{ id: evId(), sku: 'TEE-BLK-M', location: 'main', kind: 'set', quantity: 500, occurredAt: at(clock) }]);
      assert.equal(res.applied, 1);
      const view = await engine.getSku(supplierId, 'TEE-BLK-M');
      assert.equal(view.quantities.pool, 300);
      const desiredOf = (v: typeof view) => stores.map((s) => v.stores.find((x) => x.storeId === s)!.desired);
      assert.deepEqual(desiredOf(view), [180, 150, 100, 80, 80]);

      await engine.dispatchOnce();
      assert.deepEqual(stores.map((s) => testConnector(s).levels.get('ext-TEE-BLK-M')), [180, 150, 100, 80, 80]);
      for (const s of stores) assert.equal((await engine.storeSync(s)).queueDepth, 0);

      // A 20-unit own-channel sale: pool 280 < ... shared 80 -> A 160, B 130, C 100, D 80, E 80; one dispatch round.
      clock.advance(1000);
      await engine.ingestEvents(supplierId, [{ id: evId(), sku: 'TEE-BLK-M', location: 'main', kind: 'adjust', delta: -20, occurredAt: at(clock), reason: 'sale' }]);
      const before = stores.map((s) => testConnector(s).batches.length);
      await engine.dispatchOnce();
      assert.deepEqual(stores.map((s) => testConnector(s).levels.get('ext-TEE-BLK-M')), [160, 130, 100, 80, 80]);
      // Stores whose number did not change were not pushed.
      assert.deepEqual(stores.map((s, i) => testConnector(s).batches.length - before[i]!), [1, 1, 0, 0, 0]);
      const after = await engine.getSku(supplierId, 'TEE-BLK-M');
      assert.deepEqual(stores.map((s) => after.stores.find((x) => x.storeId === s)!.confirmed), [160, 130, 100, 80, 80]);
      assert.equal(after.ledger[0]!.onHand, 480);

      // A rule change: reserve 300 -> pool 180 < floors 200, so floors scale down: 72/45/27/18/18.
      await setRule(db, supplierId, 'own_reserve', { units: 300 });
      assert.equal(await engine.recompute(supplierId, 'all'), 5);
      await engine.dispatchOnce();
      assert.deepEqual(stores.map((s) => testConnector(s).levels.get('ext-TEE-BLK-M')), [72, 45, 27, 18, 18]);
      assert.equal(await engine.recompute(supplierId, ['TEE-BLK-M']), 0, 'nothing changed, nothing written');
    } finally {
      await close();
    }
  });
}
