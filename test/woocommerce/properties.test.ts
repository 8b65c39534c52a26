/** Invariants: batch planning uses the fewest calls and loses no item; OAuth signing round-trips any query. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { planBatches } from '../../src/connectors/woocommerce/index.ts';
import { signUrl } from '../../src/connectors/woocommerce/oauth.ts';
import { WooAuth } from '../../src/emulators/woocommerce/auth.ts';
import type { PushItem } from '../../src/connectors/types.ts';

const externalId = fc.oneof(
  fc.nat(400).map((id) => `product:${id}`),
  fc.tuple(fc.integer({ min: 1, max: 6 }), fc.nat(1000)).map(([p, id]) => `variation:${p}:${id}`),
  fc.constantFrom('junk', 'product:', 'variation:1'),
);

test('planBatches: every valid item in exactly one chunk, chunks <= 100, calls = sum of ceil(group / 100)', () => {
  fc.assert(
    fc.property(fc.array(externalId, { maxLength: 700 }), (ids) => {
      const items: PushItem[] = ids.map((e, i) => ({ listingId: `l${i}`, sku: `s${i}`, externalId: e, quantity: i, lastConfirmed: null }));
      const { chunks, invalid } = planBatches(items);
      const placed = chunks.flatMap((c) => c.items.map((x) => x.item));
      assert.equal(placed.length + invalid.length, items.length);
      assert.equal(new Set(placed).size, placed.length);
      const groups = new Map<string, number>();
      for (const c of chunks) {
        assert.ok(c.items.length >= 1 && c.items.length <= 100);
        groups.set(c.path, (groups.get(c.path) ?? 0) + c.items.length);
        for (const { item } of c.items) {
          const isVariation = item.externalId.startsWith('variation:');
          assert.equal(c.path, isVariation ? `products/${item.externalId.split(':')[1]}/variations/batch` : 'products/batch');
        }
      }
      const minimum = [...groups.values()].reduce((n, g) => n + Math.ceil(g / 100), 0);
      assert.equal(chunks.length, minimum);
    }),
  );
});

test('a URL signed by the connector passes the emulator\'s OAuth check, whatever the query holds', () => {
  let now = 1_800_000_000_000;
  const auth = new WooAuth('ck_k', 'cs_s', () => now);
  fc.assert(
    fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }).filter((k) => !k.startsWith('oauth_') && !k.startsWith('consumer_')), fc.string({ maxLength: 12 }), { maxKeys: 4 }), fc.constantFrom('GET', 'POST', 'PUT'), (query, method) => {
      now += 1000;
      const url = new URL('http://127.0.0.1:8080/wp-json/wc/v3/products');
      for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
      const signed = new URL(signUrl(method, url, 'ck_k', 'cs_s', now, 'HMAC-SHA1').href);
      auth.check(method, signed, {});
      assert.throws(() => auth.check(method, signed, {}), /nonce/);
    }),
  );
});
