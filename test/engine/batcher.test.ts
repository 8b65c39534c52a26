import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Batcher } from '../../src/engine/batcher.ts';

const tick = () => new Promise((r) => setImmediate(r));

// Confirmations go through a serial batcher: two of one listing must take effect in the order they were made, and
// whatever arrives while one statement runs goes into the next, not into a statement of its own beside it.
for (const serial of [false, true]) {
  test(`batcher (${serial ? 'serial' : 'concurrent'}): calls of a tick share a batch${serial ? '; one batch at a time, later calls in the next' : ''}`, async () => {
    const batches: number[][] = [];
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const b = new Batcher<number, number>(async (items) => {
      batches.push(items);
      most = Math.max(most, ++running);
      await new Promise<void>((r) => release.push(r));
      running--;
      return items.map((i) => i * 10);
    }, serial);
    const first = [b.add(1), b.add(2)];
    await tick();
    const second = [b.add(3), b.add(4)];
    await tick();
    const third = b.add(5);
    await tick();
    assert.deepEqual(batches, serial ? [[1, 2]] : [[1, 2], [3, 4], [5]]);
    while (release.length) { release.shift()!(); await tick(); await tick(); }
    assert.deepEqual(await Promise.all([...first, ...second, third]), [10, 20, 30, 40, 50], 'each call gets its own answer');
    assert.deepEqual(batches, serial ? [[1, 2], [3, 4, 5]] : [[1, 2], [3, 4], [5]]);
    assert.equal(most, serial ? 1 : 3);
  });
}
