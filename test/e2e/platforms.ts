/**
 * Connector registration for the e2e tests. The WooCommerce connector registers itself when its index is
 * imported; the Shopify connector does not (yet), and `dropsync demo` registers it by hand, so the tests do
 * the same until the composition root does. composition.test.ts checks the composition root on its own.
 */
import { connectorFactory, registerConnector } from '../../src/connectors/registry.ts';
import { createShopifyConnector } from '../../src/connectors/shopify/index.ts';
import '../../src/connectors/woocommerce/index.ts';

export function ensureShopifyConnector(): void {
  if (!connectorFactory('shopify')) registerConnector('shopify', createShopifyConnector);
}
