/**
 * platform -> ConnectorFactory. `test` and `http` are built in; platform connectors register themselves, e.g.
 * `registerConnector('shopify', createShopifyConnector)` in their own index, imported by whoever starts the engine.
 */
import { DropsyncError } from '../domain/errors.ts';
import type { Connector, ConnectorDeps, ConnectorFactory, StoreConnection } from './types.ts';
import { createTestConnector } from './test/index.ts';
import { createHttpConnector } from './http/index.ts';

const factories = new Map<string, ConnectorFactory>();

export function registerConnector(platform: string, factory: ConnectorFactory): void {
  factories.set(platform, factory);
}

export function connectorFactory(platform: string): ConnectorFactory | undefined {
  return factories.get(platform);
}

export function registeredPlatforms(): string[] {
  return [...factories.keys()].sort();
}

/** Builds the connector of a store; throws `upstream` when no connector is registered for its platform. */
export function createConnector(store: StoreConnection, deps: ConnectorDeps): Connector {
  const f = factories.get(store.platform);
  if (!f) throw new DropsyncError('upstream', `no connector registered for platform ${store.platform}`, 'platform');
  return f(store, deps);
}

registerConnector('test', createTestConnector);
registerConnector('http', createHttpConnector);
