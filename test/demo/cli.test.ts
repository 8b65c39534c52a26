import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/dropsync.js', import.meta.url));

test('dropsync demo --duration: prints the dashboard URL and admin key, syncs, stops by itself with exit 0', async () => {
  const child = spawn(process.execPath, [BIN, 'demo', '--port', '0', '--skus', '20', '--duration', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  // A safety net so a hung demo fails the test instead of hanging it.
  const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(guard);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /Dashboard: {2}http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(stdout, /Admin key: {2}dsk_\S+/);
  assert.match(stdout, /initial sync: \d+ listings on 4 stores/);
  assert.match(stdout, /demo stopped/);
});

test('dropsync demo: bad flags exit 2 naming the flag', async () => {
  const child = spawn(process.execPath, [BIN, 'demo', '--port', 'x'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /--port/);
});
