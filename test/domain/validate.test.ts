import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DropsyncError, validateAllocationInput } from '../../src/domain/index.ts';

function rejects(input: unknown, field: string, message?: RegExp): void {
  assert.throws(() => validateAllocationInput(input), (err: unknown) => {
    assert.ok(err instanceof DropsyncError, 'a DropsyncError');
    assert.equal(err.kind, 'invalid');
    assert.equal(err.field, field);
    if (message) assert.match(err.message, message);
    return true;
  });
}

const ok = { onHand: 10, strategy: 'equal', retailers: [{ id: 'A' }] };

test('accepts the CLI document shape and converts durations to seconds', () => {
  const input = validateAllocationInput({
    onHand: 500, committed: 1, held: 2, ownReserve: { percent: 10 }, buffer: { formula: { velocity: 15, syncDelay: '4h' } },
    deactivationThreshold: 3, strategy: 'hybrid',
    retailers: [{ id: 'A', floor: 80, ceiling: 200, tier: 1, velocity: 4.2, historyDays: 60, excluded: false }, { id: 'B', ceiling: null }],
  });
  assert.deepEqual(input, {
    onHand: 500, committed: 1, held: 2, ownReserve: { percent: 10 }, buffer: { formula: { velocity: 15, syncDelaySeconds: 14400 } },
    deactivationThreshold: 3, strategy: 'hybrid',
    retailers: [{ id: 'A', floor: 80, ceiling: 200, tier: 1, velocity: 4.2, historyDays: 60, excluded: false }, { id: 'B' }],
  });
  assert.deepEqual(validateAllocationInput({ onHand: 1, retailers: [] }).strategy, 'hybrid');
  assert.deepEqual(validateAllocationInput({ ...ok, buffer: { table: { velocity: 1, syncDelaySeconds: 60 } } }).buffer,
    { table: { velocity: 1, syncDelaySeconds: 60 } });
});

test('names the field of every kind of bad input', () => {
  rejects(null, 'input');
  rejects([], 'input');
  rejects({ strategy: 'equal', retailers: [] }, 'onHand', /required/);
  rejects({ onHand: 1 }, 'retailers', /required/);
  rejects({ ...ok, onHand: -1 }, 'onHand', /negative/);
  rejects({ ...ok, onHand: 1.5 }, 'onHand', /whole number/);
  rejects({ ...ok, onHand: '10' }, 'onHand');
  rejects({ ...ok, onHand: 1e20 }, 'onHand', /whole number/);
  rejects({ ...ok, committed: -2 }, 'committed');
  rejects({ ...ok, held: 0.5 }, 'held');
  rejects({ ...ok, strategy: 'random' }, 'strategy', /unknown strategy "random"/);
  rejects({ ...ok, ownReserve: { units: -1 } }, 'ownReserve.units');
  rejects({ ...ok, ownReserve: { percent: 101 } }, 'ownReserve.percent');
  rejects({ ...ok, ownReserve: { units: 1, percent: 1 } }, 'ownReserve', /exactly one/);
  rejects({ ...ok, buffer: {} }, 'buffer', /exactly one/);
  rejects({ ...ok, buffer: { percent: -5 } }, 'buffer.percent');
  rejects({ ...ok, buffer: { formula: { velocity: 15, syncDelay: '4 hours' } } }, 'buffer.formula.syncDelay');
  rejects({ ...ok, buffer: { formula: { velocity: 15 } } }, 'buffer.formula.syncDelay', /required/);
  rejects({ ...ok, buffer: { table: { velocity: -1, syncDelay: '1h' } } }, 'buffer.table.velocity');
  rejects({ ...ok, deactivationThreshold: -3 }, 'deactivationThreshold');
  rejects({ ...ok, retailers: {} }, 'retailers', /array/);
  rejects({ ...ok, retailers: [{ id: 'A' }, { id: 'B', floor: 300, ceiling: 200 }] }, 'retailers[1].floor', /^retailers\[1\]\.floor: must not exceed ceiling \(200\)$/);
  rejects({ ...ok, retailers: [{ id: 'A' }, { id: 'A' }] }, 'retailers[1].id', /duplicate retailer id "A"/);
  rejects({ ...ok, retailers: [{ id: '' }] }, 'retailers[0].id');
  rejects({ ...ok, retailers: [{ id: ' A' }] }, 'retailers[0].id', /whitespace/);
  rejects({ ...ok, retailers: [{ id: 'A', tier: 0 }] }, 'retailers[0].tier');
  rejects({ ...ok, retailers: [{ id: 'A', floor: 2.5 }] }, 'retailers[0].floor');
  rejects({ ...ok, retailers: [{ id: 'A', velocity: -1 }] }, 'retailers[0].velocity');
  rejects({ ...ok, retailers: [{ id: 'A', excluded: 'yes' }] }, 'retailers[0].excluded');
  rejects({ ...ok, retailers: [{ id: 'A', celing: 5 }] }, 'retailers[0].celing', /unknown field/);
  rejects({ ...ok, onhand: 5 }, 'onhand', /unknown field/);
});
