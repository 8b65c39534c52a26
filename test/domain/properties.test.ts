import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { STRATEGIES, allocate, allocateSku, largestRemainder } from '../../src/domain/index.ts';
import type { RetailerAllocationInput, SkuAllocationInput, Strategy } from '../../src/domain/index.ts';

const PARTITIONING: Strategy[] = ['equal', 'proportional', 'priority'];

const retailerArb: fc.Arbitrary<RetailerAllocationInput> = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9]{1,4}$/),
    ceiling: fc.option(fc.nat(400), { nil: undefined }),
    floorShare: fc.double({ min: 0, max: 1, noNaN: true }),
    floorMax: fc.nat(150),
    tier: fc.integer({ min: 1, max: 4 }),
    velocity: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 100, noNaN: true })),
    historyDays: fc.nat(90),
    excluded: fc.boolean(),
  })
  .map(({ floorShare, floorMax, ...r }) => {
    // floor <= ceiling, as validation guarantees.
    const floor = Math.floor(floorShare * (r.ceiling ?? floorMax));
    return { ...r, floor };
  });

const retailersArb = fc.uniqueArray(retailerArb, { maxLength: 8, selector: (r) => r.id });
const strategyArb = fc.constantFrom(...STRATEGIES);
const poolArb = fc.nat(1000);

const active = (rs: RetailerAllocationInput[]) => rs.filter((r) => !r.excluded);
const sum = (shown: Record<string, number>) => Object.values(shown).reduce((a, b) => a + b, 0);

test('every result is an integer >= 0, never above a ceiling, excluded get 0, one key per retailer', () => {
  fc.assert(fc.property(poolArb, retailersArb, strategyArb, (pool, retailers, strategy) => {
    const shown = allocate(pool, retailers, strategy);
    assert.deepEqual(Object.keys(shown).sort(), retailers.map((r) => r.id).sort());
    for (const r of retailers) {
      const units = shown[r.id]!;
      assert.ok(Number.isInteger(units) && units >= 0, `${r.id}: ${units}`);
      if (r.ceiling !== undefined) assert.ok(units <= r.ceiling, `${r.id} above ceiling`);
      if (r.excluded) assert.equal(units, 0);
      assert.ok(units <= pool, 'nobody sees more than the pool');
    }
  }), { numRuns: 500 });
});

test('partitioning strategies show at most the pool in total, exactly the pool unless ceilings hold it back', () => {
  fc.assert(fc.property(poolArb, retailersArb, fc.constantFrom(...PARTITIONING), (pool, retailers, strategy) => {
    const total = sum(allocate(pool, retailers, strategy));
    const room = active(retailers).reduce((a, r) => a + (r.ceiling ?? Infinity), 0);
    assert.equal(total, Math.min(pool, room));
  }), { numRuns: 500 });
});

test('hybrid gives every retailer at least its floor whenever the pool covers all floors', () => {
  fc.assert(fc.property(poolArb, retailersArb, (pool, retailers) => {
    const floors = active(retailers).reduce((a, r) => a + (r.floor ?? 0), 0);
    fc.pre(pool >= floors);
    const shown = allocate(pool, retailers, 'hybrid');
    for (const r of active(retailers)) assert.ok(shown[r.id]! >= (r.floor ?? 0), r.id);
  }), { numRuns: 500 });
});

test('hybrid below the floors partitions exactly the pool, each at most its floor', () => {
  fc.assert(fc.property(fc.double({ min: 0, max: 0.999, noNaN: true }), retailersArb, (share, retailers) => {
    const floors = active(retailers).reduce((a, r) => a + (r.floor ?? 0), 0);
    const pool = Math.floor(share * floors);
    fc.pre(pool < floors);
    const shown = allocate(pool, retailers, 'hybrid');
    assert.equal(sum(shown), pool);
    for (const r of active(retailers)) assert.ok(shown[r.id]! <= (r.floor ?? 0), r.id);
  }), { numRuns: 300 });
});

test('same input, same output (also for a reordered copy of the retailers)', () => {
  fc.assert(fc.property(poolArb, retailersArb, strategyArb, (pool, retailers, strategy) => {
    const a = allocate(pool, retailers, strategy);
    assert.deepEqual(allocate(pool, structuredClone(retailers), strategy), a);
    const reversed = allocate(pool, [...retailers].reverse(), strategy);
    for (const r of retailers) assert.equal(reversed[r.id], a[r.id]);
  }), { numRuns: 300 });
});

test('largest remainder sums exactly and stays within 1 of each quota', () => {
  fc.assert(fc.property(fc.nat(10_000), fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 12 }), (total, weights) => {
    const weightSum = weights.reduce((a, b) => a + b, 0);
    fc.pre(weightSum > 0);
    const quotas = weights.map((w) => (total * w) / weightSum);
    const units = largestRemainder(quotas, total);
    assert.equal(units.reduce((a, b) => a + b, 0), total);
    units.forEach((u, i) => {
      assert.ok(Number.isInteger(u) && u >= 0);
      assert.ok(Math.abs(u - quotas[i]!) < 1 + 1e-9);
    });
  }), { numRuns: 500 });
});

const skuArb: fc.Arbitrary<SkuAllocationInput> = fc.record({
  onHand: fc.nat(2000),
  committed: fc.nat(300),
  held: fc.nat(100),
  ownReserve: fc.option(fc.oneof(fc.record({ units: fc.nat(500) }), fc.record({ percent: fc.double({ min: 0, max: 100, noNaN: true }) })), { nil: undefined }),
  buffer: fc.option(fc.oneof(
    fc.record({ units: fc.nat(100) }),
    fc.record({ percent: fc.double({ min: 0, max: 100, noNaN: true }) }),
    fc.record({ formula: fc.record({ velocity: fc.double({ min: 0, max: 200, noNaN: true }), syncDelaySeconds: fc.nat(7 * 86400) }) }),
    fc.record({ table: fc.record({ velocity: fc.double({ min: 0, max: 200, noNaN: true }), syncDelaySeconds: fc.nat(7 * 86400) }) }),
  ), { nil: undefined }),
  deactivationThreshold: fc.option(fc.nat(10), { nil: undefined }),
  strategy: strategyArb,
  retailers: retailersArb,
});

test('allocateSku: quantities add up in SPEC order, deactivated shows 0 everywhere, overlap is the excess', () => {
  fc.assert(fc.property(skuArb, (input) => {
    const r = allocateSku(input);
    assert.equal(r.atp, input.onHand - (input.committed ?? 0) - (input.held ?? 0));
    for (const q of [r.ownReserve, r.afterReserve, r.buffer, r.pool]) assert.ok(Number.isInteger(q) && q >= 0);
    assert.equal(r.afterReserve, Math.max(0, r.atp - r.ownReserve));
    assert.equal(r.pool, Math.max(0, r.afterReserve - r.buffer));
    if (r.atp < (input.deactivationThreshold ?? 0)) assert.equal(r.deactivated, true);
    if (r.deactivated) for (const id in r.shown) assert.equal(r.shown[id], 0);
    else assert.deepEqual(r.shown, allocate(r.pool, input.retailers, input.strategy));
    assert.equal(r.overlap, Math.max(0, sum(r.shown) - r.pool));
    if (PARTITIONING.includes(input.strategy)) assert.equal(r.overlap, 0);
    assert.deepEqual(allocateSku(structuredClone(input)), r);
  }), { numRuns: 500 });
});
