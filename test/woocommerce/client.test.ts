/** The connector's HTTP client: Basic over https, OAuth over http, Retry-After in both forms. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WooClient, parseRetryAfter, createWooConnector } from '../../src/connectors/woocommerce/index.ts';
import { connectorFactory } from '../../src/connectors/registry.ts';
import { DropsyncError } from '../../src/domain/errors.ts';

const clock = { now: () => Date.UTC(2026, 0, 1) };

function capture(): { calls: Array<{ url: URL; init: RequestInit }>; fetch: typeof fetch } {
  const calls: Array<{ url: URL; init: RequestInit }> = [];
  const fake = (async (input: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: new URL(String(input)), init: init ?? {} });
    return new Response('[]', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return { calls, fetch: fake };
}

test('https stores get Basic auth and no OAuth parameters', async () => {
  const c = capture();
  const client = new WooClient({ baseUrl: 'https://shop.example/', consumerKey: 'ck_1', consumerSecret: 'cs_2', clock, fetch: c.fetch });
  await client.get('products', { sku: 'A,B' });
  const { url, init } = c.calls[0]!;
  assert.equal(url.href, 'https://shop.example/wp-json/wc/v3/products?sku=A%2CB');
  assert.equal((init.headers as Record<string, string>).authorization, `Basic ${Buffer.from('ck_1:cs_2').toString('base64')}`);
});

test('http stores get OAuth 1.0a query parameters with the clock\'s timestamp', async () => {
  const c = capture();
  const client = new WooClient({ baseUrl: 'http://shop.local', consumerKey: 'ck_1', consumerSecret: 'cs_2', clock, fetch: c.fetch });
  await client.get('orders');
  const { url, init } = c.calls[0]!;
  assert.equal(url.searchParams.get('oauth_consumer_key'), 'ck_1');
  assert.equal(url.searchParams.get('oauth_signature_method'), 'HMAC-SHA256');
  assert.equal(url.searchParams.get('oauth_timestamp'), String(clock.now() / 1000));
  assert.ok(url.searchParams.get('oauth_signature'));
  assert.equal((init.headers as Record<string, string>).authorization, undefined);
});

test('Retry-After as seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('3', 0), 3000);
  assert.equal(parseRetryAfter(new Date(clock.now() + 10_000).toUTCString(), clock.now()), 10_000);
  assert.equal(parseRetryAfter(null, 0), undefined);
  assert.equal(parseRetryAfter('soon', 0), undefined);
});

test('the connector registers itself and refuses a store without keys, naming the field', () => {
  assert.equal(connectorFactory('woocommerce'), createWooConnector);
  assert.throws(
    () => createWooConnector({ storeId: 's', supplierId: 'p', platform: 'woocommerce', config: { baseUrl: 'https://x.example' }, credentials: { consumerKey: 'ck' } }, { clock }),
    (err: unknown) => err instanceof DropsyncError && err.kind === 'invalid' && err.field === 'credentials.consumerSecret',
  );
});
