import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocateSku } from '../../src/domain/index.ts';

const one = [{ id: 'r' }];

test('atp subtracts committed and held; reserve then buffer come off in that order', () => {
  const r = allocateSku({
    onHand: 500, committed: 30, held: 20, ownReserve: { percent: 10 }, buffer: { percent: 5 }, strategy: 'dynamic', retailers: one,
  });
  assert.equal(r.atp, 450);
  assert.equal(r.ownReserve, 45);
  assert.equal(r.afterReserve, 405);
  assert.equal(r.buffer, 21); // ceil(405 x 5%) = ceil(20.25)
  assert.equal(r.bufferPercent, 5);
  assert.equal(r.pool, 384);
  assert.deepEqual(r.shown, { r: 384 });
  assert.equal(r.overlap, 0);
});

test('a percent reserve rounds up (ceil of percent of atp)', () => {
  assert.equal(allocateSku({ onHand: 101, ownReserve: { percent: 10 }, strategy: 'equal', retailers: one }).ownReserve, 11);
  assert.equal(allocateSku({ onHand: 300, ownReserve: { percent: 7 }, strategy: 'equal', retailers: one }).ownReserve, 21);
});

test('the seed buffer example: 200 units, 15/day, 4 h -> 5% -> show 190', () => {
  const r = allocateSku({
    onHand: 200, buffer: { formula: { velocity: 15, syncDelaySeconds: 4 * 3600 } }, strategy: 'dynamic', retailers: one,
  });
  assert.equal(r.bufferPercent, 5);
  assert.equal(r.buffer, 10);
  assert.deepEqual(r.shown, { r: 190 });
});

test('units buffer and reserve never take more than there is', () => {
  const r = allocateSku({ onHand: 12, ownReserve: { units: 10 }, buffer: { units: 10 }, strategy: 'equal', retailers: one });
  assert.equal(r.ownReserve, 10);
  assert.equal(r.afterReserve, 2);
  assert.equal(r.buffer, 2);
  assert.equal(r.pool, 0);
  assert.deepEqual(r.shown, { r: 0 });
});

test('oversold: negative atp shows nothing', () => {
  const r = allocateSku({ onHand: 5, committed: 8, strategy: 'dynamic', retailers: one });
  assert.equal(r.atp, -3);
  assert.equal(r.afterReserve, 0);
  assert.equal(r.pool, 0);
  assert.deepEqual(r.shown, { r: 0 });
});

test('deactivation threshold zeroes every retailer when atp drops below it', () => {
  const input = { onHand: 3, deactivationThreshold: 3, strategy: 'dynamic' as const, retailers: [{ id: 'a' }, { id: 'b' }] };
  const at = allocateSku(input);
  assert.equal(at.deactivated, false);
  assert.deepEqual(at.shown, { a: 3, b: 3 });
  assert.equal(at.overlap, 3);
  const below = allocateSku({ ...input, onHand: 2 });
  assert.equal(below.deactivated, true);
  assert.equal(below.deactivatedReason, 'threshold');
  assert.deepEqual(below.shown, { a: 0, b: 0 });
  assert.equal(below.overlap, 0);
});

test('table buffer: high velocity on a daily sync is not viable: deactivated', () => {
  const r = allocateSku({ onHand: 1000, buffer: { table: { velocity: 60, syncDelaySeconds: 86400 } }, strategy: 'equal', retailers: one });
  assert.equal(r.deactivated, true);
  assert.equal(r.deactivatedReason, 'not_viable');
  assert.deepEqual(r.shown, { r: 0 });
  const hourly = allocateSku({ onHand: 1000, buffer: { table: { velocity: 60, syncDelaySeconds: 3600 } }, strategy: 'equal', retailers: one });
  assert.equal(hourly.deactivated, false);
  assert.equal(hourly.buffer, 250);
  assert.deepEqual(hourly.shown, { r: 750 });
});

test('same input, same output', () => {
  const input = { onHand: 97, ownReserve: { percent: 13 }, buffer: { percent: 7 }, strategy: 'proportional' as const,
    retailers: [{ id: 'a', velocity: 3.3, historyDays: 40 }, { id: 'b', velocity: 1.1, historyDays: 40 }, { id: 'c' }] };
  assert.deepEqual(allocateSku(input), allocateSku(structuredClone(input)));
});
