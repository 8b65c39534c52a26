import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSupplier } from '../../src/engine/index.ts';
import { FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

const T = (min: number) => new Date(Date.parse('2026-03-01T00:00:00Z') + min * 60_000).toISOString();
const onHand = async (db: import('../../src/store/types.ts').Db, sup: string, sku: string) =>
  (await db.query<{ on_hand: number }>(`select on_hand from skus where supplier_id = $1 and sku = $2`, [sup, sku]))[0]?.on_hand;

for (const v of variants) {
  test(`stock events: exactly once, stale sets, later deltas kept (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock);
      const batch = [
        { id: 'a1', sku: 'S1', location: 'main', kind: 'set' as const, quantity: 100, occurredAt: T(10) },
        { id: 'a2', sku: 'S1', location: 'main', kind: 'adjust' as const, delta: -5, occurredAt: T(11), reason: 'sale' },
      ];
      const first = await engine.ingestEvents(sup, batch);
      assert.deepEqual(first.results.map((r) => r.status), ['applied', 'applied']);
      assert.equal(first.results[0]!.createdSku, true, 'unknown SKU is created and reported');
      assert.deepEqual(first.createdSkus, ['S1']);
      assert.equal(await onHand(db, sup, 'S1'), 95);
      const ledgerBefore = (await engine.getSku(sup, 'S1')).ledger.length;

      const replay = await engine.ingestEvents(sup, batch);
      assert.deepEqual(replay.results.map((r) => r.status), ['duplicate', 'duplicate']);
      assert.equal(await onHand(db, sup, 'S1'), 95);
      assert.equal((await engine.getSku(sup, 'S1')).ledger.length, ledgerBefore, 'a replay writes no ledger line');

      // An older set is stale; a repeated id inside one batch is a duplicate.
      const stale = await engine.ingestEvents(sup, [
        { id: 'b1', sku: 'S1', location: 'main', kind: 'set', quantity: 7, occurredAt: T(5) },
        { id: 'b1', sku: 'S1', location: 'main', kind: 'set', quantity: 7, occurredAt: T(5) },
      ]);
      assert.deepEqual(stale.results.map((r) => r.status), ['stale', 'duplicate']);
      assert.equal(await onHand(db, sup, 'S1'), 95);
      const view = await engine.getSku(sup, 'S1');
      assert.equal(view.ledger[0]!.kind, 'stale');
      assert.equal(view.ledger[0]!.onHand, 95);

      // A set at T(12) after the delta at T(11): the delta happened before the count, so the count wins: 60.
      // A delta at T(20) arrives first, then a set at T(15): the later delta is kept: 40 - 3 = 37.
      await engine.ingestEvents(sup, [{ id: 'c1', sku: 'S1', location: 'main', kind: 'set', quantity: 60, occurredAt: T(12) }]);
      assert.equal(await onHand(db, sup, 'S1'), 60);
      await engine.ingestEvents(sup, [{ id: 'c2', sku: 'S1', location: 'main', kind: 'adjust', delta: -3, occurredAt: T(20) }]);
      await engine.ingestEvents(sup, [{ id: 'c3', sku: 'S1', location: 'main', kind: 'set', quantity: 40, occurredAt: T(15) }]);
      assert.equal(await onHand(db, sup, 'S1'), 37);
      // Same inside one batch.
      await engine.ingestEvents(sup, [
        { id: 'd1', sku: 'S2', location: 'main', kind: 'adjust', delta: 4, occurredAt: T(30) },
        { id: 'd2', sku: 'S2', location: 'main', kind: 'set', quantity: 10, occurredAt: T(25) },
      ]);
      assert.equal(await onHand(db, sup, 'S2'), 14);

      // Invalid events come back with the field; valid ones in the same batch apply.
      const mixed = await engine.ingestEvents(sup, [
        { id: 'e1', sku: 'S1', location: 'main', kind: 'adjust', delta: 1.5, occurredAt: T(40) },
        { id: 'e2', sku: 'S1', location: 'main', kind: 'set', quantity: -1, occurredAt: T(40) },
        { id: 'e3', sku: 'S1', location: 'main', kind: 'adjust', delta: 2, occurredAt: 'yesterday' },
        { id: 'e4', sku: '  S1 ', location: 'main', kind: 'adjust', delta: 2, occurredAt: T(40) },
      ] as never);
      assert.deepEqual(mixed.results.map((r) => r.status), ['invalid', 'invalid', 'invalid', 'applied']);
      assert.match(mixed.results[0]!.reason!, /events\[0\]\.delta/);
      assert.match(mixed.results[1]!.reason!, /events\[1\]\.quantity/);
      assert.match(mixed.results[2]!.reason!, /events\[2\]\.occurredAt/);
      assert.equal(await onHand(db, sup, 'S1'), 39);

      // Stock at a location not shared with retailers does not count in onHand.
      await db.query(`insert into locations (supplier_id, id, name, shared) values ($1, 'outlet', 'Outlet', false)`, [sup]);
      await engine.ingestEvents(sup, [{ id: 'f1', sku: 'S1', location: 'outlet', kind: 'set', quantity: 500, occurredAt: T(50) }]);
      const s1 = await engine.getSku(sup, 'S1');
      assert.equal(s1.quantities.onHand, 39);
      assert.deepEqual(s1.locations.map((l) => [l.locationId, l.onHand, l.shared]), [['main', 39, true], ['outlet', 500, false]]);

      // A case mismatch is reported, never merged.
      const near = await engine.ingestEvents(sup, [{ id: 'g1', sku: 's1', location: 'main', kind: 'adjust', delta: 1, occurredAt: T(60) }]);
      assert.match(near.results[0]!.reason!, /differs from existing SKU "S1" only in case/);
      assert.equal(await onHand(db, sup, 'S1'), 39);
      await assert.rejects(engine.ingestEvents(sup, new Array(1001).fill(batch[1])), /at most 1000/);
    } finally {
      await close();
    }
  });
}

test('property: any delivery order with replays gives the documented on-hand (pglite)', async () => {
  const { db, close } = await variants[0]!.open();
  try {
    const clock = new FakeClock();
    const { engine } = await newEngine(db, clock);
    const eventArb = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), quantity: fc.integer({ min: 0, max: 100 }), minute: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ kind: fc.constant('adjust' as const), delta: fc.integer({ min: -10, max: 10 }), minute: fc.integer({ min: 0, max: 60 }) }),
    );
    await fc.assert(fc.asyncProperty(
      fc.array(eventArb, { minLength: 1, maxLength: 12 }).chain((evs) => fc.tuple(
        fc.constant(evs),
        fc.shuffledSubarray(evs.map((_, i) => i), { minLength: evs.length, maxLength: evs.length }),
        fc.array(fc.integer({ min: 0, max: evs.length - 1 }), { maxLength: 4 }),
        fc.integer({ min: 1, max: 5 }),
      )),
      async ([evs, order, replays, batchSize]) => {
        const sup = await createSupplier(db, clock, { name: 'p' });
        const events = evs.map((e, i) => ({ id: `p${i}`, sku: 'P', location: 'main', occurredAt: T(e.minute),
          ...(e.kind === 'set' ? { kind: 'set' as const, quantity: e.quantity } : { kind: 'adjust' as const, delta: e.delta }) }));
        const delivery = [...order, ...replays].map((i) => events[i]!);
        for (let i = 0; i < delivery.length; i += batchSize) await engine.ingestEvents(sup, delivery.slice(i, i + batchSize));
        // Model: process first deliveries in order; adjust applies; set applies unless older than the newest applied set,
        // giving quantity + applied adjusts that occurred after it.
        let value = 0, lastSet: number | null = null;
        const applied: { t: number; d: number }[] = [];
        const seen = new Set<string>();
        for (const e of delivery) {
          if (seen.has(e.id)) continue;
          seen.add(e.id);
          const t = Date.parse(e.occurredAt);
          if (e.kind === 'adjust') { value += e.delta; applied.push({ t, d: e.delta }); }
          else if (lastSet === null || t >= lastSet) { value = e.quantity + applied.filter((a) => a.t > t).reduce((s, a) => s + a.d, 0); lastSet = t; }
        }
        assert.equal(await onHand(db, sup, 'P'), value);
      },
    ), { numRuns: 40 });
  } finally {
    await close();
  }
});
