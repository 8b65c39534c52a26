/**
 * The application layer's commands write, recompute and record in one transaction: a failure injected after
 * the write (and its recompute) rolls everything back, leaving no write, no stale desired row and nothing
 * handed to the dispatcher; a success hands the committed changes on once. On PGlite and the Postgres server.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createCommands, type Actor, type AppEngine } from '../../src/app/index.ts';
import type { DesiredChanges } from '../../src/engine/index.ts';
import { createSealer } from '../../src/security/index.ts';
import type { Db } from '../../src/store/types.ts';
import { addListings, addRetailer, addStore, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from '../engine/helpers.ts';

for (const v of variants) {
  describe(`commands in one transaction (${v.name})`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let skip = false;
    let actor: Actor;
    let stores: string[];
    /** Set to make the next recompute fail after it wrote (inside the command's transaction). */
    let failAfterRecompute = false;
    const committed: DesiredChanges[] = [];
    let commands: ReturnType<typeof createCommands>;

    before(async () => {
      if (v.name === 'postgres' && !(await serverReachable())) { skip = true; return; }
      ({ db, close } = await v.open());
      const clock = new FakeClock();
      const { engine, supplierId } = await newEngine(db, clock);
      actor = { supplierId, retailerId: null };
      stores = [];
      for (let i = 0; i < 2; i++) {
        const store = await addStore(db, supplierId, await addRetailer(db, supplierId));
        await addListings(db, supplierId, store, ['TX-1', 'TX-2']);
        stores.push(store);
      }
      await db.query(`insert into stock_levels (supplier_id, sku, location_id, on_hand) values ($1, 'TX-1', 'main', 100), ($1, 'TX-2', 'main', 100)`, [supplierId]);
      await db.query(`update skus set on_hand = 100 where supplier_id = $1`, [supplierId]);
      await engine.recompute(supplierId, 'all');
      const spy: AppEngine = {
        ...engine,
        async recomputeWithin(tx, supplierId, skus, into) {
          await engine.recomputeWithin(tx, supplierId, skus, into);
          if (failAfterRecompute) { failAfterRecompute = false; throw new Error('injected after the write'); }
        },
        committed(changes) { committed.push(changes); engine.committed(changes); },
      };
      commands = createCommands({ db, clock, engine: spy, sealer: createSealer(randomBytes(32)) });
    });
    after(async () => { if (!skip) await close(); });

    const desired = async () => (await db.query<{ listing_id: string; desired: number }>(
      `select listing_id, desired from desired where supplier_id = $1 order by listing_id`, [actor.supplierId]));

    /** Runs `command` with a failure injected after its write and recompute; checks that nothing remains. */
    async function rollsBack(command: () => Promise<unknown>, unchanged: () => Promise<unknown>): Promise<void> {
      const before = { desired: await desired(), state: await unchanged() };
      const handed = committed.length;
      failAfterRecompute = true;
      await assert.rejects(command(), /injected after the write/);
      assert.deepEqual(await desired(), before.desired, 'no stale desired row remains');
      assert.deepEqual(await unchanged(), before.state, 'the write was rolled back');
      assert.equal(committed.length, handed, 'nothing was handed to the dispatcher');
    }

    test('a global rule: rolled back with its recompute; committed, every listing follows it at once', async (t) => {
      if (skip) return t.skip(SKIP_SERVER);
      const rules = () => db.query(`select scope, kind, value from rules where supplier_id = $1`, [actor.supplierId]);
      await rollsBack(() => commands.rules.set(actor, 'global', '', { ownReserve: { units: 40 } }), rules);
      const handed = committed.length;
      await commands.rules.set(actor, 'global', '', { ownReserve: { units: 40 } });
      assert.ok((await desired()).every((r) => r.desired === 60), JSON.stringify(await desired()));
      assert.equal(committed.length, handed + 1, 'handed on once, after the commit');
      assert.equal(committed.at(-1)!.count, 4);
    });

    test("a retailer's SKU setting: rolled back with its recompute", async (t) => {
      if (skip) return t.skip(SKIP_SERVER);
      const [retailerId] = (await db.query<{ retailer_id: string }>(`select retailer_id from stores where id = $1`, [stores[0]!])).map((r) => r.retailer_id);
      const settings = () => db.query(`select * from retailer_rules where supplier_id = $1`, [actor.supplierId]);
      await rollsBack(() => commands.retailers.setRule(actor, retailerId!, 'sku', 'TX-1', { excluded: true }), settings);
    });

    test('sharing a location: its units, their ledger lines and the recompute roll back together', async (t) => {
      if (skip) return t.skip(SKIP_SERVER);
      const state = async () => ({
        location: await db.query(`select shared from locations where supplier_id = $1 and id = 'main'`, [actor.supplierId]),
        onHand: await db.query(`select sku, on_hand from skus where supplier_id = $1 order by sku`, [actor.supplierId]),
        ledger: await db.query(`select count(*)::int as n from ledger where supplier_id = $1`, [actor.supplierId]),
      });
      await rollsBack(() => commands.locations.update(actor, 'main', { shared: false }), state);
      await commands.locations.update(actor, 'main', { shared: false });
      assert.ok((await desired()).every((r) => r.desired === 0), 'an unshared location shows nothing');
      await commands.locations.update(actor, 'main', { shared: true });
    });

    test('a batch of listings: none remains, nor their desired rows', async (t) => {
      if (skip) return t.skip(SKIP_SERVER);
      await db.query(`insert into skus (supplier_id, sku, listed, on_hand, created_at, updated_at) values ($1, 'TX-3', true, 5, now(), now())`, [actor.supplierId]);
      const listings = () => db.query(`select id from listings where supplier_id = $1 order by id`, [actor.supplierId]);
      await rollsBack(() => commands.listings.createMany(actor, stores.map((storeId) => ({ storeId, sku: 'TX-3', externalId: `x-${storeId}` }))), listings);
      const out = await commands.listings.createMany(actor, stores.map((storeId) => ({ storeId, sku: 'TX-3', externalId: `x-${storeId}` })));
      assert.equal(out.created, 2);
      assert.equal((await desired()).length, 6, 'one desired row per new listing, in the same commit');
    });

    test('deleting a store: it stays, with its listings and desired rows', async (t) => {
      if (skip) return t.skip(SKIP_SERVER);
      const store = () => db.query(`select s.id, count(l.id)::int as listings from stores s left join listings l on l.store_id = s.id where s.id = $1 group by s.id`, [stores[1]!]);
      await rollsBack(() => commands.stores.remove(actor, stores[1]!), store);
    });
  });
}
