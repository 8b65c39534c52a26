/** `dropsync emulate woocommerce --json` prints one JSON line, serves the API, and stops on SIGTERM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

test('emulate woocommerce --json: one line with URL and keys, then runs until SIGTERM', async () => {
  const child = spawn(process.execPath, ['bin/dropsync.js', 'emulate', 'woocommerce', '--json', '--skus', '6', '--consumer-key', 'ck_test', '--consumer-secret', 'cs_test'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: child.stdout! });
    const [first] = (await once(lines, 'line')) as [string];
    const info = JSON.parse(first) as { url: string; consumerKey: string; consumerSecret: string };
    assert.equal(info.consumerKey, 'ck_test');
    assert.equal(info.consumerSecret, 'cs_test');
    assert.match(info.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const auth = Buffer.from('ck_test:cs_test').toString('base64');
    const res = await fetch(`${info.url}/wp-json/wc/v3/products?per_page=100`, { headers: { authorization: `Basic ${auth}` } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-wp-total'), String(3 + 1), 'three simple products and one variable parent');
    await res.arrayBuffer();
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
});
