/**
 * The database's faults: backends terminated mid-stream (what a failover, a restart or an idle-connection reaper
 * does) must not end the process or lose an acknowledged event, and the LISTEN connection must come back and
 * catch up; while the database is away the API answers 503.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { testConnector } from '../../src/connectors/test/index.ts';
import { installErrorHandling } from '../../src/http/errors.ts';
import { healthRoutes } from '../../src/http/routes/health.ts';
import { openPostgres } from '../../src/store/db-postgres.ts';
import { DESIRED_CHANNEL } from '../../src/store/ops/desired.ts';
import { migrate } from '../../src/store/migrate.ts';
import type { RouteDeps, TypedApp } from '../../src/http/types.ts';
import { addListings, addRetailer, addStore, at, DATABASE_URL, FakeClock, newEngine, serverReachable, SKIP_SERVER, waitFor } from './helpers.ts';

async function terminate(appName: string): Promise<number> {
  const c = new pg.Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    const r = await c.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name like $1 || '%' and pid <> pg_backend_pid()`, [appName]);
    return r.rowCount ?? 0;
  } finally {
    await c.end();
  }
}

test('backends terminated mid-stream: the process stays up, reconnects, applies every acknowledged event, and every store converges (postgres)', async (t) => {
  if (!(await serverReachable())) return t.skip(SKIP_SERVER);
  const appName = `dropsync-fault-${randomBytes(4).toString('hex')}`;
  const schema = `f_${randomBytes(6).toString('hex')}`;
  const logs: string[] = [];
  const db = await openPostgres(DATABASE_URL, { schema, applicationName: appName, log: (m) => logs.push(m) });
  try {
    await migrate(db);
    // Real time: a store whose push failed when its backend was terminated backs off and is retried by the sweep.
    const clock = new (class extends FakeClock { override now() { return Date.now(); } })();
    const { engine, supplierId: sup } = await newEngine(db, clock, { sweepMs: 200, warmMs: 200 });
    let notifications = 0;
    const unlisten = await db.listen(DESIRED_CHANNEL, (p) => { if (p !== '') notifications++; });
    const skus = Array.from({ length: 20 }, (_, i) => `S${i}`);
    const stores: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, s, skus);
      stores.push(s);
    }
    await engine.start();
    const expected = new Map<string, number>();
    let acknowledged = 0;
    let failedCalls = 0;
    let kills = 0;
    try {
      for (let batch = 0; batch < 40; batch++) {
        const events = skus.slice(0, 5).map((_, j) => {
          const sku = skus[(batch * 5 + j) % skus.length]!;
          return { id: `f-${batch}-${j}`, sku, location: 'main', kind: 'adjust' as const, delta: 1 + j, occurredAt: at(clock, batch) };
        });
        if (batch % 10 === 5) kills += await terminate(appName);
        // A client re-sends a batch whose call failed; ids make the replay harmless.
        for (let attempt = 0; ; attempt++) {
          try {
            await engine.ingestEvents(sup, events);
            break;
          } catch (err) {
            failedCalls++;
            if (attempt > 50) throw err;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
        acknowledged++;
        for (const e of events) expected.set(e.sku, (expected.get(e.sku) ?? 0) + e.delta);
      }
      assert.ok(kills >= 4, `backends were terminated (${kills})`);
      assert.equal(acknowledged, 40);
      const ledger = await db.query<{ n: number }>(`select count(distinct ref)::int as n from ledger where ref like 'f-%'`);
      assert.equal(ledger[0]!.n, 200, 'every acknowledged event applied exactly once');
      for (const [sku, qty] of expected) {
        assert.equal((await engine.getSku(sup, sku)).quantities.onHand, qty, `on hand of ${sku}`);
      }
      // Every store converges.
      await waitFor(async () => (await db.query(`select 1 from desired where confirmed is distinct from desired`)).length === 0, 'every store to converge', 30_000);
      for (const s of stores) {
        const rows = await db.query<{ external_id: string; desired: number }>(`select external_id, desired from desired where store_id = $1`, [s]);
        for (const r of rows) assert.equal(testConnector(s).levels.get(r.external_id), r.desired);
      }
      assert.ok(logs.some((l) => l.includes('LISTEN connection back')), 'the LISTEN connection reconnected');
      // The LISTEN connection is back on its channels: a change after the faults is notified again.
      const listening = async () => {
        const c = new pg.Client({ connectionString: DATABASE_URL });
        await c.connect();
        try { return ((await c.query(`select 1 from pg_stat_activity where application_name = $1 and state = 'idle'`, [`${appName}:listen`])).rowCount ?? 0) > 0; } finally { await c.end(); }
      };
      await waitFor(listening, 'the LISTEN connection to be up');
      const backs = logs.filter((l) => l.includes('LISTEN connection back')).length;
      await terminate(appName);
      await waitFor(() => logs.filter((l) => l.includes('LISTEN connection back')).length > backs, 'the next reconnect');
      const before = notifications;
      await engine.ingestEvents(sup, [{ id: 'after', sku: 'S1', location: 'main', kind: 'adjust', delta: 100, occurredAt: at(clock, 99) }]);
      const shownS1 = async () => {
        const rows = await db.query<{ store_id: string; desired: number; confirmed: number | null }>(`select store_id, desired, confirmed from desired where sku = 'S1'`);
        return rows.every((r) => r.desired === r.confirmed && testConnector(r.store_id).levels.get('ext-S1') === r.desired);
      };
      await waitFor(shownS1, 'the change after the reconnect to reach every store', 15_000);
      await waitFor(() => notifications > before, 'its notification on the LISTEN connection made again');
    } finally {
      await engine.stop();
      await unlisten();
    }
  } finally {
    await db.close();
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`drop schema if exists "${schema}" cascade`).finally(() => c.end());
  }
});

test('while the database is away, /readyz answers 503 and the API 503, and the process stays up', async () => {
  // A server that is not there: every query fails to connect.
  const away = await openPostgres('postgres://postgres@127.0.0.1:1/none', { connectTimeoutMs: 500 });
  const app = Fastify();
  installErrorHandling(app);
  healthRoutes(app as unknown as TypedApp, { db: away } as unknown as RouteDeps);
  app.get('/v1/thing', async () => { await away.query('select 1'); return {}; });
  // A terminated backend's error, as pg reports it.
  app.get('/v1/terminated', async () => { throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }); });
  try {
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 503);
    const api = await app.inject({ method: 'GET', url: '/v1/thing' });
    assert.equal(api.statusCode, 503);
    assert.equal(api.json().error.kind, 'unavailable');
    assert.equal(api.headers['retry-after'], '1');
    assert.equal((await app.inject({ method: 'GET', url: '/v1/terminated' })).statusCode, 503);
  } finally {
    await app.close();
    await away.close();
  }
});
