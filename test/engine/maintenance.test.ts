import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineMetrics } from '../../src/engine/index.ts';
import { FakeClock, ManualClock, newEngine, serverReachable, SKIP_SERVER, variants, waitFor } from './helpers.ts';

// PGlite runs no autovacuum, so the embedded engine vacuums the tables every change rewrites; a server's
// autovacuum does that job there, and the engine leaves it alone.
for (const v of variants) {
  test(`the engine vacuums an embedded database every few minutes, and not a server (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine } = await newEngine(db, clock, { sweepMs: 20 });
      const lastVacuum = async () => (await db.query<{ v: string | null }>(
        `select last_vacuum::text as v from pg_stat_user_tables where relname = 'desired' and schemaname = current_schema()`))[0]?.v ?? null;
      await engine.start();
      try {
        // A few sweeps run (each could vacuum) before 5 minutes of clock time have passed.
        const sweeps = async () => (await engineMetrics.sweeps.get()).values[0]?.value ?? 0;
        const s0 = await sweeps();
        await waitFor(async () => (await sweeps()) >= s0 + 3, 'three sweeps');
        assert.equal(await lastVacuum(), null, 'not before its time');
        clock.advance(300_000);
        for (let i = 0; i < 50 && (await lastVacuum()) === null; i++) await new Promise((r) => setTimeout(r, 40));
        if (v.name === 'pglite') assert.notEqual(await lastVacuum(), null, 'desired was vacuumed');
        else assert.equal(await lastVacuum(), null, 'a server is left to its autovacuum');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}

// Old push_log and drift lines and lag histograms are pruned on a schedule (clock time), each after its
// retention; recent ones stay.
for (const v of variants) {
  test(`old push and drift logs and lag histograms are pruned on a schedule (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new ManualClock();
      const { engine, supplierId: sup } = await newEngine(db, clock, { scheduler: clock, pruneEveryMs: 60_000 });
      const at = (daysAgo: number) => new Date(clock.now() - daysAgo * 86_400_000).toISOString();
      for (const d of [40, 10, 1]) {
        await db.query(`insert into push_log (supplier_id, store_id, at, items, ok, failed, duration_ms) values ($1, 's', $2, 1, 1, 0, 1)`, [sup, at(d)]);
        await db.query(`insert into drift (supplier_id, store_id, listing_id, sku, expected, actual, source, at) values ($1, 's', 'l', 'k', 1, 2, 'webhook', $2)`, [sup, at(d)]);
        await db.query(`insert into push_lag_minute (store_id, minute, bucket, n) values ('s', date_trunc('minute', $1::timestamptz), 3, 1)`, [at(d)]);
      }
      const count = async (table: string) => (await db.query<{ n: number }>(`select count(*)::int as n from ${table}`))[0]!.n;
      await engine.start();
      try {
        clock.advance(60_000);
        await waitFor(async () => (await count('push_log')) === 1, 'the first prune');
        assert.equal(await count('push_log'), 1, 'push_log: 7 days (the 10-day-old line went too)');
        assert.equal(await count('drift'), 2, 'drift: 30 days');
        assert.equal(await count('push_lag_minute'), 2, 'lag histograms: 30 days');
      } finally {
        await engine.stop();
      }
    } finally {
      await close();
    }
  });
}
