import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliRun as Run } from '../support/cli.ts';

/** Runs the real binary, feeding stdin (empty unless given). */
const run = (args: string[], stdin = ''): Promise<Run> => runCli(args, stdin);

/** Bad input: exit 2, exactly one line on stderr naming the field, no stack trace, nothing on stdout. */
function assertBadInput(r: Run, field: string): void {
  assert.equal(r.code, 2, r.stderr);
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.ok(lines[0]!.includes(field), `"${lines[0]}" names ${field}`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(r.stdout, '');
}

const seed = {
  onHand: 500,
  ownReserve: { units: 200 },
  strategy: 'hybrid',
  retailers: [
    { id: 'A', floor: 80, ceiling: 200 }, { id: 'B', floor: 50, ceiling: 150 }, { id: 'C', floor: 30, ceiling: 100 },
    { id: 'D', floor: 20, ceiling: 80 }, { id: 'E', floor: 20, ceiling: 80 },
  ],
};

test('allocate: the seed hybrid example as JSON', async () => {
  const r = await run(['allocate', '--json'], JSON.stringify(seed));
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.atp, 500);
  assert.equal(out.afterReserve, 300);
  assert.equal(out.buffer, 0);
  assert.equal(out.pool, 300);
  assert.equal(out.deactivated, false);
  assert.deepEqual(out.shown, { A: 180, B: 150, C: 100, D: 80, E: 80 });
  assert.equal(out.overlap, 290);
});

test('allocate: JSON when piped, a table with --table; formula buffer with a duration string', async () => {
  const input = { onHand: 200, buffer: { formula: { velocity: 15, syncDelay: '4h' } }, strategy: 'equal', retailers: [{ id: 'A' }, { id: 'B' }] };
  const piped = await run(['allocate'], JSON.stringify(input));
  assert.equal(piped.code, 0, piped.stderr);
  assert.deepEqual(JSON.parse(piped.stdout).shown, { A: 95, B: 95 });
  const human = await run(['allocate', '--table'], JSON.stringify(input));
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /buffer 10 \(5%\) -> pool 190/);
  assert.match(human.stdout, /^A\s+95$/m);
});

test('buffer: the seed example shows 190, with the table recommendation', async () => {
  const r = await run(['buffer', '--stock', '200', '--velocity', '15', '--sync-delay', '4h', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.formulaPercent, 1.25);
  assert.equal(out.roundedPercent, 5);
  assert.equal(out.bufferUnits, 10);
  assert.equal(out.shown, 190);
  assert.deepEqual(out.table, { velocityClass: 'fast', syncClass: 'daily', viable: true, percent: 35, bufferUnits: 70, shown: 130 });
  const human = await run(['buffer', '--stock', '200', '--velocity', '15', '--sync-delay', '4h']);
  assert.match(human.stdout, /1\.25%/);
  assert.match(human.stdout, /show 190 of 200/);
});

test('calc: exposure, cost, full-sync and level', async () => {
  const [exposure, cost, fullSync, level, levelHuman] = await Promise.all([
    run(['calc', 'exposure', '--skus', '500', '--velocity', '2', '--sync-delay', '1d', '--json']),
    run(['calc', 'cost', '--orders', '5000', '--rate', '2%', '--json']),
    run(['calc', 'full-sync', '--skus', '5000', '--per-call', '1', '--calls-per-second', '2']),
    run(['calc', 'level', '--sync-delay', '90s', '--json']),
    run(['calc', 'level', '--sync-delay', '90s']),
  ]);
  assert.equal(JSON.parse(exposure.stdout).phantomUnits, 1000);
  const c = JSON.parse(cost.stdout);
  assert.deepEqual([c.oversellsPerMonth, c.costPerOversell, c.monthlyCost, c.annualCost], [100, 20, 2000, 24000]);
  assert.match(fullSync.stdout, /about 42 minutes/);
  assert.equal(JSON.parse(level.stdout).level, 3);
  assert.match(levelHuman.stdout, /level 3/);
  for (const r of [exposure, cost, fullSync, level, levelHuman]) assert.equal(r.code, 0, r.stderr);
});

test('bad input on stdin: exit 2, one line naming the field', async () => {
  const cases: [string, string][] = [
    ['{"onHand": 5,', 'stdin'],
    ['', 'stdin'],
    [JSON.stringify({ ...seed, onHand: -1 }), 'onHand'],
    [JSON.stringify({ ...seed, committed: -3 }), 'committed'],
    [JSON.stringify({ ...seed, strategy: 'lottery' }), 'strategy'],
    [JSON.stringify({ ...seed, retailers: [{ id: 'A', floor: 300, ceiling: 200 }] }), 'retailers[0].floor'],
    [JSON.stringify({ ...seed, retailers: [{ id: 'A' }, { id: 'A' }] }), 'retailers[1].id'],
    [JSON.stringify({ ...seed, buffer: { formula: { velocity: 15, syncDelay: 'four hours' } } }), 'buffer.formula.syncDelay'],
  ];
  const results = await Promise.all(cases.map(([stdin]) => run(['allocate'], stdin)));
  results.forEach((r, i) => assertBadInput(r, cases[i]![1]));
});

test('bad flags: exit 2, one line naming the flag', async () => {
  const cases: [string[], string][] = [
    [['buffer', '--stock', '200', '--velocity', '15', '--sync-delay', 'soon'], '--sync-delay'],
    [['buffer', '--stock', '-1', '--velocity', '15', '--sync-delay', '4h'], '--stock'],
    [['buffer', '--stock', '200', '--velocity', '15'], '--sync-delay'],
    [['calc', 'cost', '--orders', '5000', '--rate', 'lots'], '--rate'],
    [['calc', 'full-sync', '--skus', '5000', '--per-call', '0', '--calls-per-second', '2'], '--per-call'],
    [['calc', 'level', '--sync-delay', '90s', '--bogus'], '--bogus'],
    [['calc', 'nope'], 'nope'],
  ];
  const results = await Promise.all(cases.map(([args]) => run(args)));
  results.forEach((r, i) => assertBadInput(r, cases[i]![1]));
});
