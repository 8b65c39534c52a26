import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bufferAdvice, computeBuffer, formulaPercent, resolveRule, resolveRuleWithScope, roundUpToFive, syncClass, tablePercent, velocityClass,
} from '../../src/domain/index.ts';

test('percent buffer rounds up; units buffer is fixed', () => {
  assert.deepEqual(computeBuffer({ percent: 5 }, 201, 201), { units: 11, percent: 5, notViable: false });
  assert.deepEqual(computeBuffer({ units: 10 }, 300, 300), { units: 10, percent: undefined, notViable: false });
  assert.deepEqual(computeBuffer(undefined, 300, 300), { units: 0, percent: undefined, notViable: false });
});

test('formula: the seed example 200 units, 15/day, 4 h = 1.25% -> 5% -> 10 units, show 190', () => {
  assert.ok(Math.abs(formulaPercent(15, 4 * 3600, 200) - 1.25) < 1e-12);
  assert.equal(roundUpToFive(1.25), 5);
  const advice = bufferAdvice(200, 15, 4 * 3600);
  assert.equal(advice.roundedPercent, 5);
  assert.equal(advice.bufferUnits, 10);
  assert.equal(advice.shown, 190);
});

test('formula rounding: 0 stays 0, a multiple of 5 stays, everything else goes up, capped at 100', () => {
  assert.equal(roundUpToFive(0), 0);
  assert.equal(roundUpToFive(5), 5);
  assert.equal(roundUpToFive(5.0001), 10);
  assert.equal(roundUpToFive(0.01), 5);
  assert.equal(roundUpToFive(250), 100);
  assert.equal(formulaPercent(0, 86400, 100), 0);
  assert.equal(formulaPercent(1, 86400, 0), 100);
});

test('sync classes: real-time up to 5 s, hourly up to 1 h, daily beyond', () => {
  assert.equal(syncClass(0), 'realtime');
  assert.equal(syncClass(5), 'realtime');
  assert.equal(syncClass(5.001), 'hourly');
  assert.equal(syncClass(3600), 'hourly');
  assert.equal(syncClass(3601), 'daily');
});

test('velocity classes: slow < 1, medium 1-10, fast above 10 to 50, high above 50', () => {
  assert.equal(velocityClass(0.99), 'slow');
  assert.equal(velocityClass(1), 'medium');
  assert.equal(velocityClass(10), 'medium');
  assert.equal(velocityClass(10.5), 'fast');
  assert.equal(velocityClass(50), 'fast');
  assert.equal(velocityClass(51), 'high');
});

test('the seed table, every cell', () => {
  const day = 86400, hour = 3600, rt = 2;
  const expected: [number, number, number | null][] = [
    [0.5, day, 10], [0.5, hour, 5], [0.5, rt, 2],
    [5, day, 20], [5, hour, 10], [5, rt, 5],
    [20, day, 35], [20, hour, 15], [20, rt, 5],
    [80, day, null], [80, hour, 25], [80, rt, 10],
  ];
  for (const [velocity, delay, percent] of expected) assert.equal(tablePercent(velocity, delay), percent, `${velocity}/day, ${delay}s`);
  assert.deepEqual(computeBuffer({ table: { velocity: 80, syncDelaySeconds: day } }, 100, 100), { units: 0, percent: undefined, notViable: true });
  assert.deepEqual(computeBuffer({ table: { velocity: 20, syncDelaySeconds: hour } }, 100, 100), { units: 15, percent: 15, notViable: false });
});

test('scope resolution: SKU, else category, else global', () => {
  assert.deepEqual(resolveRule({ sku: { units: 1 }, category: { units: 2 }, global: { units: 3 } }), { units: 1 });
  assert.deepEqual(resolveRule({ category: { units: 2 }, global: { units: 3 } }), { units: 2 });
  assert.deepEqual(resolveRule({ global: { percent: 5 } }), { percent: 5 });
  assert.equal(resolveRule({}), undefined);
  assert.equal(resolveRule({ sku: 0, global: 3 }), 0); // a rule of 0 at SKU scope still wins
  assert.deepEqual(resolveRuleWithScope({ category: 4, global: 3 }), { rule: 4, scope: 'category' });
  assert.equal(resolveRuleWithScope({}), undefined);
});
