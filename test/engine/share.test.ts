import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const until = async (cond: () => Promise<boolean>, what: string) => {
  for (let i = 0; i < 100; i++) { if (await cond()) return; await new Promise((r) => setTimeout(r, 20)); }
  assert.fail(`timed out waiting for ${what}`);
};

// With two live dispatchers, one process leases at most half the stores at once, so under sustained traffic the
// processes take turns; when the other one stops, its share comes back at the next heartbeat.
for (const v of variants) {
  test(`each live dispatcher holds at most its share of the stores (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const leaseMs = 300;
      const { engine, supplierId: sup } = await newEngine(db, clock, { processId: 'A', leaseMs, pushTimeoutMs: 60_000, sweepMs: 60_000 });
      const stores: string[] = [];
      for (let i = 0; i < 10; i++) {
        const store = await addStore(db, sup, await addRetailer(db, sup));
        await addListings(db, sup, store, ['S']);
        stores.push(store);
      }
      const opens = stores.map((s) => testConnector(s).stall());
      // Another dispatcher, alive: its heartbeat (by the database's clock) renewed every 50 ms until it goes.
      const beatB = () => db.query(`insert into dispatchers (owner, seen_at) values ('B', clock_timestamp()) on conflict (owner) do update set seen_at = excluded.seen_at`);
      await beatB();
      let bAlive = true;
      const bLoop = (async () => { while (bAlive) { await beatB(); await new Promise((r) => setTimeout(r, 50)); } })();
      await engine.ingestEvents(sup, [{ id: evId(), sku: 'S', location: 'main', kind: 'set', quantity: 5, occurredAt: at(clock) }]);
      const leasedByA = async () => (await db.query<{ n: number }>(`select count(*)::int as n from stores where lease_owner = 'A'`))[0]!.n;
      await engine.start();
      try {
        await until(async () => (await leasedByA()) === 5, 'A to lease its half');
        // Two more heartbeats of A (each a chance to claim more) and it still holds five.
        const seenA = async () => (await db.query<{ t: string }>(`select seen_at::text as t from dispatchers where owner = 'A'`))[0]?.t ?? '';
        for (let beats = 0; beats < 2; beats++) { const s0 = await seenA(); await until(async () => (await seenA()) !== s0, "A's heartbeat"); }
        assert.equal(await leasedByA(), 5, 'A holds 5 of 10 stores while B is live');
        bAlive = false;
        await bLoop;
        await db.query(`delete from dispatchers where owner = 'B'`);
        await until(async () => (await leasedByA()) === 10, 'A to take B\'s share');
      } finally {
        bAlive = false;
        for (const open of opens) open();
        await engine.stop();
      }
      for (const s of stores) assert.equal(testConnector(s).levels.get('ext-S'), 5);
      assert.equal((await db.query(`select 1 from dispatchers where owner = 'A'`)).length, 0, 'a clean stop unregisters');
    } finally {
      await close();
    }
  });
}
