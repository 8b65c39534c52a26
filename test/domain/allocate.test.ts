import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocate, allocateSku, largestRemainder } from '../../src/domain/index.ts';
import type { RetailerAllocationInput } from '../../src/domain/index.ts';

const seedRetailers: RetailerAllocationInput[] = [
  { id: 'A', floor: 80, ceiling: 200 },
  { id: 'B', floor: 50, ceiling: 150 },
  { id: 'C', floor: 30, ceiling: 100 },
  { id: 'D', floor: 20, ceiling: 80 },
  { id: 'E', floor: 20, ceiling: 80 },
];

test('hybrid: the seed worked example, pool 300 -> 180/150/100/80/80', () => {
  assert.deepEqual(allocate(300, seedRetailers, 'hybrid'), { A: 180, B: 150, C: 100, D: 80, E: 80 });
});

test('hybrid: the seed example end to end, 500 on hand with 200 reserved for own channels', () => {
  const r = allocateSku({ onHand: 500, ownReserve: { units: 200 }, strategy: 'hybrid', retailers: seedRetailers });
  assert.equal(r.pool, 300);
  assert.deepEqual(r.shown, { A: 180, B: 150, C: 100, D: 80, E: 80 });
  assert.equal(r.overlap, 590 - 300);
});

test('hybrid: a pool short of the floors scales them down by floor size and shares nothing', () => {
  // Floors 80/50/30/20/20 = 200; pool 100 is exactly half.
  assert.deepEqual(allocate(100, seedRetailers, 'hybrid'), { A: 40, B: 25, C: 15, D: 10, E: 10 });
  // Pool 7: quotas 2.8, 1.75, 1.05, 0.7, 0.7 -> floors 2,1,1,0,0 (4) and 3 left by largest remainder:
  // A (.8), B (.75), then D and E tie on .7 and D wins on id.
  assert.deepEqual(allocate(7, seedRetailers, 'hybrid'), { A: 3, B: 2, C: 1, D: 1, E: 0 });
});

test('hybrid: a retailer with no floor gets nothing while the pool is short of the floors', () => {
  const shown = allocate(10, [{ id: 'a', floor: 20 }, { id: 'b' }], 'hybrid');
  assert.deepEqual(shown, { a: 10, b: 0 });
});

test('equal: splits evenly, ties of the remainder broken by tier then id', () => {
  assert.deepEqual(allocate(10, [{ id: 'c' }, { id: 'b' }, { id: 'a' }], 'equal'), { c: 3, b: 3, a: 4 });
  assert.deepEqual(allocate(10, [{ id: 'c', tier: 1 }, { id: 'b', tier: 2 }, { id: 'a', tier: 3 }], 'equal'), { c: 4, b: 3, a: 3 });
});

test('equal: what a ceiling caps flows to the others', () => {
  assert.deepEqual(allocate(100, [{ id: 'a', ceiling: 10 }, { id: 'b' }, { id: 'c', ceiling: 30 }], 'equal'), { a: 10, b: 60, c: 30 });
  // Everyone capped: the total stays below the pool.
  assert.deepEqual(allocate(100, [{ id: 'a', ceiling: 10 }, { id: 'b', ceiling: 20 }], 'equal'), { a: 10, b: 20 });
});

test('proportional: by velocity', () => {
  const shown = allocate(100, [
    { id: 'a', velocity: 6, historyDays: 60 },
    { id: 'b', velocity: 3, historyDays: 60 },
    { id: 'c', velocity: 1, historyDays: 60 },
  ], 'proportional');
  assert.deepEqual(shown, { a: 60, b: 30, c: 10 });
});

test('proportional: a retailer with under 14 days of history gets the mean weight of the others', () => {
  const shown = allocate(100, [
    { id: 'a', velocity: 6, historyDays: 60 },
    { id: 'b', velocity: 2, historyDays: 14 },
    { id: 'new', velocity: 50, historyDays: 13 },
  ], 'proportional');
  // Weights 6, 2 and mean(6, 2) = 4: 50/16.7/33.3.
  assert.deepEqual(shown, { a: 50, b: 17, new: 33 });
});

test('proportional: all new retailers share equally; all zero velocity shares equally', () => {
  assert.deepEqual(allocate(9, [{ id: 'a', velocity: 9 }, { id: 'b' }, { id: 'c', velocity: 1, historyDays: 3 }], 'proportional'), { a: 3, b: 3, c: 3 });
  assert.deepEqual(allocate(9, [{ id: 'a', historyDays: 30 }, { id: 'b', historyDays: 30 }], 'proportional'), { a: 5, b: 4 });
});

test('proportional: a capped retailer hands its excess to the others by their weights', () => {
  const shown = allocate(100, [
    { id: 'a', velocity: 8, historyDays: 60, ceiling: 20 },
    { id: 'b', velocity: 1, historyDays: 60 },
    { id: 'c', velocity: 1, historyDays: 60 },
  ], 'proportional');
  assert.deepEqual(shown, { a: 20, b: 40, c: 40 });
});

test('priority: tier 1 first, what it cannot take passes to tier 2', () => {
  const retailers: RetailerAllocationInput[] = [
    { id: 'gold1', tier: 1, ceiling: 30 },
    { id: 'gold2', tier: 1, ceiling: 20 },
    { id: 'silver', tier: 2, ceiling: 40 },
    { id: 'bronze', tier: 3 },
  ];
  assert.deepEqual(allocate(40, retailers, 'priority'), { gold1: 20, gold2: 20, silver: 0, bronze: 0 });
  assert.deepEqual(allocate(100, retailers, 'priority'), { gold1: 30, gold2: 20, silver: 40, bronze: 10 });
});

test('priority: an uncapped first tier takes the whole pool', () => {
  assert.deepEqual(allocate(7, [{ id: 'a', tier: 2 }, { id: 'b', tier: 1 }, { id: 'c', tier: 1 }], 'priority'), { a: 0, b: 4, c: 3 });
});

test('dynamic: everyone sees the whole pool up to its ceiling', () => {
  assert.deepEqual(allocate(50, [{ id: 'a' }, { id: 'b', ceiling: 20 }, { id: 'c', floor: 5, ceiling: 60 }], 'dynamic'), { a: 50, b: 20, c: 50 });
});

test('every strategy gives excluded retailers 0 and ignores their floors', () => {
  const retailers: RetailerAllocationInput[] = [{ id: 'a', floor: 10 }, { id: 'x', floor: 90, excluded: true, velocity: 100, historyDays: 90 }];
  for (const strategy of ['equal', 'proportional', 'priority', 'dynamic', 'hybrid'] as const) {
    const shown = allocate(50, retailers, strategy);
    assert.equal(shown.x, 0, strategy);
    assert.equal(shown.a, 50, strategy);
  }
});

test('an empty pool or no retailers shows nothing', () => {
  assert.deepEqual(allocate(0, seedRetailers, 'hybrid'), { A: 0, B: 0, C: 0, D: 0, E: 0 });
  assert.deepEqual(allocate(10, [], 'equal'), {});
});

test('largest remainder: exact sum, ties by the tie-break then index', () => {
  assert.deepEqual(largestRemainder([1 / 3 * 10, 1 / 3 * 10, 1 / 3 * 10], 10), [4, 3, 3]);
  assert.deepEqual(largestRemainder([10 / 3, 10 / 3, 10 / 3], 10, (i, j) => j - i), [3, 3, 4]);
  assert.deepEqual(largestRemainder([2.5, 2.5], 5), [3, 2]);
  assert.deepEqual(largestRemainder([0.1 * 3, 2.7], 3), [0, 3]);
});
