/**
 * The runtime `dropsync serve` opens must be able to push to every platform it accepts stores for: after
 * openRuntime (src/runtime.ts) a connector is registered for Shopify and WooCommerce. Runs in its own process, so
 * nothing else has registered one before.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import { openRuntime } from '../../src/runtime.ts';
import { readConfig } from '../../src/config.ts';
import { registeredPlatforms } from '../../src/connectors/registry.ts';

it('the serve runtime registers a connector for every store platform', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'dropsync-e2e-'));
  const rt = await openRuntime(readConfig({}, { DROPSYNC_DATA: dataDir }));
  try {
    const have = registeredPlatforms();
    for (const platform of ['shopify', 'woocommerce']) {
      assert.ok(have.includes(platform), `no ${platform} connector is registered after openRuntime (registered: ${have.join(', ')}); \`dropsync serve\` could not push to ${platform} stores`);
    }
  } finally {
    await rt.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
