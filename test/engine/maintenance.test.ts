import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineMetrics } from '../../src/engine/index.ts';
import { FakeClock, newEngine, serverReachable, SKIP_SERVER, variants, waitFor } from './helpers.ts';

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
