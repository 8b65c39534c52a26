/** Runs the real `dropsync` binary: serve, migrate, keys create, import skus|stock. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../../src/store/index.ts';

const BIN = fileURLToPath(new URL('../../bin/dropsync.js', import.meta.url));
// A clean environment: no server URL or key leaking in from the shell.
const ENV = { ...process.env, DATABASE_URL: '', DROPSYNC_SECRET_KEY: '', DROPSYNC_DATA: '' };

function run(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { env: ENV, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lastLine = (text: string) => text.trimEnd().split('\n').pop() ?? '';

/** Starts `serve`, resolves with its URL and stdout once it prints the listening line (and the key, if any). */
function serve(dataDir: string): Promise<{ url: string; stdout: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', dataDir, '--no-web', '--log-level', 'warn'], { env: ENV });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`serve did not start: ${out} ${err}`)); }, 60_000);
    const early = (code: number | null) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${err}`)); };
    child.once('exit', early);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      // The whole banner is one write; wait for its final newline.
      if (m && out.endsWith('\n')) {
        clearTimeout(timer);
        child.off('exit', early);
        resolve({
          url: m[1]!,
          stdout: () => out,
          stop: async () => { child.kill('SIGTERM'); return exited; },
        });
      }
    });
  });
}

test('serve on an empty data dir prints an admin key once, serves /healthz and the API, stops on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropsync-serve-'));
  try {
    const first = await serve(dir);
    const key = lastLine(first.stdout());
    assert.match(key, /^dsk_[A-Za-z0-9_-]{43}$/);
    const health = await fetch(`${first.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(await health.json(), { status: 'ok' });
    assert.equal((await fetch(`${first.url}/readyz`)).status, 200);
    assert.equal((await fetch(`${first.url}/v1/me`)).status, 401);
    const me = await fetch(`${first.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).kind, 'admin');
    assert.equal(await first.stop(), 0, 'clean exit on SIGTERM');
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);

    // Second start: same database, no new key printed.
    const second = await serve(dir);
    assert.doesNotMatch(second.stdout(), /dsk_/);
    assert.equal((await fetch(`${second.url}/v1/me`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
    assert.equal(await second.stop(), 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migrate, keys create (key alone on the last line), import skus with a bad row, import stock', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropsync-cli-'));
  try {
    const m1 = run(['migrate', '--data', dir]);
    assert.equal(m1.code, 0, m1.stderr);
    assert.match(m1.stdout, /applied 001_init\.sql/);
    assert.match(run(['migrate', '--data', dir]).stdout, /up to date/);

    const k1 = run(['keys', 'create', '--data', dir]);
    assert.equal(k1.code, 0, k1.stderr);
    assert.match(lastLine(k1.stdout), /^dsk_[A-Za-z0-9_-]{43}$/);
    const k2 = run(['keys', 'create', '--data', dir, '--label', 'ci']);
    assert.match(lastLine(k2.stdout), /^dsk_/);
    assert.notEqual(lastLine(k2.stdout), lastLine(k1.stdout));
    const bad = run(['keys', 'create', '--data', dir, '--retailer', 'ret_missing']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /retailerId/);

    const skus = join(dir, 'skus.csv');
    writeFileSync(skus, 'sku,name,category\nCLI-1,One,tees\n,No code,tees\nCLI-2,"Two, with comma",mugs\n');
    const i1 = run(['import', 'skus', skus, '--data', dir]);
    assert.equal(i1.code, 1, 'a failed row makes the exit code 1');
    assert.match(i1.stdout, /2 of 3 rows imported, 1 failed/);
    assert.match(i1.stdout, /line 3: sku: must not be empty/);

    const stock = join(dir, 'stock.csv');
    writeFileSync(stock, 'sku,location,quantity,delta\nCLI-1,main,40,\nCLI-2,main,,5\nCLI-1,main,-3,\nCLI-9,main,7,\n');
    const i2 = run(['import', 'stock', stock, '--data', dir, '--json']);
    assert.equal(i2.code, 1, i2.stderr);
    const report = JSON.parse(i2.stdout);
    assert.equal(report.imported, 3);
    assert.deepEqual(report.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[4, 'quantity']]);
    assert.deepEqual(report.createdSkus, ['CLI-9']);
    // The same file again: every row is a known event id, nothing changes.
    const again = JSON.parse(run(['import', 'stock', stock, '--data', dir, '--json']).stdout);
    assert.equal(again.imported, 0);
    assert.equal(again.duplicate, 3);

    const db = await openDatabase({ dataDir: join(dir, 'db') });
    try {
      const rows = await db.query<{ sku: string; name: string | null; on_hand: number }>(`select sku, name, on_hand from skus order by sku`);
      assert.deepEqual(rows.map((r) => [r.sku, r.name, r.on_hand]), [['CLI-1', 'One', 40], ['CLI-2', 'Two, with comma', 5], ['CLI-9', null, 7]]);
    } finally {
      await db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
