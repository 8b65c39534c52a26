import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSupplier } from '../../src/engine/index.ts';
import { finishPushes, type PushOutcome } from '../../src/store/ops/dispatch-batched.ts';
import { addListings, addRetailer, addStore, FakeClock, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const backoff = { baseMs: 500, capMs: 30_000, circuitAfter: 5, unhealthyAfter: 10, unhealthyRetryMs: 60_000 };
const at = (ms: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + ms).toISOString();

// Two pushes of one store confirmed together keep their own lags (measured when the store answered, not when the
// confirmation is written), and the later acknowledgement of a listing wins.
for (const v of variants) {
  test(`confirmations: each push's own lags, later acknowledgement wins (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const supplierId = await createSupplier(db, new FakeClock(), { name: 's' });
      const storeId = await addStore(db, supplierId, await addRetailer(db, supplierId));
      await addListings(db, supplierId, storeId, ['A', 'B']);
      const [a, b] = [`${storeId}:A`, `${storeId}:B`];
      await db.query(`insert into desired (listing_id, supplier_id, store_id, sku, desired, desired_at, external_id) values ($1, $3, $4, 'A', 7, $5, 'ext-A'), ($2, $3, $4, 'B', 3, $5, 'ext-B')`,
        [a, b, supplierId, storeId, at(0)]);
      const push = (acks: PushOutcome['acks']): PushOutcome =>
        ({ supplierId, storeId, items: acks.length, ok: acks.length, failed: 0, durationMs: 1, error: null, acks });
      await finishPushes(db, 'owner', at(1000), backoff, [
        push([{ listingId: a, quantity: 5, lagMs: 100 }]),
        push([{ listingId: a, quantity: 7, lagMs: 300 }, { listingId: b, quantity: 3, lagMs: 200 }, { listingId: `${storeId}:C`, quantity: 1, lagMs: null }]),
      ], []);
      const rows = await db.query<{ listing_id: string; confirmed: number }>(`select listing_id, confirmed from desired order by listing_id`);
      assert.deepEqual(rows.map((r) => r.confirmed), [7, 3], 'the later acknowledgement of A wins');
      const log = await db.query<{ items: number; lag_p50_ms: number | null; lag_max_ms: number | null }>(`select items, lag_p50_ms, lag_max_ms from push_log order by id`);
      assert.deepEqual(log.map((l) => [l.items, l.lag_p50_ms, l.lag_max_ms]), [[1, 100, 100], [3, 200, 300]], 'each push keeps its own lags');
      const lags = await db.query<{ lag_ms: number }>(`select lag_ms from push_lag order by lag_ms`);
      assert.deepEqual(lags.map((l) => l.lag_ms), [100, 200, 300], 'an item without a lag records none');
    } finally {
      await close();
    }
  });
}
