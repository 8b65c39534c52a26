/** The Shopify connector: the `Connector` interface over the Admin GraphQL API. */
import { DropsyncError, invalid } from '../../domain/errors.ts';
import type { Connector, ConnectorDeps, StoreConnection } from '../types.ts';
import type { BulkOptions } from './bulk.ts';
import { ShopifyClient } from './client.ts';
import { compensate } from './compensate.ts';
import { SET_QUANTITIES_COST } from './documents.ts';
import { AllLevelsReader, readLevelsById } from './levels.ts';
import { fetchOrders } from './orders.ts';
import { KeyBook, MAX_BATCH, pushQuantities } from './push.ts';
import { DEFAULT_SHOPIFY_API_VERSION, type ShopifyConfig } from './types.ts';
import { shopBaseUrl, shopifyAppFromEnv, type ShopifyAppConfig } from './app.ts';
import { TokenKeeper } from './tokens.ts';
import { ensureSubscriptions, SHOPIFY_SOURCE_TOPICS } from './subscriptions.ts';
import { listLocations, SourceLevelsReader } from './source.ts';
import { readOrder } from './order-state.ts';
import { fulfilOrder } from './fulfil.ts';
import { refundLines } from './refund.ts';
import { createForwardedOrder, ForwardBook } from './forward.ts';

export interface ShopifyConnectorDeps extends ConnectorDeps {
  /** How reads wait for the cost bucket; default real timers. */
  sleep?: (ms: number) => Promise<void>;
  /** Bulk-read polling (interval, limit); defaults in ./bulk.ts. */
  bulk?: BulkOptions;
  /** Told why a bulk read failed before paging took over (for logs). */
  onBulkFailure?: (reason: string) => void;
  /** The app's credentials for token refresh; default from the environment (DROPSYNC_SHOPIFY_CLIENT_ID/SECRET). */
  shopifyApp?: ShopifyAppConfig;
  /** Refresh an expiring token this long before it expires (default 5 minutes). */
  refreshMarginMs?: number;
}

/**
 * Default catalogue size from which reading all levels uses a bulk operation: paging 2,000 items costs
 * 8 pages x 752 points, about two minutes of a standard plan's 50 points/s, against ~12 points for bulk.
 */
export const DEFAULT_BULK_THRESHOLD = 2_000;

export function parseShopifyConfig(config: Record<string, unknown>): ShopifyConfig {
  const str = (k: string, required: boolean) => {
    const v = config[k];
    if (v === undefined || v === null || v === '') {
      if (required) throw invalid(`config.${k}`, 'required');
      return undefined;
    }
    if (typeof v !== 'string') throw invalid(`config.${k}`, 'must be a string');
    return v;
  };
  const shopDomain = str('shopDomain', true)!;
  const role = config.role === undefined || config.role === null ? 'retailer' : config.role;
  if (role !== 'retailer' && role !== 'source') throw invalid('config.role', 'must be retailer or source');
  // A source store is read at every location; a retailer store is pushed to at one.
  const locationId = str('locationId', role === 'retailer') ?? '';
  if (locationId !== '' && !/^gid:\/\/shopify\/Location\/\d+$/.test(locationId)) throw invalid('config.locationId', 'must be a Location gid');
  const baseUrl = str('baseUrl', false);
  if (baseUrl !== undefined && !/^https?:\/\//.test(baseUrl)) throw invalid('config.baseUrl', 'must be an http(s) URL');
  const apiVersion = str('apiVersion', false);
  const webhookUri = str('webhookUri', false);
  const allowHttpWebhooks = config.allowHttpWebhooks === true;
  const bulkThreshold = config.bulkThreshold;
  if (bulkThreshold !== undefined && bulkThreshold !== null && (!Number.isInteger(bulkThreshold) || (bulkThreshold as number) < 1)) {
    throw invalid('config.bulkThreshold', 'must be a positive integer');
  }
  return {
    shopDomain,
    locationId,
    ...(role === 'source' ? { role } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    ...(apiVersion ? { apiVersion } : {}),
    ...(webhookUri ? { webhookUri } : {}),
    ...(allowHttpWebhooks ? { allowHttpWebhooks } : {}),
    ...(typeof bulkThreshold === 'number' ? { bulkThreshold } : {}),
  };
}

export function createShopifyConnector(store: StoreConnection, deps: ShopifyConnectorDeps): Connector {
  const config = parseShopifyConfig(store.config);
  const accessToken = store.credentials.accessToken;
  if (!accessToken) throw invalid('credentials.accessToken', 'required');
  // The composition root passes the app as configured (src/config.ts); without it, no app: tokens are not refreshed.
  const app = deps.shopifyApp ?? shopifyAppFromEnv({});
  // Expiring offline tokens (an OAuth install) are refreshed; a pasted legacy token is used as it is.
  const tokens = new TokenKeeper(store.credentials, {
    storeId: store.storeId,
    baseUrl: config.baseUrl ?? shopBaseUrl(app, config.shopDomain),
    app,
    clock: deps.clock,
    sleep: deps.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms).unref?.())),
    ...(deps.credentials ? { port: deps.credentials } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.refreshMarginMs !== undefined ? { marginMs: deps.refreshMarginMs } : {}),
  });
  const client = new ShopifyClient({
    shopDomain: config.shopDomain,
    accessToken,
    tokens,
    apiVersion: config.apiVersion ?? DEFAULT_SHOPIFY_API_VERSION,
    clock: deps.clock,
    ...(config.baseUrl ? { baseUrl: config.baseUrl } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  });
  const keys = new KeyBook();
  const allLevels = new AllLevelsReader(client, config.locationId, {
    bulkThreshold: config.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
    ...(deps.bulk ? { bulk: deps.bulk } : {}),
    ...(deps.onBulkFailure ? { onBulkFailure: deps.onBulkFailure } : {}),
  });
  const sourceLevels = new SourceLevelsReader(client, {
    bulkThreshold: config.bulkThreshold ?? DEFAULT_BULK_THRESHOLD,
    ...(deps.bulk ? { bulk: deps.bulk } : {}),
    ...(deps.onBulkFailure ? { onBulkFailure: deps.onBulkFailure } : {}),
  });
  const forwards = new ForwardBook();
  const noLocation = (): never => {
    throw new DropsyncError('invalid', 'this Shopify store has no location to push to (a source store is read, not pushed to)', 'config.locationId');
  };
  return {
    platform: 'shopify',
    maxBatch: MAX_BATCH,
    push: async (items) => (config.locationId ? pushQuantities(client, keys, config.locationId, items) : noLocation()),
    async readLevels(externalIds) {
      if (!config.locationId) return noLocation();
      if (externalIds === undefined) return allLevels.read();
      const r = await readLevelsById(client, externalIds, config.locationId, 'wait');
      // 'wait' mode only gives up after Shopify kept answering THROTTLED; an empty answer would read as "no levels".
      if (r === 'throttled') throw new DropsyncError('rate_limited', 'Shopify kept throttling the level read');
      return r;
    },
    fetchOrders: (cursor) => fetchOrders(client, cursor),
    compensate: (conflict) => compensate(client, deps.clock, conflict),
    listLocations: () => listLocations(client),
    readSourceLevels: (opts) => sourceLevels.read(opts),
    readOrder: (platformOrderId) => readOrder(client, platformOrderId),
    fulfilOrder: (platformOrderId, request) => fulfilOrder(client, platformOrderId, request),
    refundLines: (platformOrderId, lines, opts) => refundLines(client, platformOrderId, lines, opts),
    createForwardedOrder: (order) => createForwardedOrder(client, forwards, order),
    rateLimit: () => ({ waitMs: client.throttle.waitMs(SET_QUANTITIES_COST) }),
    async maintain() {
      if (!config.webhookUri) return;
      const state = await ensureSubscriptions(client, config.webhookUri, {
        allowHttp: config.allowHttpWebhooks === true || app.allowHttpWebhooks,
        ...(config.role === 'source' ? { topics: SHOPIFY_SOURCE_TOPICS } : {}),
      });
      await deps.credentials?.webhookState?.(store.storeId, state);
    },
    close: async () => {},
  };
}
