import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { createHttpConnector, signBody } from '../../src/connectors/http/index.ts';
import { buildRuleBook, parseBuffer, parseReserve, parseStrategy, parseThreshold } from '../../src/engine/rules.ts';

test('http connector: signed batches, per-item results, Retry-After', async () => {
  const seen: { sig: string; ts: string; body: string }[] = [];
  let mode: 'ok' | 'throttle' | 'error' = 'ok';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push({ sig: String(req.headers['x-dropsync-signature']), ts: String(req.headers['x-dropsync-timestamp']), body });
      if (mode === 'throttle') { res.writeHead(429, { 'retry-after': '3' }).end(); return; }
      if (mode === 'error') { res.writeHead(500).end(); return; }
      const b = JSON.parse(body) as { items: { listingId: string; quantity: number }[] };
      const results = b.items.map((i, k) => (k === 1 ? { listingId: i.listingId, ok: false, error: 'locked', actual: 7 } : { listingId: i.listingId, ok: true, quantity: i.quantity }));
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  let now = 1_000_000;
  try {
    const c = createHttpConnector(
      { storeId: 'st1', supplierId: 's', platform: 'http', config: { url: `http://127.0.0.1:${port}/hook`, maxBatch: 50 }, credentials: { secret: 'k' } },
      { clock: { now: () => now } },
    );
    assert.equal(c.maxBatch, 50);
    const items = ['a', 'b', 'c'].map((id) => ({ listingId: id, sku: id, externalId: `x-${id}`, quantity: 5, lastConfirmed: null }));
    const out = await c.push(items);
    assert.deepEqual(out.items.map((i) => i.ok), [true, false, true]);
    assert.deepEqual(out.items[1], { listingId: 'b', ok: false, error: 'locked', retryable: true, actual: 7 });
    const expected = `sha256=${createHmac('sha256', 'k').update(seen[0]!.body).digest('hex')}`;
    assert.equal(seen[0]!.sig, expected);
    assert.equal(signBody('k', seen[0]!.body), expected);
    assert.equal(seen[0]!.ts, '1000000');

    mode = 'throttle';
    const slow = await c.push(items);
    assert.equal(slow.retryAfterMs, 3000);
    assert.ok(slow.items.every((i) => !i.ok));
    assert.equal(c.rateLimit().waitMs, 3000);
    now += 3000;
    assert.equal(c.rateLimit().waitMs, 0);

    mode = 'error';
    await assert.rejects(c.push(items), /http 500/);
  } finally {
    await new Promise((r) => server.close(r));
  }
});

test('rule values are read leniently and resolve SKU > category > global', () => {
  assert.deepEqual(parseReserve({ units: 200 }), { units: 200 });
  assert.deepEqual(parseReserve({ percent: 10 }), { percent: 10 });
  assert.deepEqual(parseReserve(15), { units: 15 });
  assert.deepEqual(parseBuffer('formula'), { formula: true });
  assert.deepEqual(parseBuffer({ table: true }), { table: true });
  assert.deepEqual(parseBuffer({ percent: 5 }), { percent: 5 });
  assert.equal(parseBuffer({ nonsense: 1 }), undefined);
  assert.equal(parseThreshold({ units: 3 }), 3);
  assert.equal(parseThreshold(2), 2);
  assert.equal(parseStrategy({ strategy: 'priority' }), 'priority');
  assert.equal(parseStrategy('bogus'), undefined);

  const book = buildRuleBook(
    [
      { scope: 'global', scope_key: '', kind: 'strategy', value: 'equal' },
      { scope: 'category', scope_key: 'tees', kind: 'strategy', value: { strategy: 'priority' } },
      { scope: 'sku', scope_key: 'TEE-1', kind: 'strategy', value: { strategy: 'proportional' } },
      { scope: 'global', scope_key: '', kind: 'threshold', value: { units: 3 } },
    ],
    [
      { retailer_id: 'r1', scope: 'global', scope_key: '', floor: 10, ceiling: 100, tier: null, excluded: null },
      { retailer_id: 'r1', scope: 'sku', scope_key: 'TEE-1', floor: null, ceiling: 40, tier: 2, excluded: null },
    ],
  );
  assert.equal(book.forSku('MUG', null).strategy, 'equal');
  assert.equal(book.forSku('TEE-2', 'tees').strategy, 'priority');
  assert.equal(book.forSku('TEE-1', 'tees').strategy, 'proportional');
  assert.equal(book.forSku('TEE-1', 'tees').threshold, 3);
  assert.equal(book.needsVelocity, true);
  // Field by field: the SKU row sets ceiling and tier, the floor falls back to the global row.
  assert.deepEqual(book.retailer('r1', 'TEE-1', 'tees'), { id: 'r1', floor: 10, ceiling: 40, tier: 2 });
  assert.deepEqual(book.retailer('r2', 'TEE-1', 'tees'), { id: 'r2' });
});
