/** `dropsync emulate shopify` through the real binary: one JSON line, a working API, a clean stop on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';

test('emulate shopify --json prints its details, serves GraphQL and stops on SIGTERM', async () => {
  const child = spawn(process.execPath, ['bin/dropsync.js', 'emulate', 'shopify', '--json', '--skus', '3', '--plan', 'plus', '--access-token', 'T', '--client-secret', 'S', '--locations', 'East,West'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const lines = createInterface({ input: child.stdout! });
    const [first] = (await once(lines, 'line')) as [string];
    const info = JSON.parse(first);
    assert.equal(info.accessToken, 'T');
    assert.equal(info.webhookSecret, 'S');
    assert.match(info.locationId, /^gid:\/\/shopify\/Location\//);
    assert.deepEqual(info.locations.map((l: { name: string; active: boolean }) => [l.name, l.active]), [['East', true], ['West', true]]);
    assert.equal(info.locations[0].id, info.locationId, 'the first is the primary location');
    const res = await fetch(info.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': 'T' },
      body: JSON.stringify({ query: '{ inventoryItems(first: 5) { nodes { sku } } }' }),
    });
    const body = (await res.json()) as any;
    assert.deepEqual(body.data.inventoryItems.nodes.map((n: any) => n.sku), ['SKU-00001', 'SKU-00002', 'SKU-00003']);
    assert.equal(body.extensions.cost.throttleStatus.restoreRate, 1000);
  } finally {
    child.kill('SIGTERM');
  }
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 0);
});

test('emulate shopify rejects a bad plan with exit 2 naming the flag', async () => {
  const child = spawn(process.execPath, ['bin/dropsync.js', 'emulate', 'shopify', '--plan', 'gold'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  assert.equal(code, 2);
  assert.match(err, /--plan/);
});
