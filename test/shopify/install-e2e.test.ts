/**
 * Shopify as a public app, end to end through the emulator: dropsync (composed as `serve` composes it) installs its
 * app on an emulated shop by the authorization code grant, connects and syncs the store, keeps its expiring token
 * alive while pushing, pauses the store when a refresh is refused, re-creates a removed subscription, handles the
 * compliance webhooks and the uninstall, and makes no apology code for a redacted customer.
 * The shop's domain resolves to the emulator through DROPSYNC_SHOPIFY_SHOP_URLS (never DNS), read into the
 * configuration as `dropsync serve` reads it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signWebhook, startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { queryHmac } from '../../src/connectors/shopify/oauth.ts';
import { listAlerts } from '../../src/store/ops/alerts-list.ts';
import { orders, quantities, setStock, setupCatalogue, startDropsync, waitFor, type Dropsync } from '../e2e/helpers.ts';
import { readConfig } from '../../src/config.ts';
import { shopifyAppOf } from '../../src/runtime.ts';
import type { ShopifyAppConfig } from '../../src/connectors/shopify/app.ts';

const SKUS = ['OA-RED', 'OA-BLUE', 'OA-LAST'];

/** The Shopify app as `dropsync serve` reads it from these variables. */
const readConfigFor = (env: Record<string, string>): ShopifyAppConfig => shopifyAppOf(readConfig({}, env));
const shopifyApp: ShopifyAppConfig = readConfigFor({});
const CLIENT_ID = 'dropsync-test-app';
const CLIENT_SECRET = 'app-secret-for-tests';

/** Follows one redirect by hand (the browser's part). */
async function location(url: string, init: RequestInit = {}): Promise<{ status: number; location: string | null; body: string }> {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location'), body: await res.text() };
}

/** The merchant's browser: connect link -> approval page -> Install/Cancel -> the callback URL dropsync receives. */
async function authorize(ds: Dropsync, shop: string, decision: 'approve' | 'deny' = 'approve', extra = ''): Promise<string> {
  const start = await location(`${ds.url}/connect/shopify?shop=${shop}${extra}`);
  assert.equal(start.status, 302, start.body);
  const page = await location(start.location!);
  assert.equal(page.status, 200, page.body);
  const request = /name="request" value="([^"]+)"/.exec(page.body)![1]!;
  const decided = await location(new URL('/admin/oauth/decide', start.location!).toString(), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `request=${request}&decision=${decision}`,
  });
  assert.equal(decided.status, 302);
  return decided.location!;
}

async function callback(url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(url, { headers: { accept: 'application/json' } });
  return { status: res.status, body: await res.json() };
}

describe('e2e: installing the Shopify app by OAuth and living with expiring tokens', () => {
  let ds: Dropsync;
  let emu: ShopifyEmulator;
  let other: ShopifyEmulator;
  let storeId = '';
  const shop = 'oauth-shop.myshopify.com';
  const store = () => ds.api('GET', `/v1/stores/${storeId}`);
  const shows = (sku: string) => emu.control.available(sku);

  before(async () => {
    // The app's settings, filled in below once dropsync's own URL (the public URL) and the emulators' are known.
    ds = await startDropsync({ shopifyApp });
    await setupCatalogue(ds, SKUS);
    const common = {
      accessToken: null, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, allowHttpCallbacks: true, timeScale: 0.001,
      catalog: SKUS.map((sku) => ({ sku, available: 0 })), complianceWebhookUrl: `${ds.url}/webhooks/shopify`,
    } as const;
    emu = await startShopifyEmulator({ ...common, shopDomain: shop });
    other = await startShopifyEmulator({ ...common, shopDomain: 'other-shop.myshopify.com' });
    Object.assign(shopifyApp, readConfigFor({
      DROPSYNC_SHOPIFY_CLIENT_ID: CLIENT_ID,
      DROPSYNC_SHOPIFY_CLIENT_SECRET: CLIENT_SECRET,
      DROPSYNC_PUBLIC_URL: ds.url,
      DROPSYNC_SHOPIFY_SHOP_URLS: `${shop}=${emu.url},other-shop.myshopify.com=${other.url}`,
      DROPSYNC_SHOPIFY_ALLOW_HTTP_WEBHOOKS: '1',
    }));
  });

  after(async () => {
    await Promise.allSettled([emu?.close(), other?.close()]);
    await ds?.close();
  });

  it('refusals change nothing and say why: not a myshopify shop, bad hmac, unknown or reused state, declined, missing scopes', async () => {
    const before = (await ds.api('GET', '/v1/stores')).length;
    const evil = await fetch(`${ds.url}/connect/shopify?shop=evil.example.com`, { redirect: 'manual' });
    assert.equal(evil.status, 400);
    assert.match((await evil.json()).error.message, /myshopify\.com/);

    // The app URL as Shopify opens it: signed with the client secret. A tampered one is refused.
    const params: Record<string, string> = { shop: 'other-shop.myshopify.com', timestamp: String(Math.floor(Date.now() / 1000)) };
    params.hmac = queryHmac(params, CLIENT_SECRET);
    const signed = await fetch(`${ds.url}/connect/shopify?${new URLSearchParams(params)}`, { headers: { accept: 'application/json' } });
    assert.equal(signed.status, 200);
    assert.match((await signed.json()).authorizeUrl, /\/admin\/oauth\/authorize\?client_id=dropsync-test-app&scope=read_inventory%2Cwrite_inventory%2Cread_locations/);
    const forgedAppUrl = await fetch(`${ds.url}/connect/shopify?${new URLSearchParams({ ...params, shop: 'oauth-shop.myshopify.com' })}`, { redirect: 'manual' });
    assert.equal(forgedAppUrl.status, 401);

    const cb = new URL(await authorize(ds, 'other-shop.myshopify.com'));
    const tampered = new URL(cb);
    tampered.searchParams.set('shop', 'oauth-shop.myshopify.com');
    const bad = await callback(tampered.toString());
    assert.equal(bad.status, 401);
    assert.match(bad.body.error.message, /hmac/);
    const unknown = new URL(cb);
    unknown.searchParams.delete('hmac');
    assert.equal((await callback(unknown.toString())).status, 401, 'an unsigned callback is refused');

    const declined = await callback(await authorize(ds, 'other-shop.myshopify.com', 'deny'));
    assert.equal(declined.status, 400);
    assert.match(declined.body.error.message, /did not grant access/);

    // The merchant grants less than asked.
    const start = await location(`${ds.url}/connect/shopify?shop=other-shop.myshopify.com`);
    await location(start.location!);
    const narrow = await callback(other.control.decideGrant({ scopes: ['read_inventory', 'write_inventory'] }).redirect);
    assert.equal(narrow.status, 400);
    assert.match(narrow.body.error.message, /read_locations/);

    // The first callback is still good once; its replay is refused.
    const ok = await callback(cb.toString());
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const replay = await callback(cb.toString());
    assert.equal(replay.status, 400);
    assert.match(replay.body.error.message, /already used/);
    assert.equal((await ds.api('GET', '/v1/stores')).length, before + 1, 'only the accepted install made a store');
  });

  it('installs by OAuth: an expiring token stored sealed, SKUs mapped, webhooks subscribed, first sync pushed', async () => {
    await setStock(ds, 'OA-RED', 12);
    await setStock(ds, 'OA-BLUE', 7);
    const res = await callback(await authorize(ds, shop, 'approve', '&invite=inv-123'));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const report = res.body;
    storeId = report.storeId;
    assert.equal(report.created, true);
    assert.equal(report.invite, 'inv-123');
    assert.equal(report.listingsCreated, SKUS.length);
    assert.ok(report.webhooks.length >= 7 && report.webhooks.every((w: { ok: boolean }) => w.ok), JSON.stringify(report.webhooks));
    assert.deepEqual(emu.control.subscriptions().map((s) => s.callbackUrl).filter((u) => !u.endsWith(`/webhooks/shopify/${storeId}`)), []);
    const s = await store();
    assert.equal(s.hasCredentials, true);
    assert.equal(s.access, 'ok');
    assert.equal(JSON.stringify(s).includes('shpca_'), false, 'no token in the API');
    await waitFor('the first sync', () => (shows('OA-RED') === 12 && shows('OA-BLUE') === 7 ? true : `${shows('OA-RED')}, ${shows('OA-BLUE')}`));
  });

  it('a token expiring mid-stream is refreshed (before expiry and on a 401) with no push lost', async () => {
    emu.control.setKnobs({ tokenLifetimeSeconds: 2 });
    emu.control.expireAccessTokens(); // the next push meets a 401 and refreshes once
    const refreshesBefore = emu.control.refreshCount();
    const end = Date.now() + 6_000;
    let n = 0;
    while (Date.now() < end) {
      await setStock(ds, 'OA-RED', 100 + (++n));
      await new Promise((r) => setTimeout(r, 150));
    }
    await waitFor('the last quantity pushed', () => (shows('OA-RED') === 100 + n ? true : `shows ${shows('OA-RED')}, want ${100 + n}`));
    assert.ok(emu.control.refreshCount() - refreshesBefore >= 2, `tokens refreshed ${emu.control.refreshCount() - refreshesBefore} times over several lifetimes`);
    const s = await store();
    assert.equal(s.access, 'ok');
    assert.equal(s.paused, false);
    emu.control.setKnobs({ tokenLifetimeSeconds: 3_600 });
  });

  it('a refused refresh pauses the store, marks its access lost and records an alert; installing again restores it', async () => {
    emu.control.revokeRefreshTokens();
    emu.control.expireAccessTokens();
    await setStock(ds, 'OA-BLUE', 3);
    await waitFor('the store to lose access', async () => {
      const s = await store();
      return s.access === 'lost' && s.paused ? true : `${s.access}, paused ${s.paused}, ${s.lastError}`;
    });
    const s = await store();
    assert.match(s.lastError, /access lost/);
    const alerts = await listAlerts(ds.rt.db, ds.supplierId, storeId);
    assert.equal(alerts.filter((a) => a.kind === 'store_access_lost').length, 1);

    const again = await callback(await authorize(ds, shop));
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.created, false, 'the existing store is completed, not duplicated');
    assert.equal(again.body.storeId, storeId);
    assert.equal((await store()).access, 'ok');
    await waitFor('the held-back quantity pushed after the new install', () => (shows('OA-BLUE') === 3 ? true : `shows ${shows('OA-BLUE')}`));
  });

  it('a subscription Shopify removed is re-created by the periodic check, and the state shows per store', async () => {
    emu.control.removeSubscriptions('orders/create');
    assert.equal(emu.control.subscriptions().some((x) => x.topic === 'orders/create'), false);
    await ds.rt.engine.reconcileStore(storeId);
    assert.equal(emu.control.subscriptions().filter((x) => x.topic === 'orders/create').length, 1);
    const s = await store();
    assert.deepEqual(s.webhooks.find((w: { topic: string }) => w.topic === 'orders/create'), { topic: 'orders/create', status: 'created' });
    assert.ok(s.webhooksCheckedAt);
    assert.ok(s.webhooks.filter((w: { status: string }) => w.status === 'present').length >= 6);
  });

  it('deduplicates by event id across the prefixed and the un-prefixed "events" headers', async () => {
    emu.control.setKnobs({ loss: 1 });
    const placed = emu.control.placeOrder({ lines: [{ sku: 'OA-RED', quantity: 1 }], email: 'evt@example.com' });
    emu.control.setKnobs({ loss: 0 });
    const body = Buffer.from(JSON.stringify(placed));
    const sig = signWebhook(body, CLIENT_SECRET);
    const path = `/webhooks/shopify/${storeId}`;
    const events = await ds.post(path, body, { 'content-type': 'application/json', 'shopify-topic': 'orders/create', 'shopify-hmac-sha256': sig, 'shopify-event-id': 'evt-1', 'shopify-shop-domain': shop });
    assert.equal(events.status, 200, JSON.stringify(events.body));
    assert.equal(events.body.status, 'processed');
    const classic = await ds.post(path, body, { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sig, 'x-shopify-event-id': 'evt-1', 'x-shopify-webhook-id': 'other' });
    assert.equal(classic.body.status, 'duplicate');
    assert.equal((await orders(ds, storeId)).filter((o) => o.platformOrderId === placed.admin_graphql_api_id).length, 1);
  });

  it('compliance webhooks: a bad signature is 401; data request recorded; customer and shop redaction erase what dropsync holds', async () => {
    const forged = await ds.post('/webhooks/shopify', '{"shop_domain":"oauth-shop.myshopify.com"}', {
      'content-type': 'application/json', 'x-shopify-topic': 'shop/redact', 'x-shopify-hmac-sha256': signWebhook(Buffer.from('x'), CLIENT_SECRET),
    });
    assert.equal(forged.status, 401);

    await setStock(ds, 'OA-BLUE', 20);
    await waitFor('stock shown', () => (shows('OA-BLUE') === 20 ? true : `${shows('OA-BLUE')}`));
    const placed = emu.control.placeOrder({ lines: [{ sku: 'OA-BLUE', quantity: 2 }], email: 'erase.me@example.com' });
    await waitFor('the order recorded', async () => ((await orders(ds, storeId)).some((o) => o.platformOrderId === placed.admin_graphql_api_id) ? true : 'not yet'));

    emu.control.sendCompliance('customers/data_request', { email: 'erase.me@example.com' });
    await waitFor('the data request recorded', async () => {
      const a = (await listAlerts(ds.rt.db, ds.supplierId, storeId)).find((x) => x.kind === 'customer_data_request');
      return a && (a.detail as { orders: unknown[] }).orders.length === 1 ? true : 'not yet';
    });

    emu.control.sendCompliance('customers/redact', { email: 'erase.me@example.com' });
    await waitFor('the customer erased', async () => {
      const o = (await orders(ds, storeId)).find((x) => x.platformOrderId === placed.admin_graphql_api_id);
      return o && o.email === null ? true : `email ${o?.email}`;
    });
    assert.ok((await orders(ds, storeId)).some((o) => o.email === 'evt@example.com'), 'other customers are kept');
    const q = await quantities(ds, 'OA-BLUE');
    assert.equal(q.committed >= 2, true, 'the order itself (the supplier\'s books) stays');

    emu.control.sendCompliance('shop/redact');
    await waitFor('the shop erased', async () => {
      const s = await store();
      return !s.hasCredentials && (await orders(ds, storeId)).every((o) => o.email === null) ? true : `credentials ${s.hasCredentials}`;
    });
  });

  it('uninstall pauses the store and wipes its tokens', async () => {
    const res = await callback(await authorize(ds, shop));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await store()).hasCredentials, true);
    emu.control.uninstall();
    await emu.control.webhooksIdle();
    await waitFor('the uninstall handled', async () => {
      const s = await store();
      return s.access === 'uninstalled' && s.paused && !s.hasCredentials ? true : `${s.access} ${s.paused} ${s.hasCredentials}`;
    });
    assert.ok((await listAlerts(ds.rt.db, ds.supplierId, storeId)).some((a) => a.kind === 'store_uninstalled'));
  });
});
