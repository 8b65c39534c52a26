import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DropsyncError, formatDuration, parseDuration } from '../../src/domain/index.ts';

test('parses the units the CLI and API accept', () => {
  const cases: [string, number][] = [['5s', 5], ['15m', 900], ['4h', 14400], ['1d', 86400], ['7d', 604800], ['90s', 90], ['80ms', 0.08], ['1h30m', 5400], ['1.5h', 5400], [' 2W ', 1209600]];
  for (const [text, seconds] of cases) assert.ok(Math.abs(parseDuration(text) - seconds) < 1e-9, text);
  assert.equal(parseDuration(12), 12);
});

test('rejects bad durations naming the field', () => {
  for (const bad of ['', '5', 'h', '-5s', '5 minutes', '5x', 'abc', '1h-', null, {}, -1, Infinity]) {
    assert.throws(() => parseDuration(bad, 'buffer.formula.syncDelay'), (err: unknown) =>
      err instanceof DropsyncError && err.kind === 'invalid' && err.field === 'buffer.formula.syncDelay', String(bad));
  }
});

test('formats seconds compactly', () => {
  assert.equal(formatDuration(14400), '4h');
  assert.equal(formatDuration(90), '1m 30s');
  assert.equal(formatDuration(0.08), '80ms');
  assert.equal(formatDuration(93600), '1d 2h');
});
