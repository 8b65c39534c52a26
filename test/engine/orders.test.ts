import { test } from 'node:test';
import assert from 'node:assert/strict';
import { testConnector } from '../../src/connectors/test/index.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, serverReachable, SKIP_SERVER, variants } from './helpers.ts';

for (const v of variants) {
  test(`last-units race: 5 stores x 200 concurrent orders against 100 units (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open({ poolSize: 12 });
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock);
      const stores: string[] = [];
      for (let i = 0; i < 5; i++) {
        const s = await addStore(db, sup, await addRetailer(db, sup, { conflictAction: i === 0 ? 'notify' : 'cancel', oversellCost: 25 }));
        await addListings(db, sup, s, ['LAST']);
        stores.push(s);
      }
      await engine.ingestEvents(sup, [{ id: evId(), sku: 'LAST', location: 'main', kind: 'set', quantity: 100, occurredAt: at(clock) }]);
      const orders = stores.flatMap((s) => Array.from({ length: 200 }, (_, i) => ({ s, i })));
      // Interleave stores so the race is between stores, not within one.
      orders.sort((a, b) => a.i - b.i);
      const results = await Promise.all(orders.map(({ s, i }) =>
        engine.submitOrder(sup, s, { platformOrderId: `#${i}`, lines: [{ sku: 'LAST', quantity: 1 }] }, 'webhook')));
      const accepted = results.filter((r) => r.status === 'accepted').length;
      assert.equal(accepted, 100);
      assert.equal(results.filter((r) => r.status === 'conflict').length, 900);
      const view = await engine.getSku(sup, 'LAST');
      assert.equal(view.quantities.committed, 100);
      assert.ok(view.quantities.committed <= view.quantities.onHand);
      assert.equal(view.quantities.atp, 0);
      // Every line in the ledger kept committed <= onHand.
      const worst = await db.query<{ n: number }>(`select count(*)::int as n from ledger where supplier_id = $1 and committed > on_hand`, [sup]);
      assert.equal(worst[0]!.n, 0);
      const costs = await db.query<{ n: number; cost: number }>(`select count(*)::int as n, sum(cost)::float as cost from conflicts where supplier_id = $1`, [sup]);
      assert.deepEqual(costs[0], { n: 900, cost: 900 * 25 });
      // Desired everywhere is 0 now.
      assert.ok(view.stores.every((s) => s.desired === 0));

      // Replayed orders change nothing.
      const again = await engine.submitOrder(sup, stores[0]!, { platformOrderId: '#0', lines: [{ sku: 'LAST', quantity: 1 }] }, 'poll');
      assert.equal(again.duplicate, true);
      assert.equal((await engine.getSku(sup, 'LAST')).quantities.committed, 100);

      // Compensation after commit: cancel-action stores get cancellations with codes, the notify store a notice.
      while ((await engine.compensatePending()) > 0) { /* drain */ }
      const rows = await db.query<{ status: string; action: string; code: string | null }>(`select status, action, code from conflicts where supplier_id = $1`, [sup]);
      assert.ok(rows.every((r) => r.status === 'done'));
      assert.ok(rows.filter((r) => r.action === 'cancel').every((r) => r.code?.startsWith('SORRY-')));
      assert.equal(stores.reduce((n, s) => n + testConnector(s).compensations.length, 0), 900);
    } finally {
      await close();
    }
  });

  test(`orders: partial, unknown SKU, holds, fulfil, cancel, compensation retry (${v.name})`, async (t) => {
    if (v.name === 'postgres' && !(await serverReachable())) return t.skip(SKIP_SERVER);
    const { db, close } = await v.open();
    try {
      const clock = new FakeClock();
      const { engine, supplierId: sup } = await newEngine(db, clock);
      const r1 = await addRetailer(db, sup);
      const s1 = await addStore(db, sup, r1);
      const s2 = await addStore(db, sup, await addRetailer(db, sup));
      await addListings(db, sup, s1, ['A']);
      await addListings(db, sup, s2, ['A']);
      await engine.ingestEvents(sup, [{ id: evId(), sku: 'A', location: 'main', kind: 'set', quantity: 10, occurredAt: at(clock) }]);

      // A hold reduces atp everywhere at once.
      const hold = await engine.createHold(sup, { sku: 'A', quantity: 4, storeId: s1 });
      let view = await engine.getSku(sup, 'A');
      assert.equal(view.quantities.held, 4);
      assert.equal(view.quantities.atp, 6);
      await assert.rejects(engine.createHold(sup, { sku: 'A', quantity: 7 }), /only 6 available/);
      await assert.rejects(engine.createHold(sup, { sku: 'A', quantity: 1, ttlSeconds: 60 }), /ttlSeconds/);

      // The order converting the hold gets its units even though others could not.
      const o1 = await engine.submitOrder(sup, s1, { platformOrderId: '1001', holdId: hold.id, lines: [{ sku: 'A', quantity: 4 }, { sku: 'NOPE', quantity: 1 }] }, 'webhook');
      assert.equal(o1.status, 'accepted');
      assert.deepEqual(o1.lines.map((l) => [l.sku, l.accepted, l.unknownSku]), [['A', 4, false], ['NOPE', 0, true]]);
      view = await engine.getSku(sup, 'A');
      assert.deepEqual([view.quantities.held, view.quantities.committed, view.quantities.atp], [0, 4, 6]);

      // Partial: 8 wanted, 6 available.
      testConnector(s2).compensateFailCalls = 1;
      const o2 = await engine.submitOrder(sup, s2, { platformOrderId: '2001', lines: [{ sku: 'A', quantity: 8 }] }, 'webhook');
      assert.equal(o2.status, 'partial');
      assert.deepEqual([o2.lines[0]!.accepted, o2.lines[0]!.short], [6, 2]);
      assert.equal(o2.conflictIds.length, 1);
      assert.equal(await engine.compensatePending(), 1);
      let c = (await db.query<{ status: string; attempts: number }>(`select status, attempts from conflicts where id = $1`, [o2.conflictIds[0]]))[0]!;
      assert.deepEqual(c, { status: 'pending', attempts: 1 });
      assert.equal(await engine.compensatePending(), 0, 'not due before its backoff');
      clock.advance(10 * 60_000);
      assert.equal(await engine.compensatePending(), 1);
      c = (await db.query<{ status: string; attempts: number }>(`select status, attempts from conflicts where id = $1`, [o2.conflictIds[0]]))[0]!;
      assert.deepEqual(c, { status: 'done', attempts: 2 });
      assert.equal(testConnector(s2).compensations[0]!.lines[0]!.shortBy, 2);

      // Cancel returns units; fulfil ships them (committed and on-hand both drop).
      await engine.cancelOrder(sup, o2.orderId);
      view = await engine.getSku(sup, 'A');
      assert.deepEqual([view.quantities.onHand, view.quantities.committed], [10, 4]);
      await engine.fulfilOrder(sup, o1.orderId);
      view = await engine.getSku(sup, 'A');
      assert.deepEqual([view.quantities.onHand, view.quantities.committed, view.quantities.atp], [6, 0, 6]);
      await assert.rejects(engine.cancelOrder(sup, o1.orderId), /already fulfilled/);
      assert.equal((await engine.fulfilOrder(sup, o1.orderId)).duplicate, true);

      // Expired holds are released by the sweep using the clock.
      await engine.createHold(sup, { sku: 'A', quantity: 5 });
      assert.equal(await engine.expireHolds(), 0);
      clock.advance(15 * 60_000);
      assert.equal(await engine.expireHolds(), 1);
      view = await engine.getSku(sup, 'A');
      assert.equal(view.quantities.held, 0);
      assert.equal(view.ledger[0]!.kind, 'hold_expire');

      // Webhook entry: order by externalId, cancel webhook, duplicate deliveries.
      const w = await engine.receiveOrder(s1, { platformOrderId: '3001', createdAt: at(clock), status: 'open', lines: [{ sku: null, externalId: 'ext-A', quantity: 2 }] }, 'webhook');
      assert.deepEqual([w.status, w.lines[0]!.sku], ['accepted', 'A']);
      const cancelled = await engine.receiveOrderCancelled(s1, '3001');
      assert.equal(cancelled?.status, 'cancelled');
      assert.equal(await engine.recordDelivery(s1, 'd-1'), true);
      assert.equal(await engine.recordDelivery(s1, 'd-1'), false);
      assert.equal((await engine.storeSync(s1)).webhooksSeen, 1);
    } finally {
      await close();
    }
  });
}
