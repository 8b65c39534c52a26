import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli, type CliRun as Run } from '../support/cli.ts';

const run = (args: string[]): Promise<Run> => runCli(args);

test('simulate timeline --json: weekly gives 14 oversells, realtime 0', async () => {
  const weekly = await run(['simulate', 'timeline', '--sync', 'weekly', '--json']);
  assert.equal(weekly.code, 0, weekly.stderr);
  const w = JSON.parse(weekly.stdout);
  assert.equal(w.oversells, 14);
  assert.equal(w.oversellCost, 280);
  assert.equal(w.rows[0].storeShows, 30);
  const realtime = await run(['simulate', 'timeline', '--sync', 'realtime', '--json']);
  assert.equal(realtime.code, 0, realtime.stderr);
  assert.equal(JSON.parse(realtime.stdout).oversells, 0);
});

test('simulate timeline --sync all --json: one result per sync, oversells falling', async () => {
  const r = await run(['simulate', 'timeline', '--sync', 'all', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const all = JSON.parse(r.stdout) as { sync: string; oversells: number }[];
  assert.deepEqual(all.map((x) => [x.sync, x.oversells]), [['weekly', 14], ['daily', 2], ['hourly', 0], ['15m', 0], ['1m', 0], ['realtime', 0]]);
});

test('simulate timeline prints the seed\'s table', async () => {
  const r = await run(['simulate', 'timeline']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Time\s+Event\s+Actual stock\s+Store shows\s+Gap\s+Oversells/);
  assert.match(r.stdout, /Retailer sells 14 units against phantom stock\s+0\s+16\s+16 phantom\s+14/);
  assert.match(r.stdout, /Oversells: 14/);
});

test('simulate levels --json: four levels, deterministic for a seed, ordered', async () => {
  const args = ['simulate', 'levels', '--skus', '200', '--orders-per-month', '400', '--seed', '5', '--realtime', 'model', '--json'];
  const a = await run(args);
  assert.equal(a.code, 0, a.stderr);
  const b = await run(args);
  assert.equal(a.stdout, b.stdout);
  const result = JSON.parse(a.stdout);
  const o = result.levels.map((l: { oversells: number }) => l.oversells);
  assert.equal(o.length, 4);
  assert.ok(o[0] >= o[1] && o[1] >= o[2] && o[2] >= o[3], o.join(' '));
  assert.equal(result.options.skus, 200);
  assert.equal(result.options.allocation.strategy, 'hybrid');
});

test('simulate levels: strategy and buffer flags reach the model; bad flags exit 2 naming the flag', async () => {
  const r = await run(['simulate', 'levels', '--skus', '100', '--strategy', 'equal', '--buffer-units', '2', '--realtime', 'model', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const allocation = JSON.parse(r.stdout).options.allocation;
  assert.deepEqual(allocation.buffer, { units: 2 });
  assert.equal(allocation.strategy, 'equal');
  for (const [flag, value] of [['--strategy', 'fifo'], ['--skus', 'many'], ['--realtime', 'magic']] as const) {
    const bad = await run(['simulate', 'levels', flag, value]);
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, new RegExp(flag));
    assert.equal(bad.stdout, '');
  }
  const both = await run(['simulate', 'levels', '--buffer-units', '2', '--buffer-percent', '5']);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--buffer-percent.*--buffer-units|--buffer-units.*--buffer-percent/);
  const sync = await run(['simulate', 'timeline', '--sync', 'yearly']);
  assert.equal(sync.code, 2);
  assert.match(sync.stderr, /--sync/);
});

test('simulate levels --json: by default level 4 runs on the dropsync engine', async () => {
  const r = await run(['simulate', 'levels', '--skus', '60', '--orders-per-month', '600', '--days', '10', '--realtime-skus', '6', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const level4 = JSON.parse(r.stdout).levels[3];
  assert.match(level4.method, /dropsync engine on PGlite/);
  assert.deepEqual(level4.scale, { skusRun: 6, factor: 10 });
  assert.equal(level4.accepted + level4.turnedAway, level4.attempts);
});
