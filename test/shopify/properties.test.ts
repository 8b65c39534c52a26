/** Property tests: the connector's bucket model against the emulator's bucket, cursor pagination, search. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ThrottleModel } from '../../src/connectors/shopify/throttle.ts';
import { planFullSync } from '../../src/connectors/shopify/index.ts';
import { CostBucket } from '../../src/emulators/shopify/bucket.ts';
import { paginate, parseSearch, matches } from '../../src/emulators/shopify/search.ts';
import { parseCatalogCsv, parseCatalogJson } from '../../src/emulators/shopify/catalog.ts';
import { ManualClock } from './helpers.ts';

test('the client model never sends what the bucket refuses, and never waits when the bucket could pay', () => {
  fc.assert(
    fc.property(
      fc.constantFrom('standard', 'advanced', 'plus' as const),
      fc.array(fc.record({ cost: fc.integer({ min: 1, max: 1000 }), idleMs: fc.integer({ min: 0, max: 5000 }) }), { minLength: 1, maxLength: 60 }),
      (plan, ops) => {
        const clock = new ManualClock();
        const bucket = new CostBucket(plan, clock);
        const model = new ThrottleModel(clock);
        for (const op of ops) {
          clock.advance(op.idleMs);
          const wait = model.waitMs(op.cost);
          if (wait > 0) {
            assert.ok(bucket.status().currentlyAvailable < op.cost + 1, 'waited although the bucket could pay');
            clock.advance(wait);
          }
          assert.equal(model.waitMs(op.cost), 0);
          model.reserve(op.cost);
          assert.ok(bucket.take(op.cost), 'sent what the bucket refused');
          model.update(bucket.status());
        }
      },
    ),
  );
});

test('walking pages of any size visits every item once, in order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 600 }), fc.array(fc.integer({ min: 1, max: 250 }), { minLength: 1, maxLength: 20 }), (n, sizes) => {
      const list = Array.from({ length: n }, (_, i) => i);
      const key = (i: number) => String(i).padStart(6, '0');
      const seen: number[] = [];
      let after: string | null = null;
      for (let step = 0; step < 1000; step++) {
        const page: ReturnType<typeof paginate<number>> = paginate(list, key, { first: sizes[step % sizes.length]!, after });
        seen.push(...page.items);
        if (!page.hasNextPage) break;
        after = page.cursors[page.cursors.length - 1]!;
      }
      assert.deepEqual(seen, list);
    }),
  );
});

test('search: OR groups, quoted values, time comparisons, case-insensitive sku', () => {
  const get = (o: { sku: string; t: number }, f: string) => (f === 'sku' ? o.sku : f === 'updated_at' ? o.t : undefined);
  const q = parseSearch(`sku:"ab c" OR sku:X-1 updated_at:>'2026-01-01T00:00:00Z'`);
  assert.equal(q.length, 2);
  assert.ok(matches(q, { sku: 'AB C', t: 0 }, get));
  assert.ok(matches(q, { sku: 'x-1', t: Date.parse('2026-02-01') }, get));
  assert.ok(!matches(q, { sku: 'x-1', t: Date.parse('2025-02-01') }, get));
  assert.ok(!matches(q, { sku: 'Y', t: Date.parse('2026-02-01') }, get));
});

test('catalogue files: CSV and JSON, with the field named on bad input', () => {
  assert.deepEqual(parseCatalogCsv('sku,available,title\nA,3,Alpha\nB,,Beta\n'), [
    { sku: 'A', available: 3, title: 'Alpha' },
    { sku: 'B', title: 'Beta' },
  ]);
  assert.throws(() => parseCatalogCsv('name\nA'), /sku/);
  assert.throws(() => parseCatalogCsv('sku,available\nA,x'), /available/);
  assert.deepEqual(parseCatalogJson('[{"sku":"A","available":2}]'), [{ sku: 'A', available: 2 }]);
  assert.throws(() => parseCatalogJson('[{"available":2}]'), /catalog\[0\]\.sku/);
});

test('full-sync plan: 5,000 SKUs on Standard need 15,240 points and at least 132.4 s', () => {
  const p = planFullSync(5000, 'standard');
  assert.equal(p.requests, 40);
  assert.equal(p.points, 20 * 750 + 20 * 12);
  assert.equal(p.minMs, 132_400);
  assert.equal(planFullSync(5000, 'plus').minMs, 0, 'fits in a Plus bucket');
  assert.equal(planFullSync(5000, 'standard', { read: false }).minMs, 0, 'the push alone fits in the bucket');
});
