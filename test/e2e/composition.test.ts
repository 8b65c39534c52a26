/**
 * The composition root `dropsync serve` uses must be able to push to every platform it accepts stores for:
 * importing it (and the serve command) registers a connector for Shopify and WooCommerce, without the
 * hand registration the demo and the other e2e tests do. Runs in its own process, so nothing else registers.
 */
import assert from 'node:assert/strict';
import { it } from 'node:test';

it('the serve composition registers a connector for every store platform', async () => {
  await import('../../src/app.ts');
  await import('../../src/cli/commands/serve.ts');
  const { registeredPlatforms } = await import('../../src/connectors/registry.ts');
  const have = registeredPlatforms();
  for (const platform of ['shopify', 'woocommerce']) {
    assert.ok(have.includes(platform), `no ${platform} connector is registered after loading src/app.ts (registered: ${have.join(', ')}); \`dropsync serve\` could not push to ${platform} stores`);
  }
});
