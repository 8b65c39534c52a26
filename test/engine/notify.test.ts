import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DESIRED_CHANNEL, parseDesiredPayload, writeDesired } from '../../src/store/ops/desired.ts';
import { createSupplier } from '../../src/engine/index.ts';
import { addListings, addRetailer, addStore, FakeClock, serverReachable, SKIP_SERVER, variants, waitFor } from './helpers.ts';

// One notification per write names every store it changed (one per store cost the listener fifty messages per
// event at fifty stores); a write that changes nothing notifies nobody.
for (const v of variants) {
  test(`a desired write sends one notification naming its stores (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const sup = await createSupplier(db, new FakeClock(), { name: 's' });
      const stores = [await addStore(db, sup, await addRetailer(db, sup)), await addStore(db, sup, await addRetailer(db, sup))];
      for (const s of stores) await addListings(db, sup, s, ['A', 'B']);
      const got: string[] = [];
      const off = await db.listen(DESIRED_CHANNEL, (p) => got.push(p));
      const rows = stores.flatMap((s) => ['A', 'B'].map((sku) => ({ listingId: `${s}:${sku}`, storeId: s, sku, externalId: `ext-${sku}`, externalLocationId: null, desired: 5 })));
      // Notifications arrive in order: a sentinel sent after a write shows that everything the write sent is in.
      let sentinels = 0;
      const flush = async () => {
        const n = ++sentinels;
        await db.query(`select pg_notify($1, $2)`, [DESIRED_CHANNEL, `sentinel-${n}`]);
        await waitFor(() => got.includes(`sentinel-${n}`), 'the sentinel');
        return got.filter((p) => !p.startsWith('sentinel-'));
      };
      const written = await db.transaction((tx) => writeDesired(tx, sup, rows, new Date().toISOString(), 'proc-1'));
      assert.deepEqual(written.map((w) => w.version), [1, 1, 1, 1], 'a new row is version 1');
      const sent = await flush();
      assert.equal(sent.length, 1);
      const first = parseDesiredPayload(sent[0]!);
      assert.equal(first.origin, 'proc-1', 'the notification names the writing process');
      assert.deepEqual(first.ids?.sort(), [...stores].sort());
      await db.transaction((tx) => writeDesired(tx, sup, rows, new Date().toISOString()));
      assert.equal((await flush()).length, 1, 'unchanged values: no notification');
      const again = await db.transaction((tx) => writeDesired(tx, sup, rows.map((r) => ({ ...r, desired: 6 })), new Date().toISOString()));
      assert.deepEqual(again.map((w) => w.version), [2, 2, 2, 2], 'each change bumps the version');
      assert.deepEqual(parseDesiredPayload('|'), { origin: '', ids: null }, 'no ids means every store');
      assert.deepEqual(parseDesiredPayload('a,b'), { origin: '', ids: ['a', 'b'] }, 'a payload without an origin');
      await off();
    } finally {
      await close();
    }
  });
}
