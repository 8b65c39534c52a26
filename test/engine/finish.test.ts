import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSupplier } from '../../src/engine/index.ts';
import { finishPushes, type PushOutcome } from '../../src/store/ops/dispatch-batched.ts';
import { addListings, addRetailer, addStore, FakeClock, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const backoff = { baseMs: 500, capMs: 30_000, circuitAfter: 5, unhealthyAfter: 10, unhealthyRetryMs: 60_000 };
const at = (ms: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + ms).toISOString();

// A push's lag ends when the store answered, not when its confirmation is written (which may wait behind other
// statements), and two pushes of one store confirmed together keep their own lags, the later value winning.
for (const v of variants) {
  test(`confirmations: lag to the acknowledgement, per push, later acknowledgement wins (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const supplierId = await createSupplier(db, new FakeClock(), { name: 's' });
      const storeId = await addStore(db, supplierId, await addRetailer(db, supplierId));
      await addListings(db, supplierId, storeId, ['A', 'B']);
      const [a, b] = [`${storeId}:A`, `${storeId}:B`];
      await db.query(`insert into desired (listing_id, supplier_id, store_id, sku, desired, desired_at, external_id) values ($1, $3, $4, 'A', 7, $5, 'ext-A'), ($2, $3, $4, 'B', 3, $5, 'ext-B')`,
        [a, b, supplierId, storeId, at(0)]);
      const push = (acks: PushOutcome['acks'], ackedAt: string): PushOutcome =>
        ({ supplierId, storeId, items: acks.length, ok: acks.length, failed: 0, durationMs: 1, error: null, acks, ackedAt });
      const lags = await finishPushes(db, 'owner', at(1000), backoff, [
        push([{ listingId: a, quantity: 5 }], at(100)),
        push([{ listingId: a, quantity: 7 }, { listingId: b, quantity: 3 }], at(300)),
      ], []);
      assert.deepEqual(lags.get(0), undefined, 'the first push of A was overtaken by the second');
      assert.deepEqual([...(lags.get(1) ?? [])].sort((x, y) => x - y), [300, 300]);
      const rows = await db.query<{ listing_id: string; confirmed: number }>(`select listing_id, confirmed from desired order by listing_id`);
      assert.deepEqual(rows.map((r) => r.confirmed), [7, 3]);
      const log = await db.query<{ items: number; lag_max_ms: number | null }>(`select items, lag_max_ms from push_log order by id`);
      assert.deepEqual(log.map((l) => [l.items, l.lag_max_ms]), [[1, null], [2, 300]]);
    } finally {
      await close();
    }
  });
}
