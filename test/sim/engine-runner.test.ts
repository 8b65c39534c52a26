import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LEVELS_OPTIONS, generateWorkload, modelRealtimeRunner, retailerProfiles, type Workload } from '../../src/sim/index.ts';
import { engineRealtimeRunner } from '../../src/sim/engine-runner.ts';

/**
 * One SKU, two stores showing the whole stock (dynamic, no reserve). All 10 units sell on an own channel at
 * t=1000 s. A shopper orders 0.1 s later, while the push is still on its way (delays are 0.5-5 s): the store
 * still shows 10 and takes the order, and the engine must record the conflict. A shopper an hour later finds
 * the store at 0. A restock then lets a third order through.
 */
function raceWorkload(): Workload {
  const options = { ...DEFAULT_LEVELS_OPTIONS, skus: 1, retailers: 2, days: 1, allocation: { strategy: 'dynamic' as const, deactivationThreshold: 0 } };
  return {
    options,
    retailers: retailerProfiles(2),
    horizonSeconds: 86400,
    skus: [
      {
        sku: 'RACE-1',
        initialOnHand: 10,
        referenceStock: 10,
        events: [
          { at: 1000, delta: -10, reason: 'sale' },
          { at: 20000, delta: 5, reason: 'receiving' },
        ],
        orders: [
          { at: 1000.1, retailer: 0, quantity: 1 },
          { at: 4600, retailer: 1, quantity: 1 },
          { at: 30000, retailer: 1, quantity: 2 },
        ],
      },
    ],
  };
}

test('engine runner: an order inside the push window is a conflict the engine records; later ones see the truth', async () => {
  const outcome = await engineRealtimeRunner()(raceWorkload());
  assert.equal(outcome.level, 4);
  assert.equal(outcome.attempts, 3);
  assert.equal(outcome.accepted, 2);
  assert.equal(outcome.turnedAway, 1);
  assert.equal(outcome.oversells, 1);
  assert.match(outcome.note ?? '', /1 conflicts recorded by the engine/);
  assert.equal(outcome.scale, undefined);
  // The snapshot model's push delay gives the same answer on the same workload.
  const model = await modelRealtimeRunner(raceWorkload());
  assert.deepEqual(
    { a: model.attempts, b: model.accepted, c: model.oversells, d: model.turnedAway },
    { a: 3, b: 2, c: 1, d: 1 },
  );
});

test('engine runner on a generated catalogue sample: counts add up, scaled to the catalogue', async () => {
  const workload = generateWorkload({ ...DEFAULT_LEVELS_OPTIONS, skus: 40, ordersPerMonth: 400, days: 10, seed: 3 });
  const outcome = await engineRealtimeRunner({ sampleSkus: 10 })(workload);
  const sampled = [0, 4, 8, 12, 16, 20, 24, 28, 32, 36].reduce((n, i) => n + workload.skus[i]!.orders.length, 0);
  assert.equal(outcome.attempts, sampled);
  assert.equal(outcome.accepted + outcome.turnedAway, outcome.attempts);
  assert.deepEqual(outcome.scale, { skusRun: 10, factor: 4 });
  assert.ok(outcome.oversells <= 1, `real time on the engine oversold ${outcome.oversells}`);
});
