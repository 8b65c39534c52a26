import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PushTiming, pushTimeoutMs } from '../../src/engine/push-call.ts';

const settings = { pushTimeoutMs: 20_000, pushTimeoutFactor: 4, pushTimeoutPerItemMs: 250 };

// A WooCommerce store on a real host: about 0.5 s a call and 0.14 s an item, so a batch of 100 takes ~14.5 s.
test('push timeout follows the store\'s measured time per call and per item, never a fixed 20 s', () => {
  const t = new PushTiming();
  assert.equal(pushTimeoutMs(t, 100, settings), 20_000 + 100 * 250, 'before any measurement: the floor plus an allowance per item');
  for (const n of [1, 100, 3, 100, 50, 100]) t.record(n, 500 + 140 * n);
  const expected = t.expectedMs(100)!;
  assert.ok(Math.abs(expected - 14_500) < 50, `a batch of 100 is expected to take ~14.5 s (${expected})`);
  assert.ok(Math.abs(t.expectedMs(1)! - 640) < 50, `one item ~0.64 s (${t.expectedMs(1)})`);
  assert.equal(pushTimeoutMs(t, 100, settings), Math.ceil(4 * expected), 'four times the expected duration');
  assert.equal(pushTimeoutMs(t, 1, settings), 20_000, 'never below the floor');
});

test('push timeout: calls of one size scale by size; a timed-out call counts as taking its timeout', () => {
  const t = new PushTiming();
  for (let i = 0; i < 5; i++) t.record(10, 2_000);
  const near = (a: number | null, b: number) => a !== null && Math.abs(a - b) < 1e-6 * b;
  assert.ok(near(t.expectedMs(10), 2_000));
  assert.ok(near(t.expectedMs(100), 20_000), 'ten times the items, ten times the time');
  assert.ok(near(t.expectedMs(1), 2_000), 'never below what such a call took');
  const before = pushTimeoutMs(t, 100, settings);
  t.record(100, before);
  assert.ok(pushTimeoutMs(t, 100, settings) > before, 'a store that timed out gets a longer timeout next');
});
