import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DropsyncError, fullSyncPlan, oversellCost, phantomExposure, syncLevel } from '../../src/domain/index.ts';

test('phantom exposure: the seed example 500 SKUs x 2/day x 1 day = 1000', () => {
  assert.equal(phantomExposure(2, 1, 500), 1000);
  assert.equal(phantomExposure(2, 4 / 24, 500), 166.666666667);
  assert.throws(() => phantomExposure(-1, 1, 1), DropsyncError);
});

test('oversell cost: 2% of 1000 orders = 20 oversells, $400/month at the $20 default, annual x12', () => {
  assert.deepEqual(oversellCost({ orders: 1000, rate: 0.02 }), { oversellsPerMonth: 20, monthlyCost: 400, annualCost: 4800 });
  assert.deepEqual(oversellCost({ orders: 5000, rate: 0.02, costPerOversell: 25 }), { oversellsPerMonth: 100, monthlyCost: 2500, annualCost: 30000 });
  assert.deepEqual(oversellCost({ orders: 1000, rate: 0.003 }), { oversellsPerMonth: 3, monthlyCost: 60, annualCost: 720 });
  assert.throws(() => oversellCost({ orders: 10, rate: 2 }), /rate/);
});

test('sync levels by delay, the gaps filled upward to the best level whose bound the delay meets', () => {
  assert.equal(syncLevel(0.08), 4);
  assert.equal(syncLevel(5), 4);
  assert.equal(syncLevel(6), 3);
  assert.equal(syncLevel(90), 3);
  assert.equal(syncLevel(15 * 60), 3);
  assert.equal(syncLevel(30 * 60), 2);
  assert.equal(syncLevel(4 * 3600), 2);
  assert.equal(syncLevel(4 * 3600 + 1), 1);
  assert.equal(syncLevel(7 * 86400), 1);
});

test('full sync: 5,000 SKUs at 1 per call and 2 calls/s take 2,500 s, about 42 minutes', () => {
  const plan = fullSyncPlan({ skus: 5000, perCall: 1, callsPerSecond: 2 });
  assert.equal(plan.calls, 5000);
  assert.equal(plan.seconds, 2500);
  assert.equal(Math.round(plan.minutes), 42);
  assert.equal(fullSyncPlan({ skus: 5000, perCall: 250, callsPerSecond: 2 }).calls, 20);
  assert.equal(fullSyncPlan({ skus: 5001, perCall: 250, callsPerSecond: 2 }).calls, 21);
  assert.throws(() => fullSyncPlan({ skus: 1, perCall: 0, callsPerSecond: 2 }), /perCall/);
  assert.throws(() => fullSyncPlan({ skus: 1, perCall: 1, callsPerSecond: 0 }), /callsPerSecond/);
});
