/** The configuration object: flags over environment over defaults, one parser per setting, every setting in --help and the docs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { DropsyncError } from '../../src/domain/errors.ts';
import { flagKey, readConfig, SETTING_GROUPS } from '../../src/config.ts';

test('a flag wins over the environment, which wins over the default; an empty variable is unset', () => {
  const c = readConfig({ port: '8080', lease: '3s' }, { PORT: '9000', HOST: '0.0.0.0', DROPSYNC_LEASE: '5s', DROPSYNC_CONCURRENCY: '4', DATABASE_URL: '' });
  assert.equal(c.server.port, 8080);
  assert.equal(c.server.host, '0.0.0.0');
  assert.equal(c.engine.leaseMs, 3000);
  assert.equal(c.engine.concurrency, 4);
  assert.equal(c.storage.databaseUrl, undefined);
  const d = readConfig({}, {});
  assert.equal(d.server.port, 7400);
  assert.equal(d.engine.pushTimeoutMs, 20_000);
  assert.equal(d.engine.ingestWidth, undefined, 'left to the engine (1 embedded, 2 on a server)');
  assert.equal(d.server.web, true);
  assert.equal(d.server.secureCookie, false);
  assert.equal(readConfig({}, { NODE_ENV: 'production' }).server.secureCookie, true);
  assert.equal(readConfig({ web: false }, { DROPSYNC_WEB: 'true' }).server.web, false);
  assert.equal(readConfig({}, { DROPSYNC_RECONCILE: 'false' }).engine.reconcile, false);
  assert.equal(readConfig({}, { DROPSYNC_SECRET_KEY: ' k ' }).secrets.secretKey, 'k');
  const shop = readConfig({ shopifyClientId: 'app' }, { DROPSYNC_SHOPIFY_SHOP_URLS: 'a.myshopify.com=http://127.0.0.1:1/', DROPSYNC_SHOPIFY_ALLOW_HTTP_WEBHOOKS: '1' });
  assert.deepEqual(shop.shopify, { clientId: 'app', shopUrls: { 'a.myshopify.com': 'http://127.0.0.1:1' }, allowHttpWebhooks: true });
});

test('a bad value names the flag or the variable it came from', () => {
  const fails = (flags: Record<string, string>, env: Record<string, string>, field: string) =>
    assert.throws(() => readConfig(flags, env), (e: unknown) => e instanceof DropsyncError && e.field === field);
  fails({ port: '70000' }, {}, '--port');
  fails({}, { PORT: 'x' }, 'PORT');
  fails({ lease: '10' }, {}, '--lease');
  fails({}, { DROPSYNC_RECONCILE: 'maybe' }, 'DROPSYNC_RECONCILE');
  fails({ logLevel: 'loud' }, {}, '--log-level');
  fails({}, { DATABASE_URL: 'not a url' }, 'DATABASE_URL');
});

test('`dropsync serve --help` lists every setting with its variable', () => {
  const help = spawnSync(process.execPath, ['bin/dropsync.js', 'serve', '--help'], { encoding: 'utf8', timeout: 60_000 }).stdout.replace(/\s+/g, ' ');
  for (const group of Object.values(SETTING_GROUPS)) {
    for (const s of Object.values(group)) {
      if (s.flag) assert.ok(help.includes(s.flag.split(' ')[0]!), `${s.flag} missing from serve --help`);
      assert.ok(help.includes(s.env), `${s.env} missing from serve --help`);
    }
  }
});

test('docs/configuration.md lists every setting', () => {
  const doc = readFileSync('docs/configuration.md', 'utf8');
  for (const group of Object.values(SETTING_GROUPS)) {
    for (const s of Object.values(group)) {
      assert.ok(doc.includes(`\`${s.env}\``), `${s.env} missing from docs/configuration.md`);
      if (s.flag) assert.ok(doc.includes(`\`${s.flag.split(' ')[0]}`), `${s.flag} missing from docs/configuration.md`);
    }
  }
});

test('flag keys follow commander: --log-level is logLevel, --no-web is web', () => {
  assert.equal(flagKey('--log-level <level>'), 'logLevel');
  assert.equal(flagKey('--no-web'), 'web');
  assert.equal(flagKey('--max-events <n>'), 'maxEvents');
});
