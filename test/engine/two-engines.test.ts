import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { createEngine, createSupplier, type Engine } from '../../src/engine/index.ts';
import { openDatabase } from '../../src/store/index.ts';
import type { Db } from '../../src/store/types.ts';
import { addListings, addRetailer, addStore, DATABASE_URL, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const clock = { now: () => Date.now() };

async function converged(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>(`select count(*)::int as n from desired where confirmed is distinct from desired`);
  // A lease is released just after the push's confirmation commits, so wait for both.
  const leased = await db.query<{ n: number }>(`select count(*)::int as n from stores where lease_owner is not null`);
  return rows[0]!.n === 0 && leased[0]!.n === 0;
}

async function waitFor(check: () => Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const v of variants) {
  test(`two engines on one database share the stores, never pushing one store twice at once (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, schema, close } = await v.open();
    // On the server each engine has its own pool and its own LISTEN connection, like two processes.
    const db2 = v.name === 'postgres' ? await openDatabase({ databaseUrl: DATABASE_URL, schema: schema!, migrate: false }) : db;
    const engines: Engine[] = [];
    try {
      const sup = await createSupplier(db, clock, { name: 'two' });
      const stores: string[] = [];
      const skus = Array.from({ length: 20 }, (_, i) => `T${i}`);
      for (let i = 0; i < 10; i++) {
        const s = await addStore(db, sup, await addRetailer(db, sup), { config: { maxBatch: 7 } });
        await addListings(db, sup, s, skus);
        testConnector(s).delayMs = 3;
        stores.push(s);
      }
      // Stores stay with a process for a while after their last push (warm runs), and a process learns that another
      // has started at its next heartbeat (a third of the lease): a short lease lets the shares settle in the test.
      engines.push(createEngine({ db, clock, processId: 'one', sweepMs: 100, reconcile: false, leaseMs: 1500 }));
      engines.push(createEngine({ db: db2, clock, processId: 'two', sweepMs: 100, reconcile: false, leaseMs: 1500 }));
      const pushedBy = [0, 0];
      engines.forEach((e, i) => e.on('pushed', () => { pushedBy[i]!++; }));
      await Promise.all(engines.map((e) => e.start()));
      for (let round = 0; round < 10; round++) {
        const engine = engines[round % 2]!;
        await engine.ingestEvents(sup, skus.map((sku, i) => ({
          id: `r${round}-${i}`, sku, location: 'main', kind: 'set' as const, quantity: 10 + round + i, occurredAt: new Date().toISOString(),
        })));
        await new Promise((r) => setTimeout(r, 200));
      }
      await waitFor(() => converged(db), 'every store to converge');
      for (const s of stores) {
        const c = testConnector(s);
        assert.equal(c.overlaps, 0, `store ${s} was pushed by two at once`);
        for (const [i, sku] of skus.entries()) assert.equal(c.levels.get(`ext-${sku}`), 19 + i);
      }
      // On the server both processes take part; on PGlite (one connection) whoever is woken first may take everything.
      if (v.name === 'postgres') assert.ok(pushedBy[0]! > 0 && pushedBy[1]! > 0, `both engines pushed (${pushedBy})`);
      const owners = await db.query<{ n: number }>(`select count(*)::int as n from stores where lease_owner is not null`);
      assert.equal(owners[0]!.n, 0, 'leases are released after each push');
    } finally {
      await Promise.all(engines.map((e) => e.stop()));
      if (db2 !== db) await db2.close();
      await close();
    }
  });
}
