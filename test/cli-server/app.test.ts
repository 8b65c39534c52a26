/** The composition root: data directory layout, first-run bootstrap, the key the engine decrypts with, the dashboard's 404s. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrap, createHttpApp, openRuntime, registerPlatformConnectors } from '../../src/runtime.ts';
import { readConfig } from '../../src/config.ts';
import { connectorFactory } from '../../src/connectors/registry.ts';
import { DropsyncError } from '../../src/domain/errors.ts';

test('embedded runtime: key file 0600, one bootstrap, API 404s keep the JSON shape with the dashboard mounted', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dropsync-app-'));
  const rt = await openRuntime(readConfig({ data: dir }, {}));
  try {
    assert.equal(rt.mode, 'embedded');
    assert.equal(rt.secretKeySource, 'created');
    assert.equal(statSync(join(dir, 'secret.key')).mode & 0o777, 0o600);
    assert.ok(statSync(join(dir, 'db')).isDirectory());
    const first = await bootstrap(rt.db, rt.clock);
    assert.ok(first);
    assert.match(first.adminKey, /^dsk_/);
    assert.equal(await bootstrap(rt.db, rt.clock), null, 'only an empty database is bootstrapped');

    const app = await createHttpApp(rt);
    try {
      const auth = { authorization: `Bearer ${first.adminKey}` };
      const nope = await app.inject({ method: 'GET', url: '/v1/nope', headers: auth });
      assert.equal(nope.statusCode, 404);
      assert.equal(nope.json().error.kind, 'not_found');
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      assert.equal(metrics.statusCode, 200);
      assert.match(metrics.body, /dropsync_stock_events_total/);
      // Credentials sealed through the API open with the runtime's key (what the engine's connectors get).
      const r = (await app.inject({ method: 'POST', url: '/v1/retailers', headers: auth, payload: { name: 'R' } })).json();
      const s = (await app.inject({ method: 'POST', url: '/v1/stores', headers: auth, payload: { retailerId: r.id, platform: 'test', name: 'S', credentials: { token: 't0k' } } })).json();
      const raw = await rt.db.query<{ credentials: string }>(`select credentials from stores where id = $1`, [s.id]);
      assert.deepEqual(rt.sealer.open(raw[0]!.credentials), { token: 't0k' });
      // Request metrics by route pattern, next to the engine's.
      const after = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      assert.match(after, /dropsync_http_requests_total\{method="POST",route="\/v1\/retailers",status="201"\} 1/);
      assert.match(after, /dropsync_http_request_seconds_bucket/);
    } finally {
      await app.close();
    }
  } finally {
    await rt.close();
  }
  // Reopened: the same key from the file.
  const again = await openRuntime(readConfig({ data: dir }, {}));
  try {
    assert.equal(again.secretKeySource, 'file');
  } finally {
    await again.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server database without DROPSYNC_SECRET_KEY is refused, naming the variable', async () => {
  await assert.rejects(
    openRuntime(readConfig({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/test' }, {})),
    (err: unknown) => err instanceof DropsyncError && err.field === 'DROPSYNC_SECRET_KEY',
  );
});

test('both platform connectors are registered for the engine', () => {
  registerPlatformConnectors();
  assert.ok(connectorFactory('shopify'));
  assert.ok(connectorFactory('woocommerce'));
});
