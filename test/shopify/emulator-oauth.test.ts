/** The emulator as Shopify: the authorization code grant (approval page, signed redirect), the token endpoint's
 * code and refresh grants with expiring tokens and refresh-token rotation, scopes enforced per token, the
 * protected-customer-data redaction knob, and the connector refreshing through its credential port. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createShopifyConnector } from '../../src/connectors/shopify/index.ts';
import { exchangeCode, queryHmac, refreshTokens, verifyQueryHmac } from '../../src/connectors/shopify/oauth.ts';
import type { CredentialPort } from '../../src/connectors/types.ts';
import { startShopifyEmulator, type ShopifyEmulator } from '../../src/emulators/shopify/index.ts';
import { gql } from './helpers.ts';

const app = { clientId: 'app-1', clientSecret: 'secret-1' };
let emu: ShopifyEmulator;

before(async () => {
  emu = await startShopifyEmulator({ accessToken: null, ...app, catalog: [{ sku: 'A', available: 5 }], tokenLifetimeSeconds: 3_600 });
});
after(() => emu.close());

async function install(scopes = 'read_inventory,write_inventory,read_locations,read_orders,read_customers'): Promise<{ code: string; params: URLSearchParams }> {
  const redirect = 'https://dropsync.example/connect/shopify/callback';
  const page = await fetch(`${emu.url}/admin/oauth/authorize?client_id=${app.clientId}&scope=${scopes}&redirect_uri=${encodeURIComponent(redirect)}&state=s1`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /Install app on/);
  const url = new URL(emu.control.decideGrant().redirect);
  assert.equal(url.origin + url.pathname, redirect);
  return { code: url.searchParams.get('code')!, params: url.searchParams };
}

const call = (token: string, query: string) =>
  fetch(`${emu.url}/admin/api/2026-10/graphql.json`, {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-shopify-access-token': token }, body: JSON.stringify({ query }),
  });

test('the redirect is signed as Shopify signs it, and an unknown client id is refused', async () => {
  const { params } = await install();
  const q = Object.fromEntries(params);
  assert.equal(q.hmac, queryHmac(q, app.clientSecret));
  assert.deepEqual(verifyQueryHmac(q, app.clientSecret, Number(q.timestamp) * 1000), { ok: true });
  assert.equal(verifyQueryHmac({ ...q, shop: 'x.myshopify.com' }, app.clientSecret, Number(q.timestamp) * 1000).ok, false);
  assert.equal(verifyQueryHmac(q, app.clientSecret, (Number(q.timestamp) + 600) * 1000).ok, false, 'a stale timestamp is refused');
  assert.equal((await fetch(`${emu.url}/admin/oauth/authorize?client_id=nope&scope=read_inventory&redirect_uri=https://x.example/cb&state=s`)).status, 400);
});

test('code grant with expiring=1: access token, expires_in, refresh_token, refresh_token_expires_in; a code works once', async () => {
  const { code } = await install();
  const t = await exchangeCode(emu.url, app, code, Date.now());
  assert.match(t.accessToken, /^shpca_/);
  assert.ok(t.refreshToken && t.accessTokenExpiresAt && t.refreshTokenExpiresAt);
  assert.ok(Math.abs(Date.parse(t.accessTokenExpiresAt!) - Date.now() - 3_600_000) < 5_000);
  assert.equal((await call(t.accessToken, '{ shop { id } }')).status, 200);
  await assert.rejects(exchangeCode(emu.url, app, code, Date.now()), /already used|not found/);
  await assert.rejects(exchangeCode(emu.url, { ...app, clientSecret: 'wrong' }, code, Date.now()), /invalid_client/);
});

test('refresh rotates the pair; the old refresh token stays valid until the new one is used; the old access token is revoked', async () => {
  const first = await exchangeCode(emu.url, app, (await install()).code, Date.now());
  const second = await refreshTokens(emu.url, app, first.refreshToken!, Date.now());
  assert.notEqual(second.accessToken, first.accessToken);
  assert.equal((await call(first.accessToken, '{ shop { id } }')).status, 401, 'one expiring token per app and shop');
  // The answer was "lost": the stored (old) refresh token still works...
  const retry = await refreshTokens(emu.url, app, first.refreshToken!, Date.now());
  // ...until its replacement is used.
  await refreshTokens(emu.url, app, retry.refreshToken!, Date.now());
  await assert.rejects(refreshTokens(emu.url, app, first.refreshToken!, Date.now()), /invalid_grant/);
});

test('an expired access token answers 401; the static token is absent when started with accessToken: null', async () => {
  const t = await exchangeCode(emu.url, app, (await install()).code, Date.now());
  emu.control.expireAccessTokens();
  assert.equal((await call(t.accessToken, '{ shop { id } }')).status, 401);
  assert.equal((await call('', '{ shop { id } }')).status, 401);
});

test('scopes are enforced per token: Location fields but id need read_locations, as Shopify answers', async () => {
  const t = await exchangeCode(emu.url, app, (await install('read_inventory,write_inventory')).code, Date.now());
  const ids = await (await call(t.accessToken, '{ locations(first: 5) { nodes { id } } }')).json() as any;
  assert.equal(ids.errors, undefined);
  assert.equal(ids.data.locations.nodes.length, 1);
  const names = await (await call(t.accessToken, '{ locations(first: 5) { nodes { id name } } }')).json() as any;
  assert.equal(names.errors[0].message, 'Access denied for name field. Required access: `read_locations` access scope.');
  assert.equal(names.errors[0].extensions.code, 'ACCESS_DENIED');
  assert.deepEqual(names.errors[0].path, ['locations', 'nodes', 0, 'name']);
  const orders = await (await call(t.accessToken, '{ orders(first: 1) { nodes { id } } }')).json() as any;
  assert.equal(orders.errors[0].extensions.code, 'ACCESS_DENIED');
});

test('the redaction knob answers as for an app without protected customer data access', async () => {
  const other = await startShopifyEmulator({ catalog: [{ sku: 'A', available: 5 }], redactCustomers: true });
  try {
    other.control.placeOrder({ lines: [{ sku: 'A', quantity: 1 }], email: 'pii@example.com' });
    const r = await gql(other, '{ orders(first: 1) { nodes { email customer { id } } } }');
    assert.deepEqual(r.data.orders.nodes, [{ email: null, customer: null }]);
    other.control.setKnobs({ redactCustomers: false });
    const r2 = await gql(other, '{ orders(first: 1) { nodes { email customer { id } } } }');
    assert.equal(r2.data.orders.nodes[0].email, 'pii@example.com');
    assert.match(r2.data.orders.nodes[0].customer.id, /^gid:\/\/shopify\/Customer\//);
  } finally {
    await other.close();
  }
});

test('the connector refreshes an expiring token through its port: saved before use, one refresh for concurrent calls', async () => {
  const t = await exchangeCode(emu.url, app, (await install()).code, Date.now());
  let stored: Record<string, string> = {
    accessToken: t.accessToken, refreshToken: t.refreshToken!, accessTokenExpiresAt: t.accessTokenExpiresAt!, accessTokenObtainedAt: new Date().toISOString(),
  };
  const saves: Record<string, string>[] = [];
  let claimed = false;
  const port: CredentialPort = {
    load: async () => stored,
    claim: async () => (claimed ? false : (claimed = true)),
    save: async (_id, c) => { stored = c; saves.push(c); claimed = false; },
    release: async () => { claimed = false; },
    accessLost: async () => { throw new Error('not expected'); },
  };
  const conn = createShopifyConnector(
    { storeId: 's1', supplierId: 'p1', platform: 'shopify', config: { shopDomain: emu.shopDomain, baseUrl: emu.url, locationId: emu.locationId }, credentials: stored },
    { clock: { now: () => Date.now() }, credentials: port, shopifyApp: { ...app, scopes: [], publicUrl: null, shopUrls: {}, allowHttpWebhooks: false } },
  );
  emu.control.expireAccessTokens();
  const before = emu.control.refreshCount();
  const reads = await Promise.all([conn.readLevels(), conn.readLevels(), conn.readLevels()]);
  assert.ok(reads.every((r) => r.length === 1));
  assert.equal(emu.control.refreshCount() - before, 1, 'three calls meeting a 401 refresh once');
  assert.equal(saves.length, 1);
  assert.notEqual(saves[0]!.accessToken, t.accessToken);
  assert.notEqual(saves[0]!.refreshToken, t.refreshToken);
});

test('two processes meeting the same expired token: one refreshes (it holds the claim), the other adopts what it saved', async () => {
  const t = await exchangeCode(emu.url, app, (await install()).code, Date.now());
  let stored: Record<string, string> = { accessToken: t.accessToken, refreshToken: t.refreshToken!, accessTokenExpiresAt: t.accessTokenExpiresAt! };
  let owner: string | null = null;
  // One database row shared by two "processes", each with its own claim owner.
  const portFor = (me: string): CredentialPort => ({
    load: async () => stored,
    claim: async () => (owner === null || owner === me ? ((owner = me), true) : false),
    save: async (_id, c) => { await new Promise((r) => setTimeout(r, 50)); stored = c; if (owner === me) owner = null; },
    release: async () => { if (owner === me) owner = null; },
    accessLost: async () => { throw new Error('not expected'); },
  });
  const make = (me: string) => createShopifyConnector(
    { storeId: 's1', supplierId: 'p1', platform: 'shopify', config: { shopDomain: emu.shopDomain, baseUrl: emu.url, locationId: emu.locationId }, credentials: stored },
    { clock: { now: () => Date.now() }, credentials: portFor(me), shopifyApp: { ...app, scopes: [], publicUrl: null, shopUrls: {}, allowHttpWebhooks: false } },
  );
  const [a, b] = [make('process-a'), make('process-b')];
  emu.control.expireAccessTokens();
  const before = emu.control.refreshCount();
  const [ra, rb] = await Promise.all([a.readLevels(), b.readLevels()]);
  assert.equal(ra.length, 1);
  assert.equal(rb.length, 1);
  assert.equal(emu.control.refreshCount() - before, 1, 'one refresh across both processes');
  assert.equal(owner, null, 'the claim was released');
});
