import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSupplier } from '../../src/engine/index.ts';
import { finishPushes, type PushOutcome } from '../../src/store/ops/dispatch-batched.ts';
import { lagBucket } from '../../src/store/ops/lag.ts';
import { addListings, addRetailer, addStore, FakeClock, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const backoff = { baseMs: 500, capMs: 30_000, circuitAfter: 5, unhealthyAfter: 10, unhealthyRetryMs: 60_000, listingBaseMs: 5000, listingCapMs: 600_000 };
const at = (ms: number) => new Date(Date.parse('2026-03-02T10:00:00.000Z') + ms).toISOString();

async function setUp(db: Parameters<typeof finishPushes>[0]) {
  const supplierId = await createSupplier(db, new FakeClock(), { name: 's' });
  const storeId = await addStore(db, supplierId, await addRetailer(db, supplierId));
  await addListings(db, supplierId, storeId, ['A', 'B']);
  const [a, b] = [`${storeId}:A`, `${storeId}:B`];
  await db.query(`insert into desired (listing_id, supplier_id, store_id, sku, desired, desired_at, external_id) values ($1, $3, $4, 'A', 7, $5, 'ext-A'), ($2, $3, $4, 'B', 3, $5, 'ext-B')`,
    [a, b, supplierId, storeId, at(0)]);
  await db.query(`update stores set lease_owner = 'owner', lease_until = now() + interval '1 minute' where id = $1`, [storeId]);
  const push = (acks: PushOutcome['acks'], fails: PushOutcome['fails'] = []): PushOutcome =>
    ({ supplierId, storeId, items: acks.length + fails.length, ok: acks.length, failed: fails.length, durationMs: 1, error: null, acks, fails });
  return { supplierId, storeId, a, b, push };
}

// Two pushes of one store confirmed together keep their own lags (measured when the store answered, not when the
// confirmation is written), and the later acknowledgement of a listing wins.
for (const v of variants) {
  test(`confirmations: each push's own lags, later acknowledgement wins (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const { storeId, a, b, push } = await setUp(db);
      const held = await finishPushes(db, 'owner', at(1000), backoff, [
        push([{ listingId: a, quantity: 5, lagMs: 100 }]),
        push([{ listingId: a, quantity: 7, lagMs: 300 }, { listingId: b, quantity: 3, lagMs: 200 }, { listingId: `${storeId}:C`, quantity: 1, lagMs: null }]),
      ], []);
      assert.deepEqual([...held], [storeId]);
      const rows = await db.query<{ listing_id: string; confirmed: number }>(`select listing_id, confirmed from desired order by listing_id`);
      assert.deepEqual(rows.map((r) => r.confirmed), [7, 3], 'the later acknowledgement of A wins');
      const log = await db.query<{ items: number; lag_p50_ms: number | null; lag_max_ms: number | null }>(`select items, lag_p50_ms, lag_max_ms from push_log order by id`);
      assert.deepEqual(log.map((l) => [l.items, l.lag_p50_ms, l.lag_max_ms]), [[1, 100, 100], [3, 200, 300]], 'each push keeps its own lags');
      const lags = await db.query<{ bucket: number; n: number }>(`select bucket, n from push_lag_minute where store_id = $1 order by bucket`, [storeId]);
      assert.deepEqual(lags.map((l) => [l.bucket, l.n]), [[lagBucket(100), 1], [lagBucket(200), 1], [lagBucket(300), 1]], 'an item without a lag records none');
      await finishPushes(db, 'owner', at(2000), backoff, [push([{ listingId: b, quantity: 3, lagMs: 200 }])], []);
      const again = await db.query<{ n: number }>(`select n from push_lag_minute where store_id = $1 and bucket = $2`, [storeId, lagBucket(200)]);
      assert.deepEqual(again.map((r) => r.n), [2], 'a minute\'s histogram adds up');
    } finally {
      await close();
    }
  });

  // A process that lost the lease (another one claimed the store) confirms nothing, records nothing and releases
  // nothing, however late its answer comes back.
  test(`confirmations: a stale lease holder's confirmation and release are ignored (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const { storeId, a, b, push } = await setUp(db);
      await db.query(`update stores set lease_owner = 'other' where id = $1`, [storeId]);
      const held = await finishPushes(db, 'owner', at(1000), backoff,
        [push([{ listingId: a, quantity: 7, lagMs: 10 }], [{ listingId: b, sku: 'B', error: 'gone', actual: 1, expected: null, retryable: true }])],
        [{ storeId, failed: true, partial: false, retryAfterMs: 0, pushed: true, error: 'x' }]);
      assert.equal(held.size, 0, 'the store is not held by this owner');
      const rows = await db.query<{ confirmed: number | null; attempts: number }>(`select confirmed, attempts from desired order by listing_id`);
      assert.deepEqual(rows.map((r) => [r.confirmed, r.attempts]), [[null, 0], [null, 0]], 'no row confirmed or failed');
      assert.equal((await db.query(`select 1 from push_log`)).length, 0);
      assert.equal((await db.query(`select 1 from drift`)).length, 0);
      assert.equal((await db.query(`select 1 from push_lag_minute`)).length, 0);
      const store = await db.query<{ lease_owner: string; failures: number }>(`select lease_owner, failures from stores where id = $1`, [storeId]);
      assert.deepEqual(store.map((s) => [s.lease_owner, s.failures]), [['other', 0]], 'the other process keeps its lease');
    } finally {
      await close();
    }
  });

  // A listing the store rejects for good backs off by itself; a retryable failure waits for the store; drift
  // takes the store's level as confirmed.
  test(`confirmations: failed items, each by its kind (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const { storeId, a, b, push } = await setUp(db);
      await finishPushes(db, 'owner', at(1000), backoff, [push([], [
        { listingId: a, sku: 'A', error: 'unknown item', actual: null, expected: null, retryable: false },
        { listingId: b, sku: 'B', error: 'stale', actual: 2, expected: null, retryable: true },
      ])], []);
      const rows = await db.query<{ confirmed: number | null; attempts: number; retry_at: string | null; last_error: string }>(
        `select confirmed, attempts, retry_at::text as retry_at, last_error from desired order by listing_id`);
      assert.equal(rows[0]!.attempts, 1);
      assert.equal(rows[0]!.last_error, 'unknown item');
      const wait = Date.parse(rows[0]!.retry_at!) - Date.parse(at(1000));
      assert.ok(wait >= 2500 && wait <= 5000, `the rejected listing backs off by itself (${wait} ms)`);
      assert.deepEqual([rows[1]!.confirmed, rows[1]!.retry_at], [2, null], 'drift: the store\'s level confirmed, no backoff of its own');
      assert.equal((await db.query(`select 1 from drift where listing_id = $1`, [b])).length, 1);
      await finishPushes(db, 'owner', at(9000), backoff, [push([{ listingId: a, quantity: 7, lagMs: 8000 }])], []);
      const fixed = await db.query<{ confirmed: number; attempts: number; retry_at: string | null }>(`select confirmed, attempts, retry_at from desired where listing_id = $1`, [a]);
      assert.deepEqual(fixed.map((r) => [r.confirmed, r.attempts, r.retry_at]), [[7, 0, null]], 'an acknowledgement clears it');
    } finally {
      await close();
    }
  });
}
