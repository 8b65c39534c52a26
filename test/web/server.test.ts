import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, test } from 'node:test';
import { visibleEvent } from '../../src/web/server/events.ts';
import { isReserved } from '../../src/web/index.ts';
import { pluginHarness as openHarness, pglite, postgresServer, signIn, type OpenTestDb, type PluginHarness } from './fixture.ts';

/** PGlite harness; never null. */
const pluginHarness = async (extra = {}) => (await openHarness(extra))!;

describe('web plugin: sessions and CSRF', () => {
  let h: PluginHarness;
  before(async () => { h = await pluginHarness(); });
  after(async () => { await h.close(); });

  it('refuses an unknown key and sets nothing', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/web/session', payload: { key: 'dsk_not-a-real-key' } });
    assert.equal(res.statusCode, 401);
    assert.equal(res.headers['set-cookie'], undefined);
  });

  it('names the field of a malformed sign-in', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/web/session', payload: { token: 'x' } });
    assert.equal(res.statusCode, 400);
  });

  it('gives an HttpOnly SameSite=Strict cookie and a CSRF token, never the key', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/web/session', payload: { key: h.adminKey } });
    assert.equal(res.statusCode, 200);
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /^dropsync_session=[\w-]{40,};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    assert.ok(!res.body.includes(h.adminKey));
    const body = res.json() as { principal: { kind: string; supplierId: string }; csrf: string };
    assert.deepEqual(body.principal, { kind: 'admin', supplierId: 'sup1', name: 'Acme Supply' });
    assert.ok(body.csrf.length >= 24);
  });

  it('needs a session for dashboard data', async () => {
    assert.equal((await h.app.inject({ url: '/web/api/overview' })).statusCode, 401);
    assert.equal((await h.app.inject({ url: '/web/api/overview', headers: { cookie: 'dropsync_session=forged' } })).statusCode, 401);
  });

  it('refuses a mutating request without the CSRF token, with a wrong one, or from another site', async () => {
    const s = await signIn(h.app, h.adminKey);
    const base = { method: 'POST' as const, url: '/web/preview', payload: { edits: [] } };
    assert.equal((await h.app.inject({ ...base, headers: { cookie: s.cookie } })).statusCode, 403);
    assert.equal((await h.app.inject({ ...base, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf.slice(1) + 'x' } })).statusCode, 403);
    assert.equal((await h.app.inject({ ...base, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'sec-fetch-site': 'cross-site' } })).statusCode, 403);
    assert.equal((await h.app.inject({ ...base, headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'sec-fetch-site': 'same-origin' } })).statusCode, 200);
  });

  it('signs out: the cookie stops working', async () => {
    const s = await signIn(h.app, h.adminKey);
    const out = await h.app.inject({ method: 'DELETE', url: '/web/session', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf } });
    assert.equal(out.statusCode, 204);
    assert.equal((await h.app.inject({ url: '/web/api/overview', headers: { cookie: s.cookie } })).statusCode, 401);
  });
});

function dataSuite(name: string, open: OpenTestDb): void {
describe(name, () => {
  let h: PluginHarness;
  let admin: { cookie: string; csrf: string };
  let unreachable = false;
  before(async () => {
    const opened = await openHarness({}, open);
    if (!opened) { unreachable = true; return; }
    h = opened;
    admin = await signIn(h.app, h.adminKey);
  });
  after(async () => { await h?.close(); });
  const it = (title: string, fn: () => Promise<void>) => test(title, async (t) => (unreachable ? t.skip('Postgres server unreachable') : fn()));
  const get = (url: string, s = admin) => h.app.inject({ url, headers: { cookie: s.cookie } });

  it('overview: per-store lag, sync level, webhook rate, oversells this month', async () => {
    const body = (await get('/web/api/overview')).json() as {
      stores: { id: string; lagP50Ms: number; syncLevel: number; webhookDeliveryRate: number; queueDepth: number }[];
      oversells: { count: number; cost: number }; phantom: { sharedSkus: number; exposureUnits: number };
    };
    const alpha = body.stores.find((s) => s.id === 'st_alpha')!;
    assert.equal(alpha.syncLevel, 4);
    assert.equal(alpha.webhookDeliveryRate, 0.95);
    assert.equal(alpha.queueDepth, 0);
    assert.ok(alpha.lagP50Ms >= 300 && alpha.lagP50Ms <= 360, String(alpha.lagP50Ms));
    assert.equal(body.stores.find((s) => s.id === 'st_beta')!.syncLevel, 4);
    assert.deepEqual(body.oversells, { month: '2026-11-01T00:00:00.000Z', count: 1, units: 2, cost: 40 });
    assert.equal(body.phantom.sharedSkus, 3);
  });

  it('SKU table explains the seed numbers: reserve 200 from 500 leaves pool 300, hybrid with floors', async () => {
    const { skus } = (await get('/web/api/skus?q=TEE-M')).json() as { skus: { sku: string; atp: number; ownReserve: number; pool: number; shown: Record<string, number>; stores: unknown[] }[] };
    const tee = skus.find((s) => s.sku === 'TEE-M')!;
    assert.equal(tee.atp, 500);
    assert.equal(tee.ownReserve, 200);
    assert.equal(tee.pool, 300);
    assert.deepEqual(tee.shown, { alpha: 200, beta: 150 });
    assert.equal(tee.stores.length, 2);
  });

  it('SKU page carries its ledger and the buffer advice', async () => {
    const page = (await get('/web/api/skus/TEE-M')).json() as { ledger: unknown[]; advice: { tablePercent: number; velocityClass: string } };
    assert.equal(page.ledger.length, 1);
    assert.equal(page.advice.velocityClass, 'fast');
    assert.equal((await get('/web/api/skus/NOPE')).statusCode, 404);
  });

  it('preview applies proposed edits over saved rules without saving them', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/web/preview', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { edits: [{ scope: 'global', scopeKey: '', kind: 'strategy', value: { strategy: 'equal' } }], skus: ['TEE-M'] },
    });
    assert.equal(res.statusCode, 200);
    const [row] = (res.json() as { skus: { before: { shown: Record<string, number> }; after: { shown: Record<string, number>; strategy: string } }[] }).skus;
    assert.deepEqual(row!.before.shown, { alpha: 200, beta: 150 });
    assert.deepEqual(row!.after.shown, { alpha: 150, beta: 150 });
    const home = await h.app.inject({
      method: 'POST', url: '/web/preview', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { edits: [{ scope: 'category', scopeKey: 'home', kind: 'threshold', value: 20 }], category: 'home' },
    });
    const homeRows = (home.json() as { skus: { sku: string; before: { deactivated: boolean }; after: { deactivated: boolean } }[] }).skus;
    assert.deepEqual(homeRows.map((s) => [s.sku, s.before.deactivated, s.after.deactivated]), [['MUG', false, true]]);
    const rules = (await h.db.query(`select value from rules where kind = 'strategy'`)) as { value: unknown }[];
    assert.deepEqual(rules[0]!.value, { strategy: 'hybrid' });
  });

  it('preview names the field of a bad rule value', async () => {
    const res = await h.app.inject({
      method: 'POST', url: '/web/preview', headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf },
      payload: { edits: [{ scope: 'global', scopeKey: '', kind: 'buffer', value: { percent: -5 } }] },
    });
    assert.equal(res.statusCode, 400);
    assert.match((res.json() as { error: { field: string } }).error.field, /edits\[0\]\.value/);
  });

  it('a retailer sees only its own stores, conflicts and allocations', async () => {
    const alpha = await signIn(h.app, h.alphaToken);
    assert.equal((await get('/web/api/skus', alpha)).statusCode, 403);
    assert.equal((await get('/web/api/rules', alpha)).statusCode, 403);
    const ov = (await get('/web/api/overview', alpha)).json() as { stores: { id: string }[]; phantom: unknown };
    assert.deepEqual(ov.stores.map((s) => s.id), ['st_alpha']);
    assert.equal(ov.phantom, null);
    assert.deepEqual((await get('/web/api/conflicts', alpha)).json(), { conflicts: [] });
    assert.equal((await get('/web/api/conflicts/cf1', alpha)).statusCode, 404);
    const alloc = (await get('/web/api/allocations?retailerId=beta', alpha)).json() as { retailer: { id: string }; allocations: { store_id: string }[] };
    assert.equal(alloc.retailer.id, 'alpha');
    assert.ok(alloc.allocations.every((a) => a.store_id === 'st_alpha'));
  });

  it('store connect: admin only, CSRF checked, unknown store 404, unreachable shop reported without writing', async () => {
    const alpha = await signIn(h.app, h.alphaToken);
    const body = { credentials: { consumerKey: 'ck', consumerSecret: 'cs' } };
    const post = (s: { cookie: string; csrf: string }, url: string, csrf = true) =>
      h.app.inject({ method: 'POST', url, payload: body, headers: { cookie: s.cookie, ...(csrf ? { 'x-csrf-token': s.csrf } : {}) } });
    assert.equal((await post(alpha, '/web/api/stores/st_alpha/connect')).statusCode, 403);
    assert.equal((await post(admin, '/web/api/stores/st_beta/connect', false)).statusCode, 403);
    assert.equal((await post(admin, '/web/api/stores/nope/connect')).statusCode, 404);
    // st_beta is WooCommerce without a baseUrl: the connector refuses, naming the field; no listing is added.
    const res = await post(admin, '/web/api/stores/st_beta/connect');
    assert.equal(res.statusCode, 400, res.body);
    const rows = await h.db.query(`select count(*)::int as n from listings where store_id = 'st_beta'`);
    assert.deepEqual(rows, [{ n: 2 }]);
  });

  it('conflict detail lists the orders that raced for the SKU', async () => {
    const body = (await get('/web/api/conflicts/cf1')).json() as { conflict: { code: string }; orders: { id: string; losing: boolean }[] };
    assert.equal(body.conflict.code, 'SORRY-ABC');
    assert.deepEqual(body.orders.map((o) => [o.id, o.losing]), [['o1', false], ['o2', true]]);
  });

  it('stores page reports case/whitespace mapping problems', async () => {
    const { problems } = (await get('/web/api/stores')).json() as { problems: { kind: string; sku: string }[] };
    assert.ok(problems.some((p) => p.kind === 'case_mismatch' && p.sku === 'tee-m'));
  });
});
}

dataSuite('web plugin: dashboard data (PGlite)', pglite);
dataSuite('web plugin: dashboard data (Postgres server)', postgresServer);

describe('web plugin: live events', () => {
  it('shows each session only its own supplier, and a retailer only its own stores and orders', async () => {
    const owners: Record<string, { supplierId: string; retailerId: string | null }> = {
      st_alpha: { supplierId: 'sup1', retailerId: 'alpha' }, st_beta: { supplierId: 'sup1', retailerId: 'beta' },
      st_other: { supplierId: 'sup2', retailerId: 'gamma' }, o2: { supplierId: 'sup1', retailerId: 'beta' },
    };
    const lookup = { store: async (id: string) => owners[id] ?? null, order: async (id: string) => owners[id] ?? null };
    const admin = { kind: 'admin' as const, supplierId: 'sup1' };
    const alpha = { kind: 'retailer' as const, supplierId: 'sup1', retailerId: 'alpha' };
    const desired = { supplierId: 'sup1', count: 5, stores: [{ storeId: 'st_alpha', count: 3 }, { storeId: 'st_beta', count: 2 }] };
    assert.deepEqual(await visibleEvent(desired, admin, lookup), desired);
    assert.deepEqual(await visibleEvent(desired, alpha, lookup), { count: 3, stores: [{ storeId: 'st_alpha', count: 3 }] });
    assert.equal(await visibleEvent({ supplierId: 'sup1', count: 1, stores: [{ storeId: 'st_beta', count: 1 }] }, alpha, lookup), null);
    assert.deepEqual(await visibleEvent({ storeId: 'st_alpha', ok: 2 }, alpha, lookup), { storeId: 'st_alpha', ok: 2 });
    assert.equal(await visibleEvent({ storeId: 'st_beta', ok: 2 }, alpha, lookup), null);
    assert.equal(await visibleEvent({ orderId: 'o2', status: 'done' }, alpha, lookup), null);
    assert.deepEqual(await visibleEvent({ orderId: 'o2', status: 'done' }, admin, lookup), { orderId: 'o2', status: 'done' });
    assert.deepEqual(await visibleEvent({ supplierId: 'sup1', skus: ['X'], onHand: 40 }, alpha, lookup), { skus: ['X'] });
    // Another supplier's events, and events whose owner cannot be found, reach nobody.
    assert.equal(await visibleEvent({ storeId: 'st_other' }, admin, lookup), null);
    assert.equal(await visibleEvent({ supplierId: 'sup2', skus: ['X'] }, admin, lookup), null);
    assert.equal(await visibleEvent({ storeId: 'st_gone' }, admin, lookup), null);
  });

  it('streams engine events to a signed-in browser and ends streams on close', async () => {
    const h = await pluginHarness();
    try {
      const s = await signIn(h.app, h.adminKey);
      const address = await h.app.listen({ host: '127.0.0.1', port: 0 });
      const url = new URL('/web/events', address);
      const text = await new Promise<string>((resolve, reject) => {
        const req = httpRequest(url, { headers: { cookie: s.cookie } }, (res) => {
          assert.equal(res.headers['content-type'], 'text/event-stream; charset=utf-8');
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            if (buf.includes(': connected')) h.engine.emit('stock', { supplierId: 'sup1', skus: ['TEE-M'] });
            if (buf.includes('event: stock')) { req.destroy(); resolve(buf); }
          });
        });
        req.on('error', reject);
        req.end();
      });
      assert.match(text, /event: stock\ndata: \{"supplierId":"sup1","skus":\["TEE-M"\]\}/);
    } finally {
      await h.close();
    }
  });
});

describe('web plugin: serving the SPA', () => {
  it('never shadows API paths', () => {
    for (const p of ['/v1', '/v1/skus', '/webhooks/shopify/x', '/docs', '/docs/static/x.js', '/openapi.json', '/metrics', '/healthz']) assert.ok(isReserved(p), p);
    for (const p of ['/', '/skus', '/skus/V1-TEE', '/rules', '/v1x']) assert.ok(!isReserved(p), p);
  });

  it('builds the bundle on first request when missing, then serves index.html for client routes', { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dropsync-web-'));
    const h = await pluginHarness({ distDir: join(dir, 'web') });
    try {
      const page = await h.app.inject({ url: '/skus/TEE-M' });
      assert.equal(page.statusCode, 200);
      assert.match(String(page.headers['content-type']), /text\/html/);
      assert.match(page.body, /<div id="root">/);
      assert.match(String(page.headers['content-security-policy']), /default-src 'self'/);
      const asset = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)![1]!;
      const js = await h.app.inject({ url: asset });
      assert.equal(js.statusCode, 200);
      assert.match(String(js.headers['cache-control']), /immutable/);
      assert.equal((await h.app.inject({ url: '/v1/nothing' })).statusCode, 404);
      assert.equal((await h.app.inject({ url: '/assets/../../../package.json' })).statusCode, 404);
      assert.equal((await h.app.inject({ url: '/assets/%2e%2e/%2e%2e/package.json' })).statusCode, 404);
    } finally {
      await h.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
