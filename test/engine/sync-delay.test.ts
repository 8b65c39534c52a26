import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../src/store/types.ts';
import { SYNC_DELAY_REUSE_MS } from '../../src/engine/recompute.ts';
import { addListings, addRetailer, addStore, at, evId, FakeClock, newEngine, setRule, variants } from './helpers.ts';

// Formula buffers size themselves by the worst store's recent push lag; measuring it scans an hour of push lag,
// so it is measured at most once a minute per supplier, not by every ingest.
test('the sync delay behind formula buffers is measured once a minute, not per change', async () => {
  const { db: raw, close } = await variants[0]!.open();
  try {
    let scans = 0;
    const db: Db = {
      ...raw, kind: raw.kind,
      query: (sql, params) => { if (sql.includes('from push_lag_minute')) scans++; return raw.query(sql, params); },
      transaction: (fn) => raw.transaction((tx) => fn({ ...tx, kind: tx.kind, query: (sql, params) => { if (sql.includes('from push_lag_minute')) scans++; return tx.query(sql, params); } })),
    };
    const clock = new FakeClock();
    const { engine, supplierId: sup } = await newEngine(db, clock);
    await setRule(db, sup, 'buffer', { formula: true });
    const store = await addStore(db, sup, await addRetailer(db, sup));
    await addListings(db, sup, store, ['F']);
    const set = (q: number) => engine.ingestEvents(sup, [{ id: evId(), sku: 'F', location: 'main', kind: 'set', quantity: q, occurredAt: at(clock) }]);

    await set(100);
    assert.equal(scans, 1, 'the first recompute measures it');
    for (let q = 99; q > 90; q--) { clock.advance(1000); await set(q); }
    assert.equal(scans, 1, 'changes within the minute reuse it');
    clock.advance(SYNC_DELAY_REUSE_MS);
    await set(50);
    assert.equal(scans, 2, 'a minute later it is measured again');
  } finally {
    await close();
  }
});
