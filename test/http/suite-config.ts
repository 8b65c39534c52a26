/**
 * Route tests that need no engine behaviour (auth, validation, config CRUD, secrets), written once and run on
 * PGlite (config.test.ts) and on the Postgres server (postgres.test.ts).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { openCredentials } from '../../src/security/index.ts';
import type { TestCtx } from './helpers.ts';

export function configSuite(name: string, make: () => Promise<TestCtx | null>): void {
  describe(name, () => {
    let t: TestCtx;
    let skip = false;
    before(async () => {
      const ctx = await make();
      if (!ctx) { skip = true; return; }
      t = ctx;
    });
    after(async () => { if (t) await t.close(); });

    const retailer = async (name: string, extra: Record<string, unknown> = {}) => {
      const r = await t.req({ method: 'POST', url: '/v1/retailers', payload: { name, ...extra } });
      assert.equal(r.statusCode, 201, r.body);
      return r.json() as { id: string };
    };

    test('no key, a malformed header or an unknown key: 401 JSON naming authorization', async (c) => {
      if (skip) return c.skip('database unreachable');
      for (const headers of [{}, { authorization: 'Basic abc' }, { authorization: 'Bearer dsk_nope' }]) {
        const r = await t.req({ method: 'GET', url: '/v1/skus', key: null, headers });
        assert.equal(r.statusCode, 401);
        assert.equal(r.json().error.kind, 'unauthorized');
        assert.equal(r.json().error.field, 'authorization');
      }
      assert.equal((await t.req({ method: 'GET', url: '/v1/skus' })).statusCode, 200);
    });

    test('a revoked key stops working', async (c) => {
      if (skip) return c.skip('database unreachable');
      const created = await t.req({ method: 'POST', url: '/v1/keys', payload: { label: 'ci' } });
      assert.equal(created.statusCode, 201);
      const { key, apiKey } = created.json();
      assert.match(key, /^dsk_/);
      assert.equal(created.headers['cache-control'], 'no-store', 'a response carrying a key must not be cached');
      assert.equal((await t.req({ method: 'GET', url: '/v1/me', key })).json().kind, 'admin');
      assert.equal((await t.req({ method: 'DELETE', url: `/v1/keys/${apiKey.id}` })).statusCode, 200);
      assert.equal((await t.req({ method: 'GET', url: '/v1/me', key })).statusCode, 401);
      const raw = await t.db.query<{ key_hash: string }>(`select key_hash from api_keys where id = $1`, [apiKey.id]);
      assert.notEqual(raw[0]!.key_hash, key, 'only the hash is stored');
      assert.match(raw[0]!.key_hash, /^[0-9a-f]{64}$/);
    });

    test('unknown routes answer 404 JSON, with or without a key', async (c) => {
      if (skip) return c.skip('database unreachable');
      for (const [url, key] of [['/v1/nope', undefined], ['/v1/nope', null], ['/nope', null]] as const) {
        const r = await t.req({ method: 'GET', url, key });
        assert.equal(r.statusCode, 404);
        assert.match(r.headers['content-type'] as string, /application\/json/);
        assert.equal(r.json().error.kind, 'not_found');
      }
    });

    test('retailer tokens see only their own retailer; admin routes are 403 for them', async (c) => {
      if (skip) return c.skip('database unreachable');
      const a = await retailer('Alpha');
      const b = await retailer('Beta');
      const stores: Record<string, string> = {};
      for (const r of [a, b]) {
        const s = await t.req({ method: 'POST', url: '/v1/stores', payload: { retailerId: r.id, platform: 'test', name: `${r.id} shop` } });
        assert.equal(s.statusCode, 201, s.body);
        stores[r.id] = s.json().id;
      }
      const tok = await t.req({ method: 'POST', url: `/v1/retailers/${a.id}/tokens`, payload: {} });
      assert.equal(tok.statusCode, 201, tok.body);
      const token = tok.json().key as string;
      assert.match(token, /^dsr_/);

      const me = await t.req({ method: 'GET', url: '/v1/me', key: token });
      assert.deepEqual({ kind: me.json().kind, retailerId: me.json().retailerId }, { kind: 'retailer', retailerId: a.id });
      const list = await t.req({ method: 'GET', url: '/v1/stores', key: token });
      assert.deepEqual(list.json().map((s: { id: string }) => s.id), [stores[a.id]]);
      assert.equal((await t.req({ method: 'GET', url: `/v1/stores/${stores[a.id]}`, key: token })).statusCode, 200);
      assert.equal((await t.req({ method: 'GET', url: `/v1/stores/${stores[b.id]}`, key: token })).statusCode, 404);
      assert.equal((await t.req({ method: 'GET', url: `/v1/stores/${stores[b.id]}/sync`, key: token })).statusCode, 404);
      assert.equal((await t.req({ method: 'GET', url: `/v1/retailers/${b.id}`, key: token })).statusCode, 404);
      assert.equal((await t.req({ method: 'GET', url: `/v1/retailers/${b.id}/allocations`, key: token })).statusCode, 404);
      assert.equal((await t.req({ method: 'GET', url: `/v1/stores?retailerId=${b.id}`, key: token })).json().length, 0);
      const retailers = await t.req({ method: 'GET', url: '/v1/retailers', key: token });
      assert.deepEqual(retailers.json().map((r: { id: string }) => r.id), [a.id]);
      // Admin-only routes: known caller, not allowed.
      for (const [method, url] of [['GET', '/v1/skus'], ['POST', '/v1/retailers'], ['GET', '/v1/keys'], ['PUT', '/v1/rules/global']] as const) {
        const r = await t.req({ method, url, key: token, payload: {} });
        assert.equal(r.statusCode, 403, `${method} ${url}`);
      }
      // Self-service: a retailer connects and edits its own stores and maps its own items, nobody else's.
      const own = await t.req({ method: 'POST', url: '/v1/stores', key: token, payload: { retailerId: a.id, platform: 'test', name: 'Alpha 2', credentials: { token: 'x' } } });
      assert.equal(own.statusCode, 201, own.body);
      const theirs = await t.req({ method: 'POST', url: '/v1/stores', key: token, payload: { retailerId: b.id, platform: 'test', name: 'Sneaky' } });
      assert.equal(theirs.statusCode, 404);
      assert.equal(theirs.json().error.field, 'retailerId');
      assert.equal((await t.req({ method: 'PATCH', url: `/v1/stores/${own.json().id}`, key: token, payload: { name: 'Alpha two' } })).json().name, 'Alpha two');
      assert.equal((await t.req({ method: 'PATCH', url: `/v1/stores/${stores[b.id]}`, key: token, payload: { name: 'Hijacked' } })).statusCode, 404);
      assert.equal((await t.req({ method: 'GET', url: `/v1/stores/${stores[b.id]}` })).json().name, `${b.id} shop`, 'unchanged');
      await t.req({ method: 'POST', url: '/v1/skus', payload: { sku: 'SELF-1' } });
      assert.equal((await t.req({ method: 'POST', url: '/v1/listings', key: token, payload: { storeId: own.json().id, sku: 'SELF-1', externalId: 'i1' } })).statusCode, 201);
      const foreign = await t.req({ method: 'POST', url: '/v1/listings', key: token, payload: { storeId: stores[b.id], sku: 'SELF-1', externalId: 'i1' } });
      assert.equal(foreign.statusCode, 400);
      assert.equal(foreign.json().error.field, 'storeId');
      const batch = (await t.req({ method: 'POST', url: '/v1/listings/batch', key: token, payload: { listings: [{ storeId: stores[b.id], sku: 'SELF-1', externalId: 'i2' }] } })).json();
      assert.equal(batch.results[0].error.field, 'listings[0].storeId');
      assert.equal((await t.req({ method: 'DELETE', url: `/v1/stores/${own.json().id}`, key: token })).statusCode, 403);

      // The admin sees both.
      assert.equal((await t.req({ method: 'GET', url: `/v1/stores/${stores[b.id]}` })).statusCode, 200);
      assert.equal((await t.req({ method: 'GET', url: '/v1/stores' })).json().length >= 2, true);
    });

    test('bad input names the field and changes nothing', async (c) => {
      if (skip) return c.skip('database unreachable');
      const before = (await t.req({ method: 'GET', url: '/v1/retailers' })).json().length;
      const cases: [Record<string, unknown>, string][] = [
        [{}, 'name'],
        [{ name: 'X', conflictAction: 'explode' }, 'conflictAction'],
        [{ name: 'X', discountValue: -1 }, 'discountValue'],
        [{ name: 'X', colour: 'red' }, 'colour'],
        [{ name: '' }, 'name'],
      ];
      for (const [payload, field] of cases) {
        const r = await t.req({ method: 'POST', url: '/v1/retailers', payload });
        assert.equal(r.statusCode, 400, JSON.stringify(payload));
        assert.equal(r.json().error.kind, 'invalid');
        assert.equal(r.json().error.field, field, JSON.stringify(payload));
      }
      assert.equal((await t.req({ method: 'GET', url: '/v1/retailers' })).json().length, before);

      // A rules body with one good and one bad field applies neither.
      const rules = await t.req({ method: 'PUT', url: '/v1/rules/global', payload: { ownReserve: { units: 200 }, buffer: { percent: 150 } } });
      assert.equal(rules.statusCode, 400);
      assert.equal(rules.json().error.field, 'buffer.percent');
      const ok = await t.req({ method: 'PUT', url: '/v1/rules/global', payload: { threshold: -1 } });
      assert.equal(ok.json().error.field, 'threshold');
      assert.equal((await t.req({ method: 'GET', url: '/v1/rules' })).json().length, 0);

      const r = await retailer('Gamma');
      const rr = await t.req({ method: 'PUT', url: `/v1/retailers/${r.id}/rules/global`, payload: { floor: 90, ceiling: 80 } });
      assert.equal(rr.statusCode, 400);
      assert.equal(rr.json().error.field, 'floor');
      assert.equal((await t.req({ method: 'GET', url: `/v1/retailers/${r.id}/rules` })).json().length, 0);

      const ev = await t.req({ method: 'POST', url: '/v1/stock-events', payload: { events: 'nope' } });
      assert.equal(ev.json().error.field, 'events');
      const badJson = await t.req({ method: 'POST', url: '/v1/retailers', payload: '{"name":', headers: { 'content-type': 'application/json' } });
      assert.equal(badJson.statusCode, 400);
      assert.equal(badJson.json().error.field, 'body');
      const listing = await t.req({ method: 'POST', url: '/v1/listings', payload: { storeId: 'sto_missing', sku: 'A', externalId: 'x' } });
      assert.equal(listing.statusCode, 400);
      assert.equal(listing.json().error.field, 'storeId');
    });

    test('a body over 1 MiB is refused with 413', async (c) => {
      if (skip) return c.skip('database unreachable');
      const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
      const r = await t.req({ method: 'POST', url: '/v1/retailers', payload: big, headers: { 'content-type': 'application/json' } });
      assert.equal(r.statusCode, 413);
      assert.equal(r.json().error.field, 'body');
    });

    test('store credentials are sealed at rest and never returned', async (c) => {
      if (skip) return c.skip('database unreachable');
      const r = await retailer('Delta');
      const secret = 'shpat_very_secret_token_123';
      const created = await t.req({
        method: 'POST', url: '/v1/stores',
        payload: { retailerId: r.id, platform: 'shopify', name: 'Delta shop', config: { shop: 'delta.myshopify.com' }, credentials: { accessToken: secret, webhookSecret: 'whsec_1' } },
      });
      assert.equal(created.statusCode, 201, created.body);
      const store = created.json();
      assert.equal(store.hasCredentials, true);
      assert.equal(store.config.shop, 'delta.myshopify.com');
      for (const res of [created, await t.req({ method: 'GET', url: `/v1/stores/${store.id}` }), await t.req({ method: 'GET', url: '/v1/stores' })]) {
        assert.ok(!res.body.includes(secret), 'secret must not appear in a response');
        assert.ok(!res.body.includes('credentials"'), 'no credentials field');
      }
      const raw = await t.db.query<{ credentials: string }>(`select credentials from stores where id = $1`, [store.id]);
      assert.ok(!raw[0]!.credentials.includes(secret));
      assert.match(raw[0]!.credentials, /^v1\./);
      assert.deepEqual(openCredentials(t.secretKey, raw[0]!.credentials), { accessToken: secret, webhookSecret: 'whsec_1' });

      const patched = await t.req({ method: 'PATCH', url: `/v1/stores/${store.id}`, payload: { credentials: { accessToken: 'shpat_rotated' } } });
      assert.equal(patched.statusCode, 200);
      assert.ok(!patched.body.includes('shpat_rotated'));
      const raw2 = await t.db.query<{ credentials: string }>(`select credentials from stores where id = $1`, [store.id]);
      assert.deepEqual(openCredentials(t.secretKey, raw2[0]!.credentials), { accessToken: 'shpat_rotated' });
    });

    test('config changes that affect allocation trigger a recompute of the right SKUs', async (c) => {
      if (skip) return c.skip('database unreachable');
      const r = await retailer('Epsilon');
      assert.equal((await t.req({ method: 'POST', url: '/v1/skus', payload: { sku: 'RC-1', category: 'tees' } })).statusCode, 201);
      const s = await t.req({ method: 'POST', url: '/v1/stores', payload: { retailerId: r.id, platform: 'test', name: 'E' } });
      t.recomputes.length = 0;
      assert.equal((await t.req({ method: 'PUT', url: '/v1/rules/sku/RC-1', payload: { buffer: { units: 2 } } })).statusCode, 200);
      assert.deepEqual(t.recomputes.pop()?.skus, ['RC-1']);
      assert.equal((await t.req({ method: 'PUT', url: '/v1/rules/category/tees', payload: { strategy: 'equal' } })).statusCode, 200);
      assert.deepEqual(t.recomputes.pop()?.skus, ['RC-1']);
      const g = await t.req({ method: 'PUT', url: '/v1/rules/global', payload: { ownReserve: { percent: 10 }, buffer: { formula: true }, threshold: 3 } });
      assert.equal(g.statusCode, 200, g.body);
      assert.deepEqual(g.json(), { scope: 'global', key: '', ownReserve: { percent: 10 }, buffer: { formula: true }, threshold: 3, strategy: null });
      assert.equal(t.recomputes.pop()?.skus, 'all');
      assert.equal((await t.req({ method: 'PUT', url: `/v1/retailers/${r.id}/rules/sku/RC-1`, payload: { floor: 5, ceiling: 10 } })).statusCode, 200);
      assert.deepEqual(t.recomputes.pop()?.skus, ['RC-1']);
      const l = await t.req({ method: 'POST', url: '/v1/listings', payload: { storeId: s.json().id, sku: 'RC-1', externalId: 'item-1' } });
      assert.equal(l.statusCode, 201, l.body);
      assert.deepEqual(t.recomputes.pop()?.skus, ['RC-1']);
      const dup = await t.req({ method: 'POST', url: '/v1/listings', payload: { storeId: s.json().id, sku: 'RC-1', externalId: 'item-2' } });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.json().error.field, 'sku');
      assert.equal((await t.req({ method: 'POST', url: `/v1/stores/${s.json().id}/pause` })).json().paused, true);
      assert.deepEqual(t.recomputes.pop()?.skus, ['RC-1']);
      const rules = (await t.req({ method: 'GET', url: '/v1/rules' })).json();
      assert.deepEqual(rules.map((x: { scope: string; key: string }) => `${x.scope}:${x.key}`), ['global:', 'category:tees', 'sku:RC-1']);
    });

    test('listings batch: a result per item, one recompute; a malformed item refuses the request', async (c) => {
      if (skip) return c.skip('database unreachable');
      const r = await retailer('Batch');
      const s = (await t.req({ method: 'POST', url: '/v1/stores', payload: { retailerId: r.id, platform: 'test', name: 'B' } })).json();
      for (const sku of ['LB-1', 'LB-2']) await t.req({ method: 'POST', url: '/v1/skus', payload: { sku } });
      const bad = await t.req({ method: 'POST', url: '/v1/listings/batch', payload: { listings: [{ storeId: s.id, sku: 'LB-1', externalId: 'a' }, { storeId: s.id, sku: 'LB-2' }] } });
      assert.equal(bad.statusCode, 400);
      assert.equal(bad.json().error.field, 'listings[1].externalId');
      assert.equal((await t.req({ method: 'GET', url: `/v1/listings?storeId=${s.id}` })).json().items.length, 0, 'nothing created');
      t.recomputes.length = 0;
      const ok = await t.req({
        method: 'POST', url: '/v1/listings/batch',
        payload: { listings: [
          { storeId: s.id, sku: 'LB-1', externalId: 'a' },
          { storeId: s.id, sku: 'LB-9', externalId: 'b' },
          { storeId: s.id, sku: 'LB-2', externalId: 'a' },
          { storeId: s.id, sku: ' LB-2 ', externalId: 'c' },
        ] },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      const out = ok.json();
      assert.deepEqual([out.created, out.failed], [2, 2]);
      assert.deepEqual(out.results.map((x: { ok: boolean; error?: { field: string } }) => (x.ok ? 'ok' : x.error!.field)), ['ok', 'listings[1].sku', 'listings[2].externalId', 'ok']);
      assert.deepEqual(t.recomputes.map((x) => x.skus), [['LB-1', 'LB-2']]);
    });

    test('SKU CSV import: a bad row is reported by line and field, the rest are imported', async (c) => {
      if (skip) return c.skip('database unreachable');
      const csv = 'sku,name,category,listed\nIMP-1,Shirt,tees,true\n  ,No code,tees,\nIMP-2,"Mug, large",mugs,maybe\nIMP-3,"Cap ""red""",caps,no\n';
      const r = await t.req({ method: 'POST', url: '/v1/skus/import', payload: csv, headers: { 'content-type': 'text/csv' } });
      assert.equal(r.statusCode, 200, r.body);
      const out = r.json();
      assert.equal(out.rows, 4);
      assert.equal(out.created, 2);
      assert.equal(out.failed, 2);
      assert.deepEqual(out.errors.map((e: { line: number; field: string }) => [e.line, e.field]), [[3, 'sku'], [4, 'listed']]);
      const cap = (await t.req({ method: 'GET', url: '/v1/skus?category=caps' })).json().items[0];
      assert.deepEqual([cap.sku, cap.name, cap.listed], ['IMP-3', 'Cap "red"', false]);
      assert.equal((await t.req({ method: 'GET', url: '/v1/skus?category=mugs' })).json().items.length, 0, 'the bad row wrote nothing');
      const json = await t.req({ method: 'POST', url: '/v1/skus/import', payload: { csv: 'sku,colour\nX,red\n' } });
      assert.equal(json.statusCode, 400);
      assert.equal(json.json().error.field, 'csv.header');
    });

    test('/openapi.json documents every route with a response schema', async (c) => {
      if (skip) return c.skip('database unreachable');
      const doc = (await t.req({ method: 'GET', url: '/openapi.json', key: null })).json();
      const hidden = new Set(['/openapi.json']);
      let checked = 0;
      for (const { method, url } of t.app.routeTable) {
        if (hidden.has(url) || url.startsWith('/docs')) continue;
        const path = url.replace(/:([A-Za-z]+)/g, '{$1}');
        const op = doc.paths[path]?.[method.toLowerCase()];
        assert.ok(op, `${method} ${url} missing from openapi.json`);
        assert.ok(Object.keys(op.responses ?? {}).some((s) => s.startsWith('2')), `${method} ${url} has no success response schema`);
        checked++;
      }
      assert.ok(checked >= 50, `only ${checked} routes`);
      assert.equal((await t.req({ method: 'GET', url: '/docs', key: null })).statusCode < 400, true);
    });
  });
}
