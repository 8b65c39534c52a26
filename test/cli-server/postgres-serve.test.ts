/** `serve` against a PostgreSQL server (DATABASE_URL + DROPSYNC_SECRET_KEY), in a fresh schema dropped at the end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/store/index.ts';

const BIN = fileURLToPath(new URL('../../bin/dropsync.js', import.meta.url));
const BASE = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

test('serve, keys create and migrate on a Postgres server', async (t) => {
  let admin;
  try {
    admin = await openDatabase({ databaseUrl: BASE, migrate: false, poolSize: 1 });
    await admin.query('select 1');
  } catch {
    t.skip(`Postgres at ${BASE} is unreachable`);
    return;
  }
  const schema = `t_serve_${randomBytes(5).toString('hex')}`;
  await admin.query(`create schema "${schema}"`);
  const url = `${BASE}${BASE.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const env = { ...process.env, DATABASE_URL: url, DROPSYNC_SECRET_KEY: randomBytes(32).toString('hex'), DROPSYNC_DATA: '' };
  try {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--no-web', '--log-level', 'warn'], { env });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const started = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 60_000);
      child.stdout.on('data', (d) => {
        out += d;
        if (/dsk_\S+\n$/.test(out)) { clearTimeout(timer); resolve(true); }
      });
      void exited.then(() => { clearTimeout(timer); resolve(false); });
    });
    try {
      assert.ok(started, `serve did not start: ${out} ${err}`);
      assert.match(out, /database postgres:\/\//);
      const base = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const key = out.trimEnd().split('\n').pop()!;
      assert.equal((await fetch(`${base}/readyz`)).status, 200);
      const me = await fetch(`${base}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
      assert.equal(me.status, 200);
    } finally {
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    }
    const keys = spawnSync(process.execPath, [BIN, 'keys', 'create'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(keys.status, 0, keys.stderr);
    assert.match(keys.stdout.trimEnd().split('\n').pop()!, /^dsk_/);
    const mig = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8', timeout: 60_000 });
    assert.match(mig.stdout, /up to date/);
    const rows = await admin.query<{ n: number }>(`select count(*)::int as n from "${schema}".api_keys`);
    assert.equal(rows[0]!.n, 2, 'both keys live in the test schema');
  } finally {
    await admin.query(`drop schema "${schema}" cascade`);
    await admin.close();
  }
});
